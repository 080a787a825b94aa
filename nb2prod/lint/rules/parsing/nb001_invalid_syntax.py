from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid


class InvalidSyntax(Rule):
    """
    ## What it does
    Flags code cells that are not Python, even after their IPython syntax (magics,
    shell escapes, help) is translated the way IPython runs it.

    ## Why is this bad?
    The cell cannot run in a current Python kernel, and nothing that analyses or
    converts the notebook can read it. Python 2 code (`print x`) is the usual cause.

    ## Example
    ```python
    print "rows:", len(df)
    ```

    Use instead:
    ```python
    print("rows:", len(df))
    ```
    """

    code = "NB001"
    name = "invalid-syntax"
    message = "cell is not Python: {reason}"

    valid = [Valid("x = (1 +\n     2)"), Valid("%matplotlib inline\n!ls\nfiles = !ls")]
    invalid = [Invalid("for i in x:\n    print i", at=(0, 2, 4))]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for problem in facts.problems:
                yield ctx.finding(
                    self,
                    problem.cell,
                    problem.line,
                    problem.column,
                    reason=problem.message,
                )
