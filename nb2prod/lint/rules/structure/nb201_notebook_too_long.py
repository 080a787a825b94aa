from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.testing import nb


class NotebookTooLong(Rule):
    """
    ## What it does
    Flags notebooks with more non-empty cells than `max-cells` (50 by default, as in
    pynblint).

    ## Why is this bad?
    A long notebook mixes several tasks, is hard to review and is less likely to run
    again: Pimentel et al. (EMSE 2021) found notebooks with 37 or more cells 0.30 times
    as likely to reproduce their results.

    ## Example
    ```python
    # analysis.ipynb: loading, cleaning, features, training and reporting in 120 cells
    ```

    Use instead:
    ```python
    # 01-load.ipynb, 02-features.ipynb, 03-train.ipynb, or a package with the
    # reusable steps and a short notebook that calls them
    ```
    """

    code = "NB201"
    name = "notebook-too-long"
    message = "notebook has {count} cells, more than {limit}; split it up"

    valid = [Valid(nb(*["x = 1"] * 50, *[""] * 5))]
    invalid = [
        Invalid(
            nb(*["x = 1"] * 51),
            at=(None, 1, 0),
            message="notebook has 51 cells, more than 50; split it up",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        count = sum(1 for cell in ctx.cells if cell.source.strip())
        limit = ctx.settings.max_cells
        if count > limit:
            yield ctx.finding(self, None, count=count, limit=limit)
