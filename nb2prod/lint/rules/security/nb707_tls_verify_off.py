from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import keywords, qualified
from nb2prod.reading.parsing import ParsedCell

#: Libraries whose `verify=False` turns certificate checks off.
_HTTP = ("requests", "httpx")
_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send"}
    | {"Client", "AsyncClient", "stream"}
)
_UNVERIFIED = frozenset({"ssl._create_unverified_context", "ssl.CERT_NONE"})


class TlsVerifyOff(Rule):
    """
    ## What it does
    Flags HTTPS certificate checks turned off: `verify=False` in `requests` and
    `httpx` calls (module functions, sessions and clients) and uses of
    `ssl._create_unverified_context` or `ssl.CERT_NONE`.

    ## Why is this bad?
    Without certificate checks anyone on the network path can impersonate the server,
    read the credentials sent and change the data or model downloaded (ruff S501,
    S323). Fix the certificate store (`certifi`, `REQUESTS_CA_BUNDLE`) instead.

    ## Example
    ```python
    import requests
    data = requests.get(url, verify=False).json()
    ```

    Use instead:
    ```python
    import requests
    data = requests.get(url, timeout=30).json()
    ```
    """

    code = "NB707"
    name = "tls-verify-off"
    message = "`{what}` turns off TLS certificate checks"
    node_types = (ast.Call, ast.Attribute)

    valid = [
        Valid(
            "import requests\nr = requests.get(u, verify=True)\nm.fit(X, verify=False)"
        ),
        Valid("import ssl\nctx = ssl.create_default_context()"),
    ]
    invalid = [
        Invalid(
            "import requests\nr = requests.get(u, verify=False)",
            at=(0, 2, 4),
            message="`requests.get(verify=False)` turns off TLS certificate checks",
        ),
        Invalid(
            "s = requests.Session()\ns.post(u, json=b, verify=False)", at=(0, 2, 0)
        ),
        Invalid(
            "import ssl\nssl._create_default_https_context = ssl._create_unverified_context",
            at=(0, 2, 36),
        ),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if isinstance(node, ast.Attribute) and qualified(ctx, node) in _UNVERIFIED:
            yield ctx.node_finding(self, cell, node, what=ast.unparse(node))
        elif isinstance(node, ast.Call) and _verify_off(ctx, node):
            what = f"{ast.unparse(node.func)}(verify=False)"
            yield ctx.node_finding(self, cell, node, what=what)


def _verify_off(ctx: RuleContext, call: ast.Call) -> bool:
    verify = keywords(call).get("verify")
    if not (isinstance(verify, ast.Constant) and verify.value is False):
        return False
    name = qualified(ctx, call.func) or ""
    if name.split(".")[0] in _HTTP:
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr in _METHODS
