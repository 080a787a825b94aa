from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid

_TOKEN = "ghp_" + "R4nd0mL00k1ngT0k3n" * 2


class SecretInComment(Rule):
    """
    ## What it does
    Flags credentials in `#` comments of code cells: provider token formats (AWS,
    GitHub, Slack, OpenAI, private keys, JWTs...), `Authorization` headers, and
    `password = ...` / `api_key: ...` text with a real-looking value.

    ## Why is this bad?
    A commented-out credential is still a credential: it is committed with the
    notebook, and a converted package would carry it into its modules and image.

    ## Example
    ```python
    # old key: api_key = "q8Zr..."
    client = Client(api_key=os.environ["SERVICE_API_KEY"])
    ```

    Use instead:
    ```python
    client = Client(api_key=os.environ["SERVICE_API_KEY"])  # rotate the old key
    ```
    """

    code = "NB703"
    name = "secret-in-comment"
    message = "secret in a comment ({kind}): {preview}; delete it and rotate it"

    valid = [
        Valid("# api_key = 'your-api-key'\nx = 1"),
        Valid("# password: see the team vault\nx = 1"),
        Valid("token = tokenizer.pad_token  # token = tokenizer.eos_token"),
        Valid("x = 1  # the <TOKEN> placeholder"),
    ]
    invalid = [
        Invalid(f"x = 1  # {_TOKEN}", at=(0, 1, 9)),
        Invalid("# db_password = 'hunter2!x'\nx = 1", at=(0, 1, 17)),
        Invalid(
            "if True:\n    # Authorization: Bearer q9Xk2Lm7Vb4Nc8Zr1Tw5\n    x = 1"
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for secret in facts.secrets:
                if secret.place == "comment":
                    yield ctx.finding(
                        self,
                        facts.index,
                        secret.line,
                        secret.column,
                        kind=secret.kind,
                        preview=secret.preview,
                    )
