from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid

_HF = "hf_" + "abcdefghijklmnopqrstuvwxyzABCDEFGH"


class SecretInMagic(Rule):
    """
    ## What it does
    Flags credentials in IPython syntax: `%env NAME=VALUE`, `%set_env`, shell lines
    (`!curl -H "Authorization: Bearer ..."`, `!export TOKEN=...`) and the bodies of
    cell magics such as `%%bash`.

    ## Why is this bad?
    The value is committed with the notebook, shows in shell history and process
    lists, and `%env` only pretends to keep it out of the code.

    ## Example
    ```python
    %env HF_TOKEN=hf_Kq...
    ```

    Use instead:
    ```python
    # export HF_TOKEN in the shell that starts Jupyter, or read it with getpass:
    os.environ["HF_TOKEN"] = getpass.getpass("Hugging Face token: ")
    ```
    """

    code = "NB709"
    name = "secret-in-magic"
    message = (
        "secret in IPython syntax ({kind}){bound}: {preview}; "
        "read it from the environment"
    )

    valid = [
        Valid("%env HF_HOME=/data/hf"),
        Valid('!curl -H "Authorization: Bearer $TOKEN" https://example.org'),
        Valid("%env API_KEY=your-api-key"),
    ]
    invalid = [
        Invalid(f"%env HF_TOKEN={_HF}", at=(0, 1, 14)),
        Invalid("%set_env DB_PASSWORD Tr0ub4dor#3x", at=(0, 1, 21)),
        Invalid(
            "import os\n!curl -H 'Authorization: Bearer q9Xk2Lm7Vb4Nc8Zr1Tw5' x.org",
            at=(0, 2, 32),
        ),
        Invalid("%%bash\nexport API_TOKEN=q8Zr2LmN0vX4pT7wK3", at=(0, 2, 17)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for secret in facts.secrets:
                if secret.place == "magic":
                    bound = f" for `{secret.name}`" if secret.name else ""
                    yield ctx.finding(
                        self,
                        facts.index,
                        secret.line,
                        secret.column,
                        kind=secret.kind,
                        bound=bound,
                        preview=secret.preview,
                    )
