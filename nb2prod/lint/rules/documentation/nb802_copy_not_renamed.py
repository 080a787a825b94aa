from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.documentation._helpers import file_stem

#: Jupyter's "Make a copy" (`eda-Copy1`) and Google Colab/Drive's (`Copy of eda`).
_COPY = re.compile(r"-Copy\d*$|^Copy of ")


class CopyNotRenamed(Rule):
    """
    ## What it does
    Flags notebooks whose name is still the one Jupyter or Colab gave a copy:
    `eda-Copy1.ipynb`, `Copy of eda.ipynb`.

    ## Why is this bad?
    Nobody can tell the copy from the original or which one is current, and the two
    drift apart; the copy usually belongs in version control as a branch, not a file
    (pynblint `duplicate-notebook-not-renamed`, Julynter t3).

    ## Example
    ```python
    # churn-Copy1.ipynb
    ```

    Use instead:
    ```python
    # churn-weekly-cohorts.ipynb
    ```
    """

    code = "NB802"
    name = "copy-not-renamed"
    message = "notebook name `{name}` is a copy's default name; rename it"

    valid = [
        Valid("x = 1", path="churn_analysis.ipynb"),
        Valid("x = 1", path="copy-editing.ipynb"),
    ]
    invalid = [
        Invalid(
            "x = 1",
            path="eda-Copy1.ipynb",
            at=(None, 1, 0),
            message="notebook name `eda-Copy1.ipynb` is a copy's default name; "
            "rename it",
        ),
        Invalid("x = 1", path="notebooks/Copy of eda.ipynb"),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if _COPY.search(file_stem(ctx.path)):
            yield ctx.finding(self, None, name=PurePath(ctx.path).name)
