"""What a cell changes again each time it runs (for NB109 non-idempotent-cell).

A change counts when it starts from the value an earlier cell left: `x += 1`,
`x = f(x)`, `xs.append(...)`, `df.drop(..., inplace=True)`, `del x`. Filters and
conversions that give the same value when applied to their own result
(`df = df[df.x > 0]`, `df = df.dropna()`) do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

#: Methods that change their receiver again on every run (unlike `sort` or `update`).
_ACCUMULATING = frozenset({"append", "extend", "insert", "pop", "popitem", "remove",
                           "appendleft", "extendleft", "popleft", "rotate", "reverse"})  # fmt: skip
#: Pandas methods that fail or change the frame again when re-run with `inplace=True`.
_INPLACE = frozenset({"drop", "set_index", "reset_index"})
#: Calls that give the same value again when applied to their own result.
_SAME_AGAIN = frozenset({"copy", "dropna", "drop_duplicates", "fillna", "astype",
                         "sort_values", "sort_index", "rename", "reindex", "filter",
                         "replace", "fit", "fit_transform", "cast", "cast_column",
                         "lower", "upper", "strip", "abs", "round", "clip",
                         "reshape", "ravel", "flatten", "squeeze",
                         "to_datetime", "to_numeric", "str", "int", "float", "bool",
                         "list", "tuple", "set", "sorted", "array", "asarray",
                         "DataFrame", "Series"})  # fmt: skip
_ACCESSORS = frozenset({"str", "dt", "cat", "loc", "iloc", "at", "iat"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def changes_again(
    tree: ast.Module, outside: set[str]
) -> Iterator[tuple[str, ast.AST, str]]:
    """(name, node, how) for each change to a name the cell got from earlier cells,
    in source order, until the cell binds the name itself."""
    bound: set[str] = set()
    for node in _in_order(tree):
        found = _change(node)
        if found is not None and found[0] in outside and found[0] not in bound:
            yield found[0], node, found[1]
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)


def _change(node: ast.AST) -> tuple[str, str] | None:
    if isinstance(node, ast.AugAssign):
        base = _base(node.target)
        return (base, "it is updated from its own value") if base else None
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        base = _base(target)
        if base and _reads_again(node.value, ast.unparse(target)):
            return base, "it is updated from its own value"
    if isinstance(node, ast.Delete):
        base = next(filter(None, map(_base, node.targets)), None)
        return (base, "it is deleted, so a second run fails") if base else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        base, method = _base(node.func.value), node.func.attr
        inplace = any(
            k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value
            for k in node.keywords
        )
        if base and (method in _ACCUMULATING or (inplace and method in _INPLACE)):
            return base, f"`.{method}` changes it in place each time"
    return None


def _reads_again(value: ast.expr, target: str) -> bool:
    """Whether `target = value` computes from `target`'s old value, in a way that
    gives something else when done twice (`x = x + 1`, not `x = x.copy()`)."""
    return not _same_again(value, target) and any(
        isinstance(n, (ast.Name, ast.Subscript, ast.Attribute))
        and isinstance(n.ctx, ast.Load)
        and ast.unparse(n) == target
        for n in ast.walk(value)
    )


def _same_again(node: ast.expr, target: str) -> bool:
    """A chain of filters and conversions of `target`: `df[df.x > 0].dropna()`."""
    while ast.unparse(node) != target:
        if isinstance(node, ast.Call):
            func = node.func
            if not _converts(node):
                return False
            if isinstance(func, ast.Attribute) and _mentions(func.value, target):
                node = func.value  # a method of the chain
            elif node.args:
                node = node.args[0]  # a function of it: `np.abs(x)`
            else:
                return False
        elif isinstance(node, ast.Subscript) and _selects(node.slice):
            node = node.value  # a filter, a column selection, the first rows
        elif isinstance(node, ast.Attribute) and node.attr in _ACCESSORS:
            node = node.value
        else:
            return False
    return True


def _selects(index: ast.expr) -> bool:
    """An index that selects the same again from its own result: not `[1:]`."""
    for part in ast.walk(index):
        if isinstance(part, ast.Slice):
            head = part.lower is None and not _negative(part.upper)
            tail = part.upper is None and _negative(part.lower)
            if part.step is not None or not (head or tail):
                return False
    return True


def _negative(bound: ast.expr | None) -> bool:
    return isinstance(bound, ast.UnaryOp) and isinstance(bound.op, ast.USub)


def _converts(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    drop = any(
        k.arg == "drop" and isinstance(k.value, ast.Constant) and k.value.value
        for k in call.keywords
    )
    return name in _SAME_AGAIN or (name == "reset_index" and drop)


def _mentions(node: ast.expr, target: str) -> bool:
    return any(ast.unparse(n) == target for n in ast.walk(node))


def _base(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _in_order(tree: ast.AST) -> Iterator[ast.AST]:
    """Nodes in source order, each before its parts, skipping function and class
    bodies (they do not run when the cell does)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if node is not tree:
            yield node
        children = [c for c in ast.iter_child_nodes(node) if not isinstance(c, _SCOPES)]
        stack.extend(reversed(children))
