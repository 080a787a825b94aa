"""Environment variables the notebook sets before its imports, for the libraries that
read them when imported (`TF_USE_LEGACY_KERAS`, `KERAS_BACKEND`, `TF_CPP_MIN_LOG_LEVEL`,
`CUDA_VISIBLE_DEVICES`).

The package hoists every import to the top of its modules, so a step that sets such a
variable runs too late: the library was imported with the old value. The package's
`__init__.py` sets them first (`os.environ.setdefault`, so the user's environment still
wins), and the step keeps its own assignment. Only literal values set before a later
import count; a credential is never written (the package reads it from the
environment, see `planning/ipython.py`).
"""

from __future__ import annotations

import ast

from nb2prod.planning.ipython import env_assignment, is_env_secret
from nb2prod.reading.magics import SyntaxKind
from nb2prod.reading.parsing import ParsedCell


def import_settings(cells: list[ParsedCell]) -> tuple[tuple[str, str], ...]:
    """(name, value) of each literal environment variable set, in notebook order,
    before an import that follows it; the last value of a name wins."""
    pending: dict[str, str] = {}
    settings: dict[str, str] = {}
    for cell in cells:
        magics = {
            fact.span.line: env_assignment(fact)
            for fact in cell.translation.syntax
            if fact.kind is SyntaxKind.LINE_MAGIC
        }
        for statement in cell.tree.body if cell.tree is not None else ():
            if isinstance(statement, ast.Import | ast.ImportFrom):
                settings.update(pending)
                continue
            assignment = _assignment(statement) or magics.get(statement.lineno)
            if (
                assignment is not None
                and not is_env_secret(*assignment)
                and not {"$", "{"} & set(assignment[1])  # `%env K=$var` expands
            ):
                pending[assignment[0]] = assignment[1]
    return tuple(settings.items())


def _assignment(statement: ast.stmt) -> tuple[str, str] | None:
    """`os.environ["K"] = "v"` or `os.environ.setdefault("K", "v")` -> ("K", "v")."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if (
            isinstance(target, ast.Subscript)
            and ast.unparse(target.value) == "os.environ"
            and _text(target.slice) is not None
            and _text(statement.value) is not None
        ):
            return _text(target.slice), _text(statement.value)  # type: ignore[return-value]
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        if (
            ast.unparse(call.func) == "os.environ.setdefault"
            and len(call.args) == 2
            and all(_text(argument) is not None for argument in call.args)
        ):
            return _text(call.args[0]), _text(call.args[1])  # type: ignore[return-value]
    return None


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
