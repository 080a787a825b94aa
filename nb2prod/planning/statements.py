"""Notebook-level statements and the names they bind: what the model planning reads
to follow a value from one assignment to the next."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def notebook_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run at notebook level: the cell's, and those in its blocks."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield node
        for field in ("body", "orelse", "finalbody"):
            yield from notebook_level(getattr(node, field, []) or [])
        for handler in getattr(node, "handlers", []) or []:
            yield from notebook_level(handler.body)


def bound_names(target: ast.expr) -> list[str]:
    """Names an assignment target binds or changes (`res["p"]`, `a.b` change `res`, `a`)."""
    while isinstance(target, (ast.Subscript, ast.Attribute, ast.Starred)):
        target = target.value
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in bound_names(element)]
    return [target.id] if isinstance(target, ast.Name) else []


def target_names(target: ast.expr) -> list[str]:
    """Names an assignment target binds as a whole (not `res["p"]`)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in target_names(element)]
    return []


def statement_binds(node: ast.stmt) -> list[str]:
    """Every name a statement binds or changes by assignment (`for` targets, `with ...
    as`, `del` included)."""
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in node.items if item.optional_vars]
    elif isinstance(node, ast.Delete):
        targets = list(node.targets)
    else:
        return []
    return [name for target in targets for name in bound_names(target)]
