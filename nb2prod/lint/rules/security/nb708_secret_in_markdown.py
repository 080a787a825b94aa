from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.testing import md, nb

_KEY = "sk-" + "proj-" + "Zq8Wc3Lr9Tx2Vb7Nm4Kp1Hs6Jd5Gf0Aa"


class SecretInMarkdown(Rule):
    """
    ## What it does
    Flags credentials in markdown and raw cells: provider token formats (AWS, GitHub,
    Slack, OpenAI, private keys, JWTs...), `Authorization` headers, and
    `password: ...` / `API_KEY=...` text with a real-looking value.

    ## Why is this bad?
    Notes are committed and rendered with the notebook (GitHub shows them to anyone
    who can read the repository), and a converted package's README quotes them.

    ## Example
    ```python
    # a markdown cell: "Call the API with the key sk-proj-Zq8W..."
    ```

    Use instead:
    ```python
    # a markdown cell: "Call the API with the key in the OPENAI_API_KEY variable."
    ```
    """

    code = "NB708"
    name = "secret-in-markdown"
    message = (
        "secret in a {kind_of_cell} cell ({kind}): {preview}; delete it and rotate it"
    )

    valid = [
        Valid(nb(md("Set `OPENAI_API_KEY=your-api-key` first."), "x = 1")),
        Valid(nb(md("Paste your token: `<TOKEN>`"), "x = 1")),
        Valid(nb(md("The password: see the team vault."), "x = 1")),
    ]
    invalid = [
        Invalid(nb(md(f"# Demo\n\nUse the key {_KEY}."), "x = 1"), at=(0, 3, 12)),
        Invalid(nb(md("Log in with `password: Tr0ub4dor#3x`"), "x = 1"), at=(0, 1, 23)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for cell in ctx.cells:
            for secret in ctx.text_secrets(cell.index):
                if secret.place == "markdown":
                    yield ctx.finding(
                        self,
                        cell.index,
                        secret.line,
                        secret.column,
                        kind_of_cell=cell.kind.value,
                        kind=secret.kind,
                        preview=secret.preview,
                    )
