from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.execution._helpers import executed
from nb2prod.testing import code as code_cell
from nb2prod.testing import md, nb


class OutOfOrderExecution(Rule):
    """
    ## What it does
    Flags a code cell whose execution count is lower than that of the executed code cell
    just above it: the notebook was not run top to bottom.

    ## Why is this bad?
    The stored outputs come from an order nobody can see. Restart & Run All may fail or
    compute something else; Pimentel et al. (MSR 2019) found this in 36 % of notebooks.

    ## Example
    ```python
    # [2] df = load()
    # [1] df.head()
    ```

    Use instead:
    ```python
    # Restart the kernel and run all cells, then commit.
    ```
    """

    code = "NB101"
    name = "out-of-order-execution"
    message = "cell ran as [{count}] after a cell above it ran as [{previous}]"

    valid = [
        Valid(nb(code_cell("x = 1", count=1), md("text"), code_cell("y = 2", count=2))),
        Valid(
            nb(
                code_cell("x = 1", count=1),
                code_cell("", count=None),
                code_cell("y = 2", count=5),
            )
        ),
        # a blank cell's stale count: Jupyter does not run an empty cell
        Valid(nb(code_cell("", count=57), code_cell("x = 1", count=1))),
    ]
    invalid = [
        Invalid(
            nb(code_cell("df = load()", count=2), code_cell("df.head()", count=1)),
            at=(1, 1, 0),
            message="cell ran as [1] after a cell above it ran as [2]",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        previous = None  # the count of the executed code cell above
        for cell in executed(ctx):  # blank cells' stale counts left out
            count = cell.execution_count
            assert count is not None  # executed() keeps the cells with a count
            if previous is not None and count < previous:
                yield ctx.finding(self, cell.index, count=count, previous=previous)
            previous = count
