from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.imports._helpers import PATH_EDITS, qualified
from nb2prod.reading.parsing import ParsedCell

_PATH_METHODS = frozenset(name.rpartition(".")[2] for name in PATH_EDITS)


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


class SysPathHack(Rule):
    """
    ## What it does
    Flags changes to the import path: `sys.path.append(...)`, `sys.path.insert(...)`,
    `sys.path.extend(...)`, `sys.path += [...]`, `sys.path = [...]` and
    `site.addsitedir(...)`.

    ## Why is this bad?
    The imports that follow work only from one working directory on one machine, and
    break as soon as the code is moved into a package, run from another folder or
    scheduled as a job.

    ## Example
    ```python
    import sys
    sys.path.append("../src")
    from features import build
    ```

    Use instead:
    ```python
    # pip install -e ..  (src/ has a pyproject.toml)
    from features import build
    ```
    """

    code = "NB309"
    name = "sys-path-hack"
    message = "`{what}` edits the import path; install the local code as a package"
    node_types = (ast.Call, ast.Assign, ast.AugAssign)

    valid = [Valid("import sys\nprint(sys.path)\npaths = list(sys.path)")]
    invalid = [
        Invalid(
            "import sys\nsys.path.append('../src')",
            at=(0, 2, 0),
            message="`sys.path.append` edits the import path; "
            "install the local code as a package",
        ),
        Invalid("from sys import path\npath.insert(0, '..')", at=(0, 2, 0)),
        Invalid("import sys\nsys.path += ['lib']", at=(0, 2, 0)),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if isinstance(node, ast.Call):
            if _last_name(node.func) not in _PATH_METHODS:
                return
            name = qualified(ctx, node.func)
            if name in PATH_EDITS:
                yield ctx.node_finding(self, cell, node, what=name)
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
        for target in targets:
            if qualified(ctx, target) == "sys.path":
                yield ctx.node_finding(self, cell, target, what="sys.path")
