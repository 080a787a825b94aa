"""Shared by the data-science and security rules: names of calls through the notebook's
imports, keyword arguments, and statements in the order they run."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext


def qualified(ctx: RuleContext, node: ast.AST) -> str | None:
    """The qualified name of a Name/Attribute chain (`numpy.nan` for `np.nan`)."""
    return ctx.qualified(node)


def call_name(ctx: RuleContext, call: ast.Call) -> str | None:
    """The callee's qualified name (`pandas.read_csv` for `pd.read_csv(...)`)."""
    return ctx.call_name(call)


def method(call: ast.Call) -> str | None:
    """The method name of `obj.method(...)`, else None."""
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def keywords(call: ast.Call) -> dict[str, ast.expr]:
    """The call's keyword arguments by name, `**` for an unpacked mapping."""
    return {keyword.arg or "**": keyword.value for keyword in call.keywords}


def is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


#: Conventional aliases a cell may read without importing them.
_CONVENTIONAL = frozenset({"np", "pd", "tf", "nn"})


def is_imported(ctx: RuleContext, node: ast.expr) -> bool:
    """`node` names something imported (`os`, `pd`, `Path`), not a data variable."""
    aliases = dict(ctx.facts.aliases)
    return isinstance(node, ast.Name) and (
        node.id in _CONVENTIONAL or aliases.get(node.id, "").split(".")[-1] == node.id
    )


def imports_any(ctx: RuleContext, *roots: str) -> bool:
    """Whether any cell imports a module under one of `roots` (`torch`, `xarray`)."""
    return any(
        fact.module.split(".")[0] in roots
        for cell in ctx.cell_facts()
        for fact in cell.imports
    )


def root_name(node: ast.AST) -> str | None:
    """The variable under subscripts, attributes and method calls (`df` in `df[c].x`)."""
    while isinstance(node, (ast.Subscript, ast.Attribute, ast.Call, ast.Starred)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a block in source order, nested blocks included, function
    and class bodies excluded (they run only when called)."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from statements(getattr(statement, field, []))
        for handler in getattr(statement, "handlers", []):
            yield from statements(handler.body)
        for case in getattr(statement, "cases", []):
            yield from statements(case.body)


#: pandas functions and DataFrame methods whose result is a DataFrame.
_FRAME_FUNCTIONS = frozenset(
    {"DataFrame", "concat", "merge", "get_dummies", "pivot_table", "crosstab"}
)
_FRAME_METHODS = frozenset(
    {"copy", "merge", "join", "drop", "dropna", "fillna", "reset_index", "set_index"}
    | {"sort_values", "query", "assign", "rename", "drop_duplicates", "astype"}
    | {"sample", "head", "tail", "pivot", "pivot_table", "to_frame"}
)


def dataframe_names(ctx: RuleContext) -> frozenset[str]:
    """Notebook names bound to a DataFrame: by a pandas constructor or reader, or by a
    frame method of a known frame (`clean = raw.dropna()`)."""
    frames: set[str] = set()
    for parsed in ctx.parsed:
        if parsed.tree is None:
            continue
        for node in ctx.nodes(parsed):
            if isinstance(node, ast.Assign) and _is_frame(ctx, node.value, frames):
                frames |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return frozenset(frames)


#: Builders of plain Python containers: `d = {}` then `d["a"]["b"] = 1` is no pandas.
_CONTAINERS = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
_CONTAINER_CALLS = frozenset(
    {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter"}
)


def container_names(ctx: RuleContext) -> frozenset[str]:
    """Notebook names bound to a dict, list or set (`counts = {}`, `defaultdict(int)`)."""
    found: set[str] = set()
    for parsed in ctx.parsed:
        for node in ctx.nodes(parsed):
            if isinstance(node, ast.Assign) and _is_container(node.value):
                found |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return frozenset(found)


def _is_container(value: ast.expr) -> bool:
    if isinstance(value, ast.Call):
        func = value.func
        name = (
            func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        )
        return name in _CONTAINER_CALLS
    return isinstance(value, _CONTAINERS)


def is_frame_name(name: str) -> bool:
    """A conventional DataFrame name: `df`, `df2`, `df_train`, `train_df`."""
    return (
        name.removeprefix("df").isdigit()
        or name == "df"
        or (name.startswith("df_") or name.endswith("_df"))
    )


def _is_frame(ctx: RuleContext, value: ast.expr, frames: set[str]) -> bool:
    if isinstance(value, ast.Call):
        module, _, function = (call_name(ctx, value) or "").rpartition(".")
        if module == "pandas":
            return function in _FRAME_FUNCTIONS or function.startswith("read_")
        if method(value) in _FRAME_METHODS:
            root = root_name(value)
            return root is not None and (root in frames or is_frame_name(root))
    return False
