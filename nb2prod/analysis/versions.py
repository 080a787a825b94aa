"""Branches that run only on Python 2 (`if sys.version_info < (3, 0):`, `if six.PY2:`).

Old notebooks keep both spellings side by side; the Python 2 branch never runs today,
so the names it reads (`unicode`, `xrange`) are not missing.
"""

from __future__ import annotations

import ast
import operator

_PYTHON2_FLAGS = frozenset({"PY2", "PY2K", "IS_PY2", "PYTHON2", "IS_PYTHON2"})
_PYTHON3_FLAGS = frozenset({"PY3", "PY3K", "IS_PY3", "PYTHON3", "IS_PYTHON3"})
_VERSIONS = {2: (2, 7, 18), 3: (3, 12, 0)}  # one release of each, to evaluate tests on
_COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def python2_branch(test: ast.expr) -> str | None:
    """ "body" when `test` holds only on Python 2, "orelse" when only on Python 3."""
    holds = {major: _holds(test, version) for major, version in _VERSIONS.items()}
    if holds == {2: True, 3: False}:
        return "body"
    if holds == {2: False, 3: True}:
        return "orelse"
    return None


def _holds(test: ast.expr, version: tuple[int, int, int]) -> bool | None:
    """What `test` evaluates to on `version`; None when it is not a version test."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _holds(test.operand, version)
        return None if inner is None else not inner
    flag = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
    if flag in _PYTHON2_FLAGS or flag in _PYTHON3_FLAGS:
        return (flag in _PYTHON2_FLAGS) == (version[0] == 2)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left = _version_value(test.left, version)
    compare = _COMPARE.get(type(test.ops[0]))
    try:
        right = ast.literal_eval(test.comparators[0])
    except ValueError:
        return None
    if left is None or compare is None or type(left) is not type(right):
        return None
    return bool(compare(left, right))


def _version_value(
    node: ast.expr, version: tuple[int, int, int]
) -> tuple[int, ...] | int | None:
    """`sys.version_info` as `version`, `[0]` or `.major` as its first number."""
    if _is_version_info(node):
        return version
    if isinstance(node, ast.Attribute) and node.attr == "major":
        return version[0] if _is_version_info(node.value) else None
    if isinstance(node, ast.Subscript) and _is_version_info(node.value):
        end = _slice_end(node.slice)
        if end is not None:
            return version[:end]
        index = node.slice
        return (
            version[0] if isinstance(index, ast.Constant) and index.value == 0 else None
        )
    return None


def _slice_end(node: ast.expr) -> int | None:
    """2 for `[:2]`: the tuple prefix people compare the version with."""
    if isinstance(node, ast.Slice) and node.lower is None and node.step is None:
        upper = node.upper
        if isinstance(upper, ast.Constant) and isinstance(upper.value, int):
            return upper.value
    return None


def _is_version_info(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "version_info" and getattr(node.value, "id", None) == "sys"
    return isinstance(node, ast.Name) and node.id == "version_info"
