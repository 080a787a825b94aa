from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.documentation._helpers import file_stem

#: Julynter's bounds for a notebook title (t6, t7).
_SHORTEST, _LONGEST = 10, 100


class FilenameLength(Rule):
    """
    ## What it does
    Flags notebook names (without `.ipynb`) shorter than 10 or longer than 100
    characters.

    ## Why is this bad?
    A very short name (`a`, `test2`) cannot say what the notebook does; a very long
    one is truncated in file browsers and breaks on file systems with path limits
    (Julynter t6/t7).

    ## Example
    ```python
    # eda.ipynb
    ```

    Use instead:
    ```python
    # churn-exploration.ipynb
    ```
    """

    code = "NB804"
    name = "filename-length"
    message = "notebook name `{name}` is {size} characters; {advice}"
    default = False

    valid = [Valid("x = 1", path="work/churn-exploration.ipynb")]
    invalid = [
        Invalid(
            "x = 1",
            path="eda.ipynb",
            at=(None, 1, 0),
            message="notebook name `eda.ipynb` is 3 characters; use at least 10 "
            "that say what it does",
        ),
        Invalid("x = 1", path="n" * 101 + ".ipynb"),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        size = len(file_stem(ctx.path))
        if _SHORTEST <= size <= _LONGEST:
            return
        advice = (
            f"use at least {_SHORTEST} that say what it does"
            if size < _SHORTEST
            else f"keep it under {_LONGEST}"
        )
        name = PurePath(ctx.path).name
        yield ctx.finding(self, None, name=name, size=size, advice=advice)
