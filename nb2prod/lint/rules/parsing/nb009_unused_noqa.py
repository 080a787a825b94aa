from __future__ import annotations

from collections.abc import Iterator, Sequence

from nb2prod.lint.context import RuleContext
from nb2prod.lint.noqa import Directive, directives, unused
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid


class UnusedNoqa(Rule):
    """
    ## What it does
    Flags suppression comments that silence nothing: a `# noqa: NB401` on a line where
    NB401 finds nothing, a `# nb2prod: noqa-cell` in a cell with no finding, and codes
    that name no rule. Like ruff's RUF100, it judges only the rules that ran: a code
    you did not select is never called unused. A bare `# noqa` may serve another
    linter, so only the `# nb2prod: noqa` spelling is checked when it lists no code.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line or in that cell,
    and a misspelt code silences nothing while looking as if it did.

    ## Example
    ```python
    total = compute(rows)  # noqa: NB401
    ```

    Use instead:
    ```python
    total = compute(rows)
    ```
    """

    code = "NB009"
    name = "unused-noqa"
    message = "unused suppression ({detail}); remove it"

    valid = [
        Valid("x = 1  # noqa: E501"),
        Valid("x = 1  # noqa"),
        Valid("print(x)  # noqa: NB401"),  # NB401 did not run: nothing to judge
    ]
    invalid = [
        Invalid(
            "x = 1  # nb2prod: noqa",
            at=(0, 1, 7),
            message="unused suppression (nothing found on this line); remove it",
        ),
        Invalid(
            "# nb2prod: noqa-cell: NB999\nx = 1",
            at=(0, 1, 0),
            message="unused suppression (NB999 is no rule code); remove it",
        ),
    ]

    def check_findings(
        self, ctx: RuleContext, findings: Sequence[Finding]
    ) -> Iterator[Finding]:
        from nb2prod.lint.registry import RULES

        for cell in ctx.code_cells:
            for directive in directives(cell):
                for code in unused(directive, findings):
                    if code is None and not directive.ours:
                        continue
                    if code is not None and not any(c.startswith(code) for c in RULES):
                        detail = f"{code} is no rule code"
                    elif code is None or any(c.startswith(code) for c in ctx.codes):
                        detail = _nothing(directive, code)
                    else:
                        continue  # the rule did not run: its comment may be needed
                    yield ctx.finding(
                        self,
                        cell.index,
                        directive.line,
                        directive.column,
                        detail=detail,
                    )


def _nothing(directive: Directive, code: str | None) -> str:
    where = "in this cell" if directive.cell_wide else "on this line"
    return f"nothing found {where}" if code is None else f"no {code} {where}"
