from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import DELETE_CELL, Finding, Fix, Invalid, Rule, Valid
from nb2prod.testing import md, nb


class EmptyCell(Rule):
    """
    ## What it does
    Flags blank cells (code, Markdown or raw) that sit between other cells. The blank
    cells at the very end of a notebook, where Jupyter leaves one, are not flagged.
    `--fix` deletes the flagged cells that have no tags.

    ## Why is this bad?
    Empty cells are leftovers that make the notebook longer and the diff noisier
    without saying anything; Pimentel et al. (MSR 2019) found them in 62 % of GitHub
    notebooks.

    ## Example
    ```python
    # cell 1
    df = load()
    # cell 2 is empty
    # cell 3
    df.describe()
    ```

    Use instead:
    ```python
    # cell 1
    df = load()
    # cell 2
    df.describe()
    ```
    """

    code = "NB203"
    name = "empty-cell"
    message = "empty {kind} cell; delete it"
    fix_action = DELETE_CELL

    valid = [Valid(nb("x = 1", md("# Notes"), "y = 2", "", "  \n"))]
    invalid = [
        Invalid(
            nb("x = 1", "\n", "y = 2", ""),
            at=(1, 1, 0),
            message="empty code cell; delete it",
        ),
        Invalid(nb(md(""), "x = 1"), at=(0, 1, 0)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        last = max(
            (cell.index for cell in ctx.cells if cell.source.strip()), default=-1
        )
        for cell in ctx.cells[: last + 1]:
            if not cell.source.strip():
                fix = (  # a tagged blank cell may mark a place (papermill parameters)
                    None
                    if cell.tags
                    else Fix("delete the empty cell", cell.index, None, DELETE_CELL)
                )
                yield ctx.finding(self, cell.index, fix=fix, kind=cell.kind.value)
