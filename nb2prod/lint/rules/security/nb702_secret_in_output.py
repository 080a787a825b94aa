from __future__ import annotations

import re
from collections.abc import Iterator

from nb2prod.analysis.secrets import looks_like_secret_value, redact, token_matches
from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.notebook import Output
from nb2prod.testing import code as code_cell
from nb2prod.testing import nb, result, stream

_TOKEN = "ghp_" + "R4nd0mL00k1ngT0k3n" * 2
_URL_PASSWORD = re.compile(r"://[^\s:/@]+:([^\s:/@]+)@")
#: Documentation samples, not credentials (AWS publishes AKIAIOSFODNN7EXAMPLE).
_SAMPLE = re.compile(r"EXAMPLE|(.)\1{7}", re.IGNORECASE)
#: The key id in a pre-signed download URL (what `!wget` of a GitHub release prints)
#: belongs to the host, and the URL expires.
_PRESIGNED = re.compile(r"(?:Credential|AWSAccessKeyId)=$")


class SecretInOutput(Rule):
    """
    ## What it does
    Flags credentials in stored outputs: provider token formats (AWS, GitHub, Slack,
    OpenAI, Google, Hugging Face, private keys, URLs with a password...) in printed
    text, displayed values, HTML and error tracebacks.

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
    ```
    """

    code = "NB702"
    name = "secret-in-output"
    message = "stored output holds a secret ({kind}): {preview}; clear it and rotate it"

    valid = [
        Valid(nb(code_cell("print(k)", count=1, outputs=[stream("key: <hidden>\n")]))),
        Valid(
            nb(code_cell("k", count=1, outputs=[result("'AKIAIOSFODNN7EXAMPLE'", 1)]))
        ),
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
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for cell in ctx.code_cells:
            seen: set[str] = set()
            for text in (t for output in cell.outputs for t in _texts(output)):
                for kind, value in _secrets(text):
                    if value not in seen:
                        seen.add(value)
                        yield ctx.finding(
                            self, cell.index, kind=kind, preview=redact(value)
                        )


def _texts(output: Output) -> Iterator[str]:
    """The text an output stores: streams, text-like MIME types, error details."""
    yield output.text
    for mime, content in output.data:
        if mime.startswith("text/") or mime.endswith("json"):
            yield content
    yield output.evalue or ""
    yield from output.traceback


def _secrets(text: str) -> Iterator[tuple[str, str]]:
    for kind, match in token_matches(text):
        value = match.group(0)
        before = text[max(0, match.start() - 20) : match.start()]
        if _SAMPLE.search(value) or _PRESIGNED.search(before):
            continue
        password = _URL_PASSWORD.search(value)
        if password and not looks_like_secret_value("password", password.group(1)):
            continue
        yield kind, value
