from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.execution._helpers import executed
from nb2prod.testing import code as code_cell
from nb2prod.testing import nb


class DuplicateExecutionCount(Rule):
    """
    ## What it does
    Flags a code cell whose execution count another code cell above it also shows.

    ## Why is this bad?
    One kernel session numbers every run once, so two cells showing `[4]` ran in
    different sessions (or were pasted from another notebook with their outputs).
    The outputs on the page were never produced together (Julynter's h3).

    ## Example
    ```python
    # [4] model = fit(X, y)
    # [4] model.score(X_test, y_test)
    ```

    Use instead:
    ```python
    # Restart the kernel and run all cells: [1] [2], then commit.
    ```
    """

    code = "NB103"
    name = "duplicate-execution-count"
    message = (
        "cell shows [{count}] like cell {other}: one of them ran in another session "
        "or was copied"
    )

    valid = [
        Valid(nb(code_cell("a = 1", count=1), code_cell("b = 2", count=2))),
        # a blank cell's stale count: Jupyter does not run an empty cell
        Valid(nb(code_cell("a = 1", count=1), code_cell("", count=1))),
    ]
    invalid = [
        Invalid(nb(code_cell("model = fit(X, y)", count=4),
                   code_cell("model.score(X, y)", count=4)), at=(1, 1, 0),
                message="cell shows [4] like cell 1: one of them ran in another "
                "session or was copied"),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        first: dict[int, int] = {}  # count -> index of the first cell showing it
        for cell in executed(ctx):
            count = cell.execution_count or 0
            if count in first:
                yield ctx.finding(self, cell.index, count=count, other=first[count] + 1)
            else:
                first[count] = cell.index
