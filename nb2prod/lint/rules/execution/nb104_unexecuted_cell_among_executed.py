from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.execution._helpers import executed, has_code, ran
from nb2prod.reading.notebook import Cell
from nb2prod.testing import code as code_cell
from nb2prod.testing import md, nb


class UnexecutedCellAmongExecuted(Rule):
    """
    ## What it does
    Flags a code cell that holds code but never ran, while a code cell below it did.
    Unexecuted cells at the end of the notebook, and blank or comment-only cells, are
    left alone.

    ## Why is this bad?
    The outputs below were computed without this cell: Restart & Run All runs it and
    may change them, or fail. Pimentel et al. (MSR 2019) found non-executed code
    cells in 21 % of executed notebooks (Julynter's c1).

    ## Example
    ```python
    # [1] df = load()
    # [ ] df = df.dropna()
    # [2] df.describe()
    ```

    Use instead:
    ```python
    # Run the cell (or delete it), then Restart & Run All and commit.
    ```
    """

    code = "NB104"
    name = "unexecuted-cell-among-executed"
    message = "cell never ran, but cell {later} below it ran as [{count}]"

    valid = [
        Valid(nb(code_cell("a = 1", count=1), code_cell("b = 2"), code_cell(""))),
        Valid(nb(code_cell("a = 1", count=1), code_cell("# note"),
                 code_cell("b = 2", count=2))),
        Valid(nb(code_cell("a = 1"), code_cell("b = 2"))),
        Valid(nb(code_cell("a = 1", count=1), code_cell('"""a note"""'),
                 code_cell("b = 2", count=2))),
    ]  # fmt: skip
    invalid = [
        Invalid(nb(code_cell("df = load()", count=1), code_cell("df = df.dropna()"),
                   md("Summary"), code_cell("df.describe()", count=2)),
                at=(1, 1, 0),
                message="cell never ran, but cell 4 below it ran as [2]"),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        counted = {cell.index for cell in executed(ctx)}
        next_run: dict[int, Cell | None] = {}  # index -> next executed code cell below
        below = None
        for cell in reversed(ctx.code_cells):
            next_run[cell.index] = below
            if cell.index in counted:
                below = cell
        for cell in ctx.code_cells:
            later = next_run[cell.index]
            if later is None or ran(cell):
                continue
            if has_code(ctx, cell):
                yield ctx.finding(
                    self, cell.index, later=later.index + 1, count=later.execution_count
                )
