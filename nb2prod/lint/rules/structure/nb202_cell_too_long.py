from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.magics import SyntaxKind


class CellTooLong(Rule):
    """
    ## What it does
    Flags code cells with more non-blank lines than `max-cell-lines` (30 by default, as
    in pynblint). Cells whose body is not Python (`%%html`, `%%bash`, `%%writefile`...)
    are not counted.

    ## Why is this bad?
    A long cell does several things at once: its intermediate results cannot be
    inspected, re-running it repeats all of them, and it becomes one opaque step when
    the notebook is turned into a pipeline.

    ## Example
    ```python
    df = load()
    df = clean(df)
    # ... 40 more lines of features, training and plots
    ```

    Use instead:
    ```python
    df = clean(load())
    # features, training and plots in their own cells, or in functions
    ```
    """

    code = "NB202"
    name = "cell-too-long"
    message = "cell has {count} lines of code, more than {limit}"

    valid = [
        Valid("\n\n".join(f"x{i} = {i}" for i in range(30))),
        Valid("%%html\n" + "<p>hi</p>\n" * 40),
    ]
    invalid = [
        Invalid(
            "\n".join(f"x{i} = {i}" for i in range(31)),
            at=(0, 1, 0),
            message="cell has 31 lines of code, more than 30",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        limit = ctx.settings.max_cell_lines
        for facts in ctx.cell_facts():
            if any(
                fact.kind is SyntaxKind.CELL_MAGIC and not fact.keeps_python
                for fact in facts.ipython_syntax
            ):
                continue
            source = ctx.cells[facts.index].source
            count = sum(1 for line in source.splitlines() if line.strip())
            if count > limit:
                yield ctx.finding(self, facts.index, count=count, limit=limit)
