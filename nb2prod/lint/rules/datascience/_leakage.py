"""Preprocessing leakage for NB611: follow preprocessors, the data they are fitted on
and what they produce, statement by statement in document order, through the split."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rules.datascience._helpers import call_name, method, statements
from nb2prod.reading.parsing import ParsedCell

#: Modules of stateful preprocessors whose statistics come from the data they fit.
_MODULES = (
    "sklearn.preprocessing",
    "sklearn.feature_selection",
    "sklearn.decomposition",
    "sklearn.impute",
    "sklearn.feature_extraction.text",
)
#: Fitting these learns nothing about the rows that could leak (or only label sets).
_HARMLESS = frozenset(
    {"LabelEncoder", "LabelBinarizer", "MultiLabelBinarizer", "OneHotEncoder"}
    | {"OrdinalEncoder", "FunctionTransformer", "PolynomialFeatures", "Binarizer"}
    | {"Normalizer", "HashingVectorizer"}
)


#: Reads that take a table's shape or labels, not its values: no statistic flows on.
_SIZE_CALLS = frozenset({"len", "range", "enumerate"})
_METADATA = frozenset({"shape", "size", "ndim", "columns", "index", "dtype", "dtypes"})


class Fit(NamedTuple):
    """A preprocessor fitted on data that no split has produced."""

    cell: ParsedCell
    call: ast.Call
    transformer: str
    data: str


class Leak(NamedTuple):
    fit: Fit
    split_cell: int


class _State:
    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.imported = {name for name, _ in ctx.facts.aliases} | {"np", "pd"}
        self.preprocessors: set[str] = set()
        self.fits: dict[str, Fit] = {}  # preprocessor -> its fit on unsplit data
        self.fitted_on: dict[str, Fit] = {}  # data name -> the fit that saw it
        self.derived: dict[str, Fit] = {}  # data name -> the fit that transformed it
        self.split: set[str] = set()  # names a split produced, or derived from one
        self.pending: dict[str, Leak] = {}  # fitted on data that was split since
        # a table tainted only through columns assigned to it (`df["age_s"] = ...`)
        self.columns: dict[str, set[str]] = {}

    def names(self, node: ast.AST) -> set[str]:
        """Data names whose values `node` reads: not functions called by name, not
        imported names, not what only gives a size (`len(X)`, `X.shape`), and not a
        table whose tainted columns the read leaves out (`df[["income"]]`)."""
        return {name.id for name in self._values_read(node)} - self.imported

    def _values_read(self, node: ast.AST) -> Iterator[ast.Name]:
        if isinstance(node, ast.Name):
            yield node
            return
        if isinstance(node, ast.Attribute) and node.attr in _METADATA:
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in _SIZE_CALLS:
                return
            children = [*node.args, *node.keywords]
        elif isinstance(node, ast.Subscript) and self._untainted_columns(node):
            children = [node.slice]
        else:
            children = list(ast.iter_child_nodes(node))
        for child in children:
            yield from self._values_read(child)

    def _untainted_columns(self, node: ast.Subscript) -> bool:
        """`df[["income"]]` where only other columns of `df` hold a fit's data."""
        tainted = self.columns.get(getattr(node.value, "id", ""))
        selected = _literal_columns(node.slice)
        return tainted is not None and selected is not None and not selected & tainted

    def is_preprocessor(self, node: ast.AST | None) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.preprocessors
        if not isinstance(node, ast.Call):
            return False
        if method(node) == "fit":  # StandardScaler().fit(X).transform(X)
            return self.is_preprocessor(getattr(node.func, "value", None))
        module, _, leaf = (call_name(self.ctx, node) or "").rpartition(".")
        return module.startswith(_MODULES) and leaf not in _HARMLESS

    @staticmethod
    def key(node: ast.AST) -> str:
        """The preprocessor's name (`scaler`), or the text of an unnamed one."""
        while isinstance(node, ast.Call) and method(node) == "fit":
            node = getattr(node.func, "value", node)
        return node.id if isinstance(node, ast.Name) else ast.unparse(node)

    def fit(self, parsed: ParsedCell, call: ast.Call, key: str) -> Fit | None:
        self.pending.pop(key, None)
        data = call.args[0] if call.args else None
        if data is None or self.names(data) & self.split:
            self.fits.pop(key, None)  # fitted on a training split: fine
            return None
        fit = Fit(parsed, call, key, ast.unparse(data))
        self.fits[key] = fit
        for name in self.names(data):
            self.taint_columns(name, data)
            self.fitted_on[name] = fit
        return fit

    def taint_columns(self, root: str, node: ast.expr) -> None:
        """Remember which columns of `root` a fit saw or filled (`df[["age"]]`), while
        no whole-table use has tainted all of it."""
        whole = (root in self.derived or root in self.fitted_on) and (
            root not in self.columns
        )
        columns = (
            _literal_columns(node.slice)
            if isinstance(node, ast.Subscript)
            and getattr(node.value, "id", None) == root
            else None
        )
        if columns is None or whole:
            self.columns.pop(root, None)
        else:
            self.columns[root] = self.columns.get(root, set()) | columns

    def taint(self, names: set[str]) -> Fit | None:
        """The fit whose output, else whose input, these names hold."""
        for table in (self.derived, self.fitted_on):
            found = [table[name] for name in sorted(names) if name in table]
            if found:
                return found[0]
        return None


