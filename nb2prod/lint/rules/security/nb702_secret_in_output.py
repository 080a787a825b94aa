from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import CLEAR_OUTPUTS, Finding, Fix, Invalid, Rule, Valid
from nb2prod.testing import code as code_cell
from nb2prod.testing import nb, result, stream

_TOKEN = "ghp_" + "R4nd0mL00k1ngT0k3n" * 2


class SecretInOutput(Rule):
    """
    ## What it does
    Flags credentials in stored outputs: provider token formats (AWS, GitHub, Slack,
    OpenAI, Google, Hugging Face, private keys, JWTs, URLs with a password...),
    `Authorization` headers and `password=...` text in printed text, displayed values,
    HTML and error tracebacks.

    ## Why is this bad?
    Outputs are saved in the `.ipynb` file and committed with it, even when the code
    that printed them reads the secret from the environment. Meli et al. (NDSS 2019)
    found secrets leaked in over 100,000 GitHub repositories.

    ## Example
    ```python
    print(os.environ)  # the stored output lists GITHUB_TOKEN=ghp_...
    ```

    Use instead:
    ```python
    print(sorted(os.environ))  # names only; clear the old output and rotate the token
    # (`nb2prod lint --fix` clears the outputs; rotating the token is up to you)
    ```
    """

    code = "NB702"
    name = "secret-in-output"
    message = "stored output holds a secret ({kind}): {preview}; clear it and rotate it"
    fix_action = CLEAR_OUTPUTS

    valid = [
        Valid(nb(code_cell("print(k)", count=1, outputs=[stream("key: <hidden>\n")]))),
        Valid(
            nb(code_cell("k", count=1, outputs=[result("'AKIAIOSFODNN7EXAMPLE'", 1)]))
        ),
        Valid(nb(code_cell("cfg", count=1, outputs=[result("{'token': None}", 1)]))),
    ]
    invalid = [
        Invalid(
            nb(code_cell("print(env)", count=1, outputs=[stream(f"T={_TOKEN}\n")])),
            at=(0, 1, 0),
            message="stored output holds a secret (github_token): ghp_... "
            "(40 characters); clear it and rotate it",
        ),
        Invalid(
            nb(
                code_cell(
                    "engine.url",
                    count=2,
                    outputs=[result("postgresql://ana:s3cr3t-Pw@db:5432/x", 2)],
                )
            )
        ),
        Invalid(
            nb(
                code_cell(
                    "settings",
                    count=3,
                    outputs=[result("{'db_password': 'Tr0ub4dor#3x'}", 3)],
                )
            ),
            message="stored output holds a secret (assigned_secret): Tr0... "
            "(12 characters); clear it and rotate it",
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for cell in ctx.code_cells:
            for secret in ctx.text_secrets(cell.index):
                if secret.place == "output":
                    yield ctx.finding(
                        self,
                        cell.index,
                        fix=Fix(
                            "clear the cell's outputs", cell.index, None, CLEAR_OUTPUTS
                        ),
                        kind=secret.kind,
                        preview=secret.preview,
                    )
