from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.documentation._helpers import non_blank
from nb2prod.reading.notebook import CellKind
from nb2prod.testing import md, nb


class TooLittleMarkdown(Rule):
    """
    ## What it does
    Flags notebooks with fewer non-blank markdown cells per code cell than
    `min-markdown-ratio` (0.3 by default: about one markdown cell for three code cells).

    ## Why is this bad?
    Code alone says how, not why: which question each step answers, what the output
    shows, which choices were made. Pimentel et al. (MSR 2019) found 31 % of GitHub
    notebooks have no markdown at all (pynblint `too-few-MD-cells`).

    ## Example
    ```python
    # 40 code cells, 2 markdown cells
    ```

    Use instead:
    ```python
    # a markdown cell before each step saying what it does and why
    ```
    """

    code = "NB808"
    name = "too-little-markdown"
    message = (
        "{markdown} markdown / {code_cells} code cells = {ratio:.2f}, below "
        "min-markdown-ratio {minimum}"
    )
    default = False

    valid = [
        Valid(nb(md("# Load"), "a = 1", "b = 2", "c = 3")),
        Valid(nb(md("# Notes"))),
    ]
    invalid = [
        Invalid(
            nb(md("# Title"), "a = 1", "b = 2", "c = 3", "d = 4"),
            at=(None, 1, 0),
            message="1 markdown / 4 code cells = 0.25, below min-markdown-ratio 0.3",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        cells = non_blank(ctx.notebook)
        code_cells = sum(cell.kind is CellKind.CODE for cell in cells)
        markdown = sum(cell.kind is CellKind.MARKDOWN for cell in cells)
        minimum = ctx.settings.min_markdown_ratio
        if code_cells and markdown / code_cells < minimum:
            yield ctx.finding(
                self,
                None,
                markdown=markdown,
                code_cells=code_cells,
                ratio=markdown / code_cells,
                minimum=minimum,
            )
