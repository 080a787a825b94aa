"""Config values read where no parameter can bring them: class bodies and methods,
and default values of parameters (evaluated once, when the module is imported).

A function gets the notebook constants it reads as parameters; a class or a default
cannot, so there the constant is read from the config's defaults (`Config.COLOR2`):
the value the notebook had. The plan warns that `--set` does not reach these reads.
"""

from __future__ import annotations

import ast
from typing import TypeGuard

CONFIG = "Config"


def read_config_defaults(
    code: str, names: frozenset[str], alias: str = CONFIG
) -> tuple[str, dict[str, tuple[str, ...]]]:
    """The code with config reads in classes and defaults qualified by `alias`, and
    which names each definition read that way."""
    if not names:
        return code, {}
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code, {}
    edits: list[tuple[int, int, int]] = []
    reads: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            stored = {n.id for n in ast.walk(node) if _stores(n)} | _params(node)
            places = [n for n in ast.walk(node) if _loads(n, names - stored)]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            evaluated = [*node.args.defaults, *node.args.kw_defaults]
            evaluated += node.decorator_list
            places = [
                n
                for expression in evaluated
                if expression is not None
                for n in ast.walk(expression)
                if _loads(n, names)
            ]
        else:
            continue
        if places:
            reads[node.name] = tuple(sorted({n.id for n in places}))
            # typeshed types end_col_offset `int | None`; ast.parse always sets it
            edits += [(n.lineno, n.col_offset, n.end_col_offset) for n in places]  # type: ignore[misc]
    lines = code.split("\n")
    for line, start, end in sorted(edits, reverse=True):
        raw = lines[line - 1].encode("utf-8")
        name = raw[start:end]
        lines[line - 1] = (
            raw[:start] + f"{alias}.".encode() + name + raw[end:]
        ).decode("utf-8")
    return "\n".join(lines), reads


def _loads(node: ast.AST, names: frozenset[str] | set[str]) -> TypeGuard[ast.Name]:
    return (
        isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Load)
        and node.id in names
    )


def _stores(node: ast.AST) -> TypeGuard[ast.Name]:
    return isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)


def _params(node: ast.AST) -> set[str]:
    return {n.arg for n in ast.walk(node) if isinstance(n, ast.arg)}
