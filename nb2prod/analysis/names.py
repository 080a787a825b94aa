"""Name tables analysis needs: builtins, IPython's builtins, in-place methods.

Kept apart so that rules and transforms share one definition of each list.
"""

from __future__ import annotations

import ast
import builtins
import re

#: Names IPython puts in every notebook's namespace (ruff adds the same for notebooks).
IPYTHON_BUILTINS = frozenset(
    {
        "display",
        "get_ipython",
        "In",
        "Out",
        "_",
        "__",
        "___",
        "_i",
        "_ii",
        "_iii",
        "_ih",
        "_oh",
        "_dh",
        "exit",
        "quit",
        "__IPYTHON__",
        "__builtins__",
        "__name__",
        "__doc__",
        "__file__",
        "__spec__",
        "__loader__",
        "__package__",
        "__annotations__",
    }
)
_IPYTHON_NUMBERED = re.compile(r"_i?\d+$")  # _5 is Out[5], _i5 is In[5]
PYTHON_BUILTINS = frozenset(dir(builtins))


def is_builtin(name: str) -> bool:
    """Whether `name` resolves without any cell defining it (Python or IPython builtin)."""
    return (
        name in PYTHON_BUILTINS
        or name in IPYTHON_BUILTINS
        or _IPYTHON_NUMBERED.match(name) is not None
    )


#: Methods that change their receiver in place (lists, dicts, sets, estimators).
MUTATING_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "update",
        "pop",
        "popitem",
        "remove",
        "clear",
        "sort",
        "reverse",
        "setdefault",
        "add",
        "discard",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
        "fit",
        "partial_fit",
        "fit_transform",
        "set_params",
        "fit_predict",
        "__setitem__",
        "__delitem__",
        "appendleft",
        "extendleft",
        "popleft",
        "rotate",
        "put",
        "resize",
        "fill",
        "itemset",
        "setflags",
    }
)

#: Functions that change their first argument in place (`random.shuffle(xs)`).
MUTATING_FUNCTIONS = frozenset({"shuffle"})


def dotted(node: ast.AST) -> str | None:
    """`np.random.rand` for a Name/Attribute chain; None for anything computed."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
