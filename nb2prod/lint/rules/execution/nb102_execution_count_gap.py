from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.execution._helpers import executed, has_code
from nb2prod.testing import code as code_cell
from nb2prod.testing import nb


class ExecutionCountGap(Rule):
    """
    ## What it does
    Flags a skip in the execution counts: sorted, the counts jump (`[1] [2] [7]`), or
    the lowest is above 1 when no cleared cell above it can account for the runs.

    ## Why is this bad?
    The missing counts are runs whose code is no longer in the notebook as it ran:
    cells deleted or edited and re-run. Their state may still feed the outputs.
    Pimentel et al. (MSR 2019) found skips in 77 % of notebooks, and notebooks with
    skips in the middle were 0.64 times as likely to reproduce (EMSE 2021).

    ## Example
    ```python
    # [1] df = load()
    # [2] df = clean(df)
    # [7] df.describe()
    ```

    Use instead:
    ```python
    # Restart the kernel and run all cells: [1] [2] [3], then commit.
    ```
    """

    code = "NB102"
    name = "execution-count-gap"
    message = "{gap}: {missing} run(s) show in no cell (re-run or deleted cells)"

    valid = [
        Valid(nb(code_cell("a = 1", count=1), code_cell("b = 2", count=2))),
        Valid(nb(code_cell("!pip install x"), code_cell("import x", count=2))),
        Valid(nb(code_cell("a = 1", count=2), code_cell("b = 2", count=1))),
        # a blank cell's stale count is no run of this session
        Valid(nb(code_cell("a = 1", count=1), code_cell("", count=40))),
    ]
    invalid = [
        Invalid(nb(code_cell("a = 1", count=1), code_cell("b = 2", count=2),
                   code_cell("c = 3", count=7)), at=(2, 1, 0),
                message="count jumps from [2] to [7]: 4 run(s) show in no cell "
                "(re-run or deleted cells)"),
        Invalid(nb(code_cell("a = 1", count=3), code_cell("b = 2", count=4)),
                at=(0, 1, 0),
                message="counts start at [3], not [1]: 2 run(s) show in no cell "
                "(re-run or deleted cells)"),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        cells = executed(ctx)
        if not cells:
            return
        first_at: dict[int, int] = {}  # count -> first cell (document order) with it
        for cell in cells:
            first_at.setdefault(cell.execution_count or 0, cell.index)
        counts = sorted(first_at)
        lowest = counts[0]
        # Cells above the lowest count that may have run and had their count cleared.
        cleared = sum(
            1
            for cell in ctx.code_cells
            if cell.index < first_at[lowest]
            and cell.execution_count is None
            and has_code(ctx, cell)
        )
        if lowest - 1 > cleared:
            gap = f"counts start at [{lowest}], not [1]"
            yield ctx.finding(self, first_at[lowest], gap=gap, missing=lowest - 1)
        for previous, count in pairwise(counts):
            if count - previous > 1:
                gap = f"count jumps from [{previous}] to [{count}]"
                missing = count - previous - 1
                yield ctx.finding(self, first_at[count], gap=gap, missing=missing)
