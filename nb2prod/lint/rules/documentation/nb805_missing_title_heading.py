from __future__ import annotations

import re
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.documentation._helpers import heading_levels, non_blank
from nb2prod.reading.notebook import Cell, CellKind
from nb2prod.testing import md, nb

#: pynblint's window: the title must be among the first three cells.
_FIRST_CELLS = 3
#: Jupyter Book / Quarto front matter in a raw cell gives the title too.
_FRONT_MATTER_TITLE = re.compile(r"^title\s*:", re.MULTILINE)
#: A first line that opens in bold (`**Chapter 6 - Trees**`, `<b>Trees</b>`) and goes
#: on, if at all, only with an italic note (`*(2nd edition)*`) reads as a title.
_BOLD_LINE = re.compile(
    r"^\s*(?:(\*\*\*?|__)(?=\S)(?:(?!\1).)+\1|<(b|strong)>.+?</\2>)"
    r"(?:\s|<br\s*/?>|\*[^*\n]+\*|_[^_\n]+_|<(i|em)>.*?</\3>)*$"
)


class MissingTitleHeading(Rule):
    """
    ## What it does
    Flags notebooks with no title among their first three non-blank cells: no
    markdown heading (`# Title`, an underline, `<h1>`; a `## Title` counts too), no
    line set wholly in bold opening a markdown cell, no `title:` front matter.

    ## Why is this bad?
    The title is what a reader, a table of contents and a rendered page show first;
    without it nobody can tell what the notebook is for without reading the code
    (Quaranta et al. 2022 best practice "use Markdown headings"; pynblint
    `missing-h1-MD-heading`).

    ## Example
    ```python
    # [code, the first cell]
    import pandas as pd
    ```

    Use instead:
    ```python
    # [markdown] # Churn exploration
    import pandas as pd
    ```
    """

    code = "NB805"
    name = "missing-title-heading"
    message = "no title in the first {count} cells; start with a `# Title` heading"

    valid = [
        Valid(nb(md("# Churn exploration\nWhat drives churn."), "import pandas")),
        Valid(nb(md("[![Colab](badge.svg)](url)"), md("Churn\n====="), "x = 1")),
        Valid(nb(md("**Chapter 6 - Trees**\n\n_Sample code._"), "x = 1")),
        Valid(nb(md("**Deep_Learning** *(2nd edition)*<br>_by F. C._"), "x = 1")),
        Valid(nb()),
    ]
    invalid = [
        Invalid(
            nb("import pandas as pd", "df = load()", "df.head()", md("# Explore")),
            at=(None, 1, 0),
            message="no title in the first 3 cells; start with a `# Title` heading",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        cells = non_blank(ctx.notebook)
        if not cells:
            return
        if not any(_is_title(cell) for cell in cells[:_FIRST_CELLS]):
            yield ctx.finding(self, None, count=_FIRST_CELLS)


def _is_title(cell: Cell) -> bool:
    if cell.kind is CellKind.RAW:
        return bool(_FRONT_MATTER_TITLE.search(cell.source))
    first_line = cell.source.strip().splitlines()[0]
    return bool(heading_levels(cell)) or (
        cell.kind is CellKind.MARKDOWN and bool(_BOLD_LINE.match(first_line))
    )
