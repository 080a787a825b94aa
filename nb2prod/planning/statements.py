"""Notebook-level statements and the names they bind: what the model planning reads
to follow a value from one assignment to the next.

Values are followed by position: a name read by a statement is the one its last
binding before that statement made, so a name the notebook uses again for something
else (`X`, `y_pred`, `model`) does not mix two values.
"""

from __future__ import annotations

import ast
import sys
from bisect import bisect_left
from collections.abc import Iterator
from typing import NamedTuple

from nb2prod.reading.parsing import ParsedCell

#: (cell, line): where a notebook-level statement runs, in notebook order.
Position = tuple[int, int]


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
    return [name for target in _targets(node) for name in bound_names(target)]


def _targets(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, (ast.Assign, ast.Delete)):
        return list(node.targets)
    if isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        return [node.target]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [item.optional_vars for item in node.items if item.optional_vars]
    return []


def _replaced(node: ast.stmt) -> set[str]:
    """Names the statement binds anew as a whole (`x = ...`, not `x[k] = ...`, `x += ...`)."""
    if isinstance(node, (ast.AugAssign, ast.Delete)):
        return set()
    return {name for target in _targets(node) for name in target_names(target)}


def _read(node: ast.stmt) -> set[str]:
    """Names the binding part of a statement reads: its value, iterable, context."""
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        parts: list[ast.AST] = [node.value] if node.value is not None else []
        # `res[key] = value` changes `res` with `key`: both feed what `res` holds
        parts += [
            t for t in _targets(node) if isinstance(t, (ast.Subscript, ast.Attribute))
        ]
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        parts = [node.iter]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        parts = [item.context_expr for item in node.items]
    else:
        parts = []
    return {n.id for part in parts for n in ast.walk(part) if isinstance(n, ast.Name)}


class _Binding(NamedTuple):
    position: Position
    node: ast.stmt
    replaces: bool  # the name's earlier value is gone (not a change of it)


class Statements:
    """The notebook-level statements in run order, indexed by the names they bind."""

    def __init__(self, cells: dict[int, ParsedCell]) -> None:
        self._bindings: dict[str, list[_Binding]] = {}
        for index in sorted(cells):
            tree = cells[index].tree
            for node in notebook_level(tree.body if tree is not None else []):
                replaced = _replaced(node)
                for name in dict.fromkeys(statement_binds(node)):
                    binding = _Binding((index, node.lineno), node, name in replaced)
                    self._bindings.setdefault(name, []).append(binding)

    def _before(self, name: str, before: Position) -> list[_Binding]:
        """The bindings of `name` before `before`, newest first."""
        bindings = self._bindings.get(name, [])
        cut = bisect_left([b.position for b in bindings], before)
        return bindings[:cut][::-1]

    def last_binding(
        self, name: str, before: Position
    ) -> tuple[Position, ast.stmt] | None:
        """The last statement before `before` that binds or changes `name`."""
        found = self._before(name, before)
        return (found[0].position, found[0].node) if found else None

    def bound_from(self, name: str, since: Position) -> bool:
        """Whether a statement at or after `since` binds or changes `name`."""
        return any(b.position >= since for b in self._bindings.get(name, []))

    def sources(self, name: str, before: Position) -> set[tuple[str, Position]]:
        """(name, where it was bound) for every value the value of `name` read just
        before `before` was computed from, directly or through others: each name read
        is followed to its own last binding before the statement that read it."""
        found: set[tuple[str, Position]] = set()
        visited: set[tuple[str, Position]] = set()
        pending = [(name, before)]
        while pending:
            current, position = pending.pop()
            if (current, position) in visited:
                continue
            visited.add((current, position))
            for binding in self._before(current, position):
                found.add((current, binding.position))
                pending.extend((read, binding.position) for read in _read(binding.node))
                if binding.replaces:
                    break
        return found


def end_of_cell(cell: int) -> Position:
    return (cell, sys.maxsize)


#: After every statement of the notebook.
END: Position = (sys.maxsize, 0)