def leaks(ctx: RuleContext) -> Iterator[Leak]:
    """Each fit on unsplit data whose statistics reach a split."""
    if not any("train_test_split" in parsed.cell.source for parsed in ctx.parsed):
        return  # no split, no leak (an alias still names it where it is imported)
    state = _State(ctx)
    for parsed in ctx.parsed:
        for statement in statements(parsed.tree.body if parsed.tree else []):
            value = getattr(statement, "value", None)
            if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = getattr(statement, "targets", None) or [statement.target]  # type: ignore[union-attr]
                yield from _step(state, parsed, value, targets)
            elif isinstance(statement, (ast.Expr, ast.AugAssign)):
                yield from _step(state, parsed, value, [])


def _step(
    state: _State, parsed: ParsedCell, value: ast.expr | None, targets: list[ast.expr]
) -> Iterator[Leak]:
    if value is None:
        return
    produced, is_split = None, False
    owner = _owner(state, value, targets)
    for call in _calls(value):
        receiver = getattr(call.func, "value", None)
        if state.is_preprocessor(receiver):
            key = state.key(receiver) if owner is None or call is not value else owner  # type: ignore[arg-type]
            if method(call) in ("fit", "fit_transform"):
                state.fit(parsed, call, key)
            if method(call) in ("transform", "fit_transform"):
                produced = state.fits.get(key) or produced
                if key in state.pending and state.names(call) & state.split:
                    yield state.pending.pop(key)
        if (call_name(state.ctx, call) or "").endswith("train_test_split"):
            is_split = True
            yield from _split(state, parsed, call)
    _bind(state, value, targets, produced, is_split, owner)


def _owner(state: _State, value: ast.expr, targets: list[ast.expr]) -> str | None:
    """`scaler` in `scaler = StandardScaler()` or `scaler = StandardScaler().fit(X)`."""
    single = len(targets) == 1 and isinstance(targets[0], ast.Name)
    if single and isinstance(value, ast.Call) and state.is_preprocessor(value):
        return targets[0].id  # type: ignore[attr-defined]
    return None


def _split(state: _State, parsed: ParsedCell, call: ast.Call) -> Iterator[Leak]:
    for argument in call.args:
        names = state.names(argument)
        fit = state.taint(names)
        if fit is None:
            continue
        if names & state.derived.keys():
            yield Leak(fit, parsed.cell.index)  # the split data was transformed
        elif state.fits.get(fit.transformer) == fit:
            state.pending[fit.transformer] = Leak(fit, parsed.cell.index)


def _bind(
    state: _State,
    value: ast.expr,
    targets: list[ast.expr],
    produced: Fit | None,
    is_split: bool,
    owner: str | None,
) -> None:
    read = state.names(value)
    derived = produced or next(
        (state.derived[n] for n in sorted(read) if n in state.derived), None
    )
    seen = next(
        (state.fitted_on[n] for n in sorted(read) if n in state.fitted_on), None
    )
    for target in targets:
        if isinstance(target, (ast.Subscript, ast.Attribute)):  # df["a"] = ...
            root = _root(target)
            if root is not None and (derived or seen):
                state.taint_columns(root, target)
                table = state.derived if derived else state.fitted_on
                table[root] = derived or seen  # type: ignore[assignment]
            continue
        for name in state.names(target):
            state.columns.pop(name, None)
            state.fitted_on.pop(name, None)
            state.derived.pop(name, None)
            state.split.discard(name)
            if is_split:
                state.split.add(name)
            elif derived is not None:
                state.derived[name] = derived
            elif seen is not None:
                state.fitted_on[name] = seen
            elif read & state.split:
                state.split.add(name)
    if owner is not None:
        state.preprocessors.add(owner)
        if not (isinstance(value, ast.Call) and method(value) == "fit"):
            state.fits.pop(owner, None)  # a new, unfitted preprocessor
            state.pending.pop(owner, None)
    for target in targets:
        if isinstance(target, ast.Name) and target.id != owner:
            state.preprocessors.discard(target.id)


def _literal_columns(node: ast.expr) -> set[str] | None:
    """{"a", "b"} for `["a", "b"]` or `"a"`; None for a computed selection."""
    items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    if all(
        isinstance(item, ast.Constant) and isinstance(item.value, str) for item in items
    ):
        return {item.value for item in items}  # type: ignore[attr-defined]
    return None


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    """Calls in evaluation order: arguments and receivers before the call itself."""
    for child in ast.iter_child_nodes(node):
        yield from _calls(child)
    if isinstance(node, ast.Call):
        yield node
