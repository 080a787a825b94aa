from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid


class AbsolutePath(Rule):
    """
    ## What it does
    Flags string literals that are absolute or user-specific paths (`/home/...`,
    `C:\\Users\\...`, `~/...`, `/kaggle/input/...`, `/content/drive/...`).

    ## Why is this bad?
    The path exists only on the author's machine, so the notebook fails with
    `FileNotFoundError` everywhere else, the third most common failure found when
    re-running public notebooks.

    ## Example
    ```python
    df = pd.read_csv("/home/alice/projects/churn/customers.csv")
    ```

    Use instead:
    ```python
    DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))
    df = pd.read_csv(DATA_DIR / "customers.csv")
    ```
    """

    code = "NB501"
    name = "absolute-path"
    message = "absolute or user-specific path {value}"

    valid = [
        Valid("df = pd.read_csv('data/customers.csv')"),
        Valid("url = 'https://a.b/c.csv'"),
    ]
    invalid = [
        Invalid(
            "df = pd.read_csv('/home/alice/churn/customers.csv')",
            at=(0, 1, 17),
            message="absolute or user-specific path '/home/alice/churn/customers.csv'",
        ),
        Invalid("DATA = 'C:\\\\Users\\\\bob\\\\data.xlsx'", at=(0, 1, 7)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for literal in facts.literals:
                if literal.kind == "path" and literal.absolute:
                    yield ctx.finding(
                        self,
                        facts.index,
                        literal.line,
                        literal.column,
                        value=literal.value,
                    )
