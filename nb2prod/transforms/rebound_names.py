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


class _Scan:
    """One walk of a step function: its names (and whether each sits in a nested
    scope), and the names that rule a rename out."""

    def __init__(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.located: list[tuple[ast.Name, bool]] = []
        self.params = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
        self.excluded = set(self.params)
        pending: list[tuple[ast.AST, bool]] = [(node, False) for node in function.body]
        while pending:
            node, nested = pending.pop()
            if isinstance(node, ast.Name):
                self.located.append((node, nested))
                if nested and isinstance(node.ctx, ast.Store):
                    self.excluded.add(node.id)  # bound in a nested scope
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                self.excluded.update(node.names)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                self.excluded.add(node.target.id)  # `x += 1` first: reads it
            elif isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                self.excluded.update(
                    a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)
                )
            inner = nested or isinstance(node, _SCOPES)
            pending.extend((child, inner) for child in ast.iter_child_nodes(node))


def _function_edits(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list:
    scan = _Scan(function)
    first_store: dict[str, tuple[int, int]] = {}
    first_load: dict[str, tuple[int, int]] = {}  # in the function's own scope
    for node, nested in scan.located:
        where = (node.lineno, node.col_offset)
        if isinstance(node.ctx, ast.Store):
            first_store[node.id] = min(first_store.get(node.id, where), where)
        elif isinstance(node.ctx, ast.Load) and not nested:
            first_load[node.id] = min(first_load.get(node.id, where), where)
    taken: set[str] | None = None
    edits = []
    for name, stored in first_store.items():
        if name in scan.excluded or first_load.get(name, stored) >= stored:
            continue  # not read before its first assignment, or not a plain local
        if taken is None:
            taken = {node.id for node, _ in scan.located} | scan.params
        new = unique(f"{name}_value", taken)
        edits += [
            (node.lineno, node.col_offset, node.end_col_offset, new)
            for node, _ in scan.located
            if node.id == name and (node.lineno, node.col_offset) >= stored
        ]
    return edits
