from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.documentation._helpers import has_prose, non_blank
from nb2prod.testing import md, nb

_LAST_CELLS = 3


class MissingConclusionText(Rule):
    """
    ## What it does
    Flags notebooks whose last three non-blank cells hold no markdown prose.

    ## Why is this bad?
    The closing text records what the analysis found and what to do next; without
    it the result lives only in outputs that change on every run (Julynter c5;
    pynblint `missing-closing-MD-text`; Pimentel et al. 2019 advise paying attention
    to the bottom of the notebook).

    ## Example
    ```python
    model.score(X_test, y_test)
    ```

    Use instead:
    ```python
    model.score(X_test, y_test)
    # (a markdown cell last) The model beats the baseline by 4 points of recall.
    ```
    """

    code = "NB807"
    name = "missing-conclusion-text"
    message = "no markdown text in the last {count} cells to say what was found"
    default = False

    valid = [
        Valid(nb("score = 0.9", md("## Conclusion\nThe model beats the baseline."))),
        Valid(nb()),
    ]
    invalid = [
        Invalid(
            nb(md("The model beats the baseline."), "a = 1", "b = 2", md("## End"), ""),
            at=(None, 1, 0),
            message="no markdown text in the last 3 cells to say what was found",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        cells = non_blank(ctx.notebook)
        if cells and not any(has_prose(cell) for cell in cells[-_LAST_CELLS:]):
            yield ctx.finding(self, None, count=_LAST_CELLS)
