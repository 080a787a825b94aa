from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.structure._helpers import main_guarded_lines, training_calls


class ImportUnsafeTopLevel(Rule):
    """
    ## What it does
    Flags file reads and writes, shown plots and model training (`.fit(...)`) at the
    top level of a cell, outside any function and outside `if __name__ == "__main__":`.

    ## Why is this bad?
    Once the notebook becomes a module, top-level code runs on `import`: importing it
    from a test, from another module or from a test generator (ghostwriter, pynguin)
    then reads data, trains a model and opens windows.

    ## Example
    ```python
    df = pd.read_csv("sales.csv")
    model.fit(X, y)
    ```

    Use instead:
    ```python
    def main():
        df = pd.read_csv("sales.csv")
        model.fit(X, y)

    if __name__ == "__main__":
        main()
    ```
    """

    code = "NB209"
    name = "import-unsafe-top-level"
    message = "`{call}` runs at import time; move it into a function"
    default = False

    valid = [
        Valid("def load(p):\n    return pd.read_csv(p)"),
        Valid("if __name__ == '__main__':\n    model.fit(X, y)\n    plt.show()"),
    ]
    invalid = [
        Invalid(
            "import pandas as pd\ndf = pd.read_csv('sales.csv')",
            at=(0, 2, 5),
            message="`pandas.read_csv` runs at import time; move it into a function",
        ),
        Invalid("for m in models:\n    m.fit(X, y)", at=(0, 2, 4)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for parsed in ctx.parsed:
            facts = ctx.facts_of(parsed.cell.index)
            if parsed.tree is None or facts is None:
                continue
            guarded = main_guarded_lines(parsed.tree)
            places = [
                (fact.line, fact.column, fact.name)
                for fact in (*facts.io, *facts.plots)
                if fact.in_function is None
            ]
            places += list(training_calls(ctx, parsed))
            for line, column, call in sorted(set(places)):
                if line not in guarded:
                    yield ctx.finding(self, parsed.cell.index, line, column, call=call)
