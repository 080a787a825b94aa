from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.output._helpers import call_name
from nb2prod.magics import SyntaxKind

_MAGICS = frozenset({"cd", "pushd", "popd"})


class CwdChange(Rule):
    """
    ## What it does
    Flags changes of the working directory: `%cd`, `cd` without `%` (automagic),
    `%pushd`/`%popd` and `os.chdir(...)`. A `cd` inside `!...` or `%%bash` runs in a
    subshell and is not flagged.

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

    valid = [Valid("!cd data && ls"), Valid("os.path.join('a', 'b')\nc = 'cd'")]
    invalid = [
        Invalid(
            "%cd /content/drive",
            at=(0, 1, 0),
            message="`%cd` changes the working directory; relative paths now depend on it",
        ),
        Invalid("x = 1\ncd ../data"),
        Invalid("from os import chdir\nif True:\n    chdir('..')", at=(0, 3, 4)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for fact in facts.ipython_syntax:
                if fact.name in _MAGICS and fact.kind in (
                    SyntaxKind.LINE_MAGIC,
                    SyntaxKind.AUTOMAGIC,
                ):
                    line, column = fact.span.line, fact.span.column
                    what = "%" + fact.name
                    yield ctx.finding(self, facts.index, line, column, what=what)
        for parsed in ctx.parsed:
            for node in ctx.nodes(parsed):
                if isinstance(node, ast.Call) and call_name(ctx, node) == "os.chdir":
                    yield ctx.node_finding(self, parsed, node, what="os.chdir")
