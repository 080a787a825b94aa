from __future__ import annotations

from collections.abc import Iterator

from nb2prod.analysis.dataflow import reads_through
from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.testing import nb


class UseBeforeDefinition(Rule):
    """
    ## What it does
    Flags a name a cell needs that only a later cell defines, directly or through a
    notebook function it calls.

    ## Why is this bad?
    It works in the author's kernel only because the later cell ran first. Restart &
    Run All stops with a `NameError`, the most common failure after missing modules.

    ## Example
    ```python
    # cell 1
    print(model.score(X_test, y_test))
    # cell 2
    model = train(X_train, y_train)
    ```

    Use instead:
    ```python
    # cell 1
    model = train(X_train, y_train)
    # cell 2
    print(model.score(X_test, y_test))
    ```
    """

    code = "NB106"
    name = "use-before-definition"
    message = "`{name}` is used here but only defined later, in cell {later}"

    valid = [
        Valid(nb("x = 1", "print(x)")),
        Valid(nb("def f():\n    return y", "y = 1", "f()")),
        # a star import above may provide it (`from preamble import *` gives `pd`)
        Valid(nb("from preamble import *", "pd.DataFrame()", "import pandas as pd")),
        # a function handed over, not called: it runs when the loader calls it
        Valid(
            nb(
                "def collate(b):\n    return torch.stack(b)",
                "loader = dict(collate_fn=collate)",
                "import torch",
            )
        ),
    ]
    invalid = [
        Invalid(nb("print(x)", "x = 1"), at=(0, 1, 6),
                message="`x` is used here but only defined later, in cell 2"),
        Invalid(nb("def f():\n    return y", "f()", "y = 1"), at=(1, 1, 0)),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        stars = [
            cell.index
            for cell in ctx.cell_facts()
            if any(fact.name == "*" for fact in cell.imports)
        ]
        functions = {f.name: f for cell in ctx.cell_facts() for f in cell.functions}
        for use in ctx.facts.dataflow.undefined_before_use:
            if any(star <= use.cell for star in stars):
                continue  # what a star import provides is not known here
            facts = ctx.facts_of(use.cell)
            if facts is not None and use.name not in {
                *facts.reads,
                *facts.lambda_reads,
            }:
                called = (reads_through(name, functions) for name in facts.calls)
                if not any(use.name in reads for reads in called):
                    continue  # a function handed over as a value may run later
            line, column = ctx.need_site(use.cell, use.name)
            later = ", ".join(str(index + 1) for index in use.defined_in)
            yield ctx.finding(self, use.cell, line, column, name=use.name, later=later)
