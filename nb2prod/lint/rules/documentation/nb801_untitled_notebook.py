from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid

_UNTITLED = re.compile(r"^untitled\d*$", re.IGNORECASE)


class UntitledNotebook(Rule):
    """
    ## What it does
    Flags notebooks still named `Untitled.ipynb`, `Untitled1.ipynb` and so on.

    ## Why is this bad?
    The name says nothing about what the notebook does, so nobody can find it again or
    tell two of them apart; 2 % of notebooks on GitHub are named this way.

    ## Example
    ```python
    # Untitled3.ipynb
    ```

    Use instead:
    ```python
    # churn-exploration.ipynb
    ```
    """

    code = "NB801"
    name = "untitled-notebook"
    message = "notebook name `{name}` is a default; name it for what it does"

    valid = [Valid("x = 1", path="churn_analysis.ipynb")]
    invalid = [Invalid("x = 1", path="Untitled3.ipynb", at=(None, 1, 0))]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        name = PurePath(ctx.path).name
        if _UNTITLED.match(PurePath(name).stem):
            yield ctx.finding(self, None, name=name)
