from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.execution._helpers import has_code, ran
from nb2prod.testing import code as code_cell
from nb2prod.testing import md, nb


class NotebookNeverExecuted(Rule):
    """
    ## What it does
    Flags a notebook that holds code but in which no code cell has ever run: every
    execution count is empty and no cell shows an output.

    ## Why is this bad?
    Nothing shows that the code ran even once, and a reader sees no results. Off by
    default: teams that strip outputs before committing (nbstripout) and course
    templates meant to be filled in look the same.

    ## Example
    ```python
    # [ ] df = load()
    # [ ] df.describe()
    ```

    Use instead:
    ```python
    # [1] df = load()
    # [2] df.describe()
    ```
    """

    code = "NB105"
    name = "notebook-never-executed"
    message = "no code cell has run: the notebook shows no results"
    default = False

    valid = [
        Valid(nb(code_cell("a = 1", count=1), code_cell("b = 2"))),
        Valid(nb(md("# Notes"), code_cell(""), code_cell("# todo"))),
    ]
    invalid = [
        Invalid(nb(md("# Churn"), code_cell("df = load()"), code_cell("df.describe()")),
                at=(None, 1, 0)),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if any(ran(cell) for cell in ctx.code_cells):
            return
        if any(has_code(ctx, cell) for cell in ctx.code_cells):
            yield ctx.finding(self, None)
