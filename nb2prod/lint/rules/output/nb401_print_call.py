from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid


class PrintCall(Rule):
    """
    ## What it does
    Flags calls to the built-in `print` in code cells, including inside functions.

    ## Why is this bad?
    Printed text cannot be filtered by severity, silenced in production or sent to a
    log collector, and it disappears when the notebook becomes a scheduled job.

    ## Example
    ```python
    print("training on", len(train), "rows")
    ```

    Use instead:
    ```python
    logger.info("training on %d rows", len(train))
    ```
    """

    code = "NB401"
    name = "print-call"
    message = "`print` call; use a module logger instead"

    valid = [Valid("logger.info('ready')"), Valid("report.print('x')")]
    invalid = [
        Invalid("x = 1\nprint(x)", at=(0, 2, 0)),
        Invalid("def f(x):\n    print(x)", at=(0, 2, 4)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for call in facts.prints:
                yield ctx.finding(self, facts.index, call.line, call.column)
