from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.output._helpers import call_name
from nb2prod.reading.magics import SyntaxKind

_MAGICS = frozenset({"cd", "pushd"})  # `%popd` goes back to where `%pushd` left
_CWD_CALLS = frozenset({"os.getcwd", "os.getcwdb", "pathlib.Path.cwd"})


class CwdChange(Rule):
    """
    ## What it does
    Flags changes of the working directory: `%cd`, `cd` without `%` (automagic),
    `%pushd` and `os.chdir(...)`. A `cd` inside `!...` or `%%bash` runs in a subshell
    and is not flagged, nor is going back to where the notebook was: `%popd`, `%cd -`
    and `os.chdir(old)` after `old = os.getcwd()`.

    ## Why is this bad?
    Every relative path after it now depends on where the notebook was started and on
    how many times the cell ran: running `%cd data` twice fails, and the converted
    script reads different files depending on the caller's directory.

    ## Example
    ```python
    import os
    os.chdir("data")
    df = pd.read_csv("sales.csv")
    ```

    Use instead:
    ```python
    DATA_DIR = Path("data")
    df = pd.read_csv(DATA_DIR / "sales.csv")
    ```
    """

    code = "NB506"
    name = "cwd-change"
    message = "`{what}` changes the working directory; relative paths now depend on it"

    valid = [
        Valid("!cd data && ls"),
        Valid("os.path.join('a', 'b')\nc = 'cd'"),
        Valid("%popd\n%cd -"),
    ]
    invalid = [
        Invalid(
            "%cd /content/drive",
            at=(0, 1, 0),
            message="`%cd` changes the working directory; relative paths now depend on it",
        ),
        Invalid("x = 1\ncd ../data"),
        Invalid("from os import chdir\nif True:\n    chdir('..')", at=(0, 3, 4)),
        Invalid(
            "import os\nold = os.getcwd()\nos.chdir('data')\nos.chdir(old)",
            at=(0, 3, 0),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for fact in facts.ipython_syntax:
                if (
                    fact.name in _MAGICS
                    and fact.kind in (SyntaxKind.LINE_MAGIC, SyntaxKind.AUTOMAGIC)
                    and fact.args.strip() != "-"
                ):
                    line, column = fact.span.line, fact.span.column
                    what = "%" + fact.name
                    yield ctx.finding(self, facts.index, line, column, what=what)
        saved: set[str] | None = None  # looked for once a chdir is found (rare)
        for parsed in ctx.parsed:
            for node in ctx.nodes(parsed):
                if isinstance(node, ast.Call) and call_name(ctx, node) == "os.chdir":
                    saved = _saved_directories(ctx) if saved is None else saved
                    if not (node.args and _variable(node.args[0]) in saved):
                        yield ctx.node_finding(self, parsed, node, what="os.chdir")


def _saved_directories(ctx: RuleContext) -> set[str]:
    """Names holding the directory the notebook was in (`old = os.getcwd()`)."""
    saved = set()
    for parsed in ctx.parsed:
        for node in ctx.nodes(parsed):
            if isinstance(node, ast.Assign) and any(
                isinstance(call, ast.Call) and call_name(ctx, call) in _CWD_CALLS
                for call in ast.walk(node.value)
            ):
                saved |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return saved


def _variable(node: ast.expr) -> str | None:
    """The variable `node` is (`old`, also in `str(old)` or `Path(old)`)."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        return _variable(node.args[0])
    return node.id if isinstance(node, ast.Name) else None
