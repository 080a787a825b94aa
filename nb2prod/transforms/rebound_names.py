"""A step that uses a notebook-level name, then assigns the same name.

In a notebook, `from sklearn.metrics import auc` followed later by
`auc = roc_auc_score(y, p)` is ordinary: the name means the function until the
assignment, the number after it. Inside a step function Python decides per scope, so
every use of `auc` becomes the local and the first call fails (pyflakes F821/F823).
The local binding and the uses after it get their own name (`auc_value`); the uses
before it keep meaning the import or function.
"""

from __future__ import annotations

import ast

from nb2prod.planning.naming import unique


def rename_rebound_names(code: str) -> str:
    """The module code with each function's rebound notebook names renamed after their
    first assignment there."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    edits: list[tuple[int, int, int, str]] = []  # (line, start, end, new name)
    for function in tree.body:
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            edits += _function_edits(function)
    if not edits:
        return code
    lines = code.split("\n")
    for line, start, end, name in sorted(edits, reverse=True):
        raw = lines[line - 1].encode("utf-8")  # ast columns count UTF-8 bytes
        lines[line - 1] = (raw[:start] + name.encode() + raw[end:]).decode("utf-8")
    return "\n".join(lines)


_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def _names(function: ast.FunctionDef | ast.AsyncFunctionDef):  # type: ignore[no-untyped-def]
    """(name node, whether it sits in a nested scope) for every name in the body."""
    pending = [(node, False) for node in function.body]
    while pending:
        node, nested = pending.pop()
        if isinstance(node, ast.Name):
            yield node, nested
        inner = nested or isinstance(node, _SCOPES)
        pending.extend((child, inner) for child in ast.iter_child_nodes(node))


def _function_edits(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list:
    located = list(_names(function))
    names = [node for node, _ in located]
    bound_inside = {
        node.id
        for node, nested in located
        if nested and isinstance(node.ctx, ast.Store)
    }
    bound_inside |= {a.arg for node in ast.walk(function) for a in _lambda_args(node)}
    declared = {
        name
        for node in ast.walk(function)
        if isinstance(node, (ast.Global, ast.Nonlocal))
        for name in node.names
    }
    params = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    first_store: dict[str, tuple[int, int]] = {}
    for node in names:
        if isinstance(node.ctx, ast.Store):
            where = (node.lineno, node.col_offset)
            first_store[node.id] = min(first_store.get(node.id, where), where)
    augmented = {
        node.target.id
        for node in ast.walk(function)
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name)
    }
    taken = {node.id for node in names} | params
    edits = []
    for name, stored in first_store.items():
        if name in declared | params | augmented | bound_inside:
            continue
        read_before = any(
            node.id == name
            and not nested
            and isinstance(node.ctx, ast.Load)
            and (node.lineno, node.col_offset) < stored
            for node, nested in located
        )
        if not read_before:
            continue
        new = unique(f"{name}_value", taken)
        edits += [
            (node.lineno, node.col_offset, node.end_col_offset, new)
            for node in names
            if node.id == name and (node.lineno, node.col_offset) >= stored
        ]
    return edits


def _lambda_args(node: ast.AST) -> list[ast.arg]:
    if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
        return [a for a in ast.walk(node.args) if isinstance(a, ast.arg)]
    return []
