from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.documentation._helpers import heading_levels
from nb2prod.testing import md, nb

#: Below this many code cells a notebook is short enough to read without sections.
_MIN_CODE_CELLS = 10


class NoH2Sections(Rule):
    """
    ## What it does
    Flags notebooks with at least 10 code cells and no `## Section` heading in any
    markdown cell.

    ## Why is this bad?
    Sections are the notebook's table of contents and its natural module boundaries:
    without them readers cannot navigate it, and tools that split a notebook into
    steps have nothing to split on (soorgeon refuses notebooks without `##`
    headings; they are also the natural boundaries between modules).

    ## Example
    ```python
    # Title, then 25 code cells with no headings
    ```

    Use instead:
    ```python
    # ## Load data / ## Clean / ## Train / ## Evaluate, one per step
    ```
    """

    code = "NB809"
    name = "no-h2-sections"
    message = "{count} code cells and no `## Section` heading to split them"
    default = False

    valid = [
        Valid(nb(md("# T"), md("## Load"), *["x = 1"] * 12)),
        Valid(nb(md("# T"), *["x = 1"] * 3)),
    ]
    invalid = [
        Invalid(
            nb(md("# T\n### Load"), *["x = 1"] * 10),
            at=(None, 1, 0),
            message="10 code cells and no `## Section` heading to split them",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        count = sum(1 for cell in ctx.code_cells if cell.source.strip())
        if count < _MIN_CODE_CELLS:
            return
        if not any(2 in heading_levels(cell) for cell in ctx.cells):
            yield ctx.finding(self, None, count=count)
