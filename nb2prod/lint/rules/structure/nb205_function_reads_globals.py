from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.testing import nb


class FunctionReadsGlobals(Rule):
    """
    ## What it does
    Flags a function that reads notebook variables (not other functions, classes,
    modules or UPPER_CASE constants) instead of taking them as parameters.

    ## Why is this bad?
    Its result depends on whatever the variable held when it was called, so it cannot be
    tested or reused on its own; soorgeon refuses to refactor such notebooks.

    ## Example
    ```python
    def score():
        return model.score(X_test, y_test)
    ```

    Use instead:
    ```python
    def score(model, X_test, y_test):
        return model.score(X_test, y_test)
    ```
    """

    code = "NB205"
    name = "function-reads-globals"
    message = "function `{function}` reads notebook variables: {names}"

    valid = [
        Valid(
            nb(
                "import numpy as np\nLIMIT = 3",
                "def f(x):\n    return np.clip(x, 0, LIMIT)",
            )
        ),
        Valid(nb("def g(x):\n    return x", "def f(x):\n    return g(x)")),
    ]
    invalid = [
        Invalid(
            nb("df = load()", "def clean():\n    return df.dropna()"),
            at=(1, 1, 0),
            message="function `clean` reads notebook variables: df",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for read in ctx.facts.dataflow.functions_reading_state:
            names = [name for name in read.names if not name.isupper()]
            if not names:
                continue
            facts = ctx.facts_of(read.cell)
            function = (
                next(f for f in facts.functions if f.name == read.function)
                if facts
                else None
            )
            line, column = (function.line, function.column) if function else (1, 0)
            yield ctx.finding(
                self,
                read.cell,
                line,
                column,
                function=read.function,
                names=", ".join(names),
            )
