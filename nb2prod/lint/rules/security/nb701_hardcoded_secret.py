from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid

_TOKEN = "ghp_" + "R4nd0mL00k1ngT0k3n" * 2
#: Where NB701 looks: string literals and f-strings, and cells that are not Python.
PLACES = frozenset({"literal", "fstring", "code"})


class HardcodedSecret(Rule):
    """
    ## What it does
    Flags credentials written in code: provider token formats (AWS, GitHub, Slack,
    OpenAI, Google, Stripe, private keys, JWTs...), `Authorization` headers, and
    real-looking values bound to names like `password`, `secret`, `token` or `api_key`.
    Comments, magics and shell lines have rules of their own (NB703, NB709).

    ## Why is this bad?
    Notebooks get shared and committed; a secret in one is a leaked secret. Meli et al.
    (NDSS 2019) found secrets leaked in over 100,000 GitHub repositories.

    ## Example
    ```python
    client = Client(api_key="sk-live-...")
    ```

    Use instead:
    ```python
    client = Client(api_key=os.environ["SERVICE_API_KEY"])
    ```
    """

    code = "NB701"
    name = "hardcoded-secret"
    message = "hard-coded secret ({kind}){bound}: {preview}"

    valid = [
        Valid("API_KEY = os.environ['API_KEY']"),
        Valid("password = ''"),
        Valid("api_key = 'your-api-key'"),
        Valid("# token = " + repr(_TOKEN)),  # a comment: NB703
    ]
    invalid = [
        Invalid(f"token = '{_TOKEN[:40]}'", at=(0, 1, 8)),
        Invalid("db_password = 'hunter2!x'", at=(0, 1, 14)),
        Invalid(
            "headers = {'Authorization': 'Bearer q9Xk2Lm7Vb4Nc8Zr1Tw5'}",
            at=(0, 1, 28),
        ),
        Invalid(f"url = f'https://x.org/?token={_TOKEN[:40]}&q={{q}}'", at=(0, 1, 6)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for secret in facts.secrets:
                if secret.place not in PLACES:
                    continue
                bound = f" in `{secret.name}`" if secret.name else ""
                yield ctx.finding(
                    self,
                    facts.index,
                    secret.line,
                    secret.column,
                    kind=secret.kind,
                    bound=bound,
                    preview=secret.preview,
                )
