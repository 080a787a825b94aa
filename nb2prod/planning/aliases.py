"""Module aliases: `K = keras.backend`, `tfd = tfp.distributions`.

A name bound once to an attribute of an imported module is an import in all but
syntax; it moves to module level with the imports (so classes and functions can use
it) instead of travelling between steps as a value.
"""

from __future__ import annotations

import ast
from collections import Counter

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.reading.parsing import ParsedCell


def module_aliases(
    facts: NotebookFacts, parsed: dict[int, ParsedCell]
) -> dict[int, frozenset[str]]:
    """Cell -> the aliases it binds: `NAME = module.attr...` at the top level of the
    cell, where `module` is imported and NAME is bound nowhere else (or only by the
    same alias again) nor changed."""
    imported = {i.bound for c in facts.cells for i in c.imports if i.bound}
    bound = Counter(
        node.id
        for item in parsed.values()
        if item.tree is not None
        for node in ast.walk(item.tree)
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)
    )  # every binding anywhere, loops and functions included: an alias is set once
    changed = {name for cell in facts.cells for name in cell.mutates}
    statements: dict[str, list[tuple[int, str]]] = {}
    for index, item in parsed.items():
        for statement in item.tree.body if item.tree is not None else ():
            name = alias_target(statement, imported)
            if name is not None:
                value = ast.dump(statement.value)  # type: ignore[attr-defined]
                statements.setdefault(name, []).append((index, value))
    found: dict[int, set[str]] = {}
    for name, places in statements.items():
        same = len({value for _, value in places}) == 1  # `K = keras.backend` twice
        if same and bound[name] == len(places) and name not in changed:
            for index, _ in places:
                found.setdefault(index, set()).add(name)
    return {index: frozenset(names) for index, names in found.items()}


def alias_target(statement: ast.stmt, imported: set[str]) -> str | None:
    """NAME when the statement is `NAME = module.attr[.attr...]` over an import."""
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.Attribute)
    ):
        return None
    root: ast.expr = statement.value
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id not in imported:
        return None
    name = statement.targets[0].id
    return None if name in imported else name
