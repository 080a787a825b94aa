from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.execution._helpers import has_code
from nb2prod.testing import code as code_cell
from nb2prod.testing import md, nb


class NoCode(Rule):
    """
    ## What it does
    Flags a notebook without code: no cells at all, only Markdown or raw cells, or code
    cells that are blank or hold only comments.

    ## Why is this bad?
    Every other rule passes on such a file, so a notebook emptied by mistake (a failed
    save, a merge that dropped the cells) would be committed with a clean report. A
    text-only document reads better as Markdown.

    ## Example
    ```python
    # cell 1 (Markdown): "# Churn analysis"
    # cell 2 (code): empty
    ```

    Use instead:
    ```python
    # cell 1 (Markdown): "# Churn analysis"
    # cell 2 (code)
    churn = load_customers().pipe(churn_rate)
    ```
    """

    code = "NB211"
    name = "no-code"
    message = "the notebook holds no code; restore its cells or keep it as Markdown"

    valid = [Valid(nb(md("# Notes"), "x = 1")), Valid(nb("# setup\nimport os"))]
    invalid = [
        Invalid(nb(), at=(None, 1, 0)),
        Invalid(nb(md("# Churn"), code_cell(""), code_cell("# todo")), at=(None, 1, 0)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not any(has_code(ctx, cell) for cell in ctx.code_cells):
            yield ctx.finding(self, None)
