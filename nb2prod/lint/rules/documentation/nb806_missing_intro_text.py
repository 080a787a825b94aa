from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.documentation._helpers import has_prose, non_blank
from nb2prod.testing import md, nb

_FIRST_CELLS = 3


class MissingIntroText(Rule):
    """
    ## What it does
    Flags notebooks whose first three non-blank cells hold no markdown prose (text
    beyond headings, images and badges).

    ## Why is this bad?
    The opening text says what question the notebook answers, which data it uses and
    what to run first; without it readers reverse-engineer the purpose from the code
    (Julynter c4; pynblint `missing-opening-MD-text`).

    ## Example
    ```python
    import pandas as pd
    ```

    Use instead:
    ```python
    # (a markdown cell first) This notebook measures weekly churn by cohort.
    import pandas as pd
    ```
    """

    code = "NB806"
    name = "missing-intro-text"
    message = (
        "no markdown text in the first {count} cells to say what this notebook does"
    )
    default = False

    valid = [
        Valid(nb(md("# Churn\nThis notebook measures weekly churn."), "x = 1")),
        Valid(nb()),
    ]
    invalid = [
        Invalid(
            nb(
                md("# Churn"),
                "import pandas as pd",
                "df = load()",
                md("Some notes here."),
            ),
            at=(None, 1, 0),
            message="no markdown text in the first 3 cells to say what this notebook "
            "does",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        cells = non_blank(ctx.notebook)
        if cells and not any(has_prose(cell) for cell in cells[:_FIRST_CELLS]):
            yield ctx.finding(self, None, count=_FIRST_CELLS)
