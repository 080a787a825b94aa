from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid

_PORTABLE = re.compile(r"[A-Za-z0-9_.-]+")


class NonPortableFilename(Rule):
    """
    ## What it does
    Flags notebook file names with characters outside `A-Z a-z 0-9 _ . -`: spaces,
    accents, brackets, quotes and the like.

    ## Why is this bad?
    Such names must be quoted in every shell command, break in URLs and imports, and
    are stored differently by macOS, Windows and Linux, so the same notebook can show
    up twice in version control (pynblint `non-portable-chars-in-nb-name`, Julynter
    t4/t5; Pimentel et al. 2019 recommend plain names).

    ## Example
    ```python
    # Análise final (v2).ipynb
    ```

    Use instead:
    ```python
    # analise-final-v2.ipynb
    ```
    """

    code = "NB803"
    name = "non-portable-filename"
    message = "notebook name `{name}` has non-portable characters: {characters}"
    default = False

    valid = [Valid("x = 1", path="data/analise-final_v2.ipynb")]
    invalid = [
        Invalid(
            "x = 1",
            path="Análise final.ipynb",
            at=(None, 1, 0),
            message="notebook name `Análise final.ipynb` has non-portable "
            "characters: `á`, ` `",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        name = PurePath(ctx.path).name
        odd = dict.fromkeys(ch for ch in name if not _PORTABLE.fullmatch(ch))
        if odd:
            shown = ", ".join(f"`{ch}`" for ch in odd)
            yield ctx.finding(self, None, name=name, characters=shown)
