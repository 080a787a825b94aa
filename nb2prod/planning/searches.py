"""Hyper-parameter searches the notebook runs, and whether the package needs them.

A notebook often tunes (`GridSearchCV(...).fit(...)`, then prints `best_params_`) and
then fits the model it keeps with the parameters typed in by hand. Run in production,
such a search costs minutes on every run and changes nothing that is saved. A search
is followed through the notebook's top-level statements: its *work* is the statements
that build or run it, read what it found, or only feed it (its parameter grid, the
import of its class). The search is:

- `deployed` when the saved model is the search or was computed from its results;
- `read` when code outside its work reads something it computed, or its work writes
  files (its results leave the search);
- `unused` otherwise: shown, never used. The plan reports it, and
  `convert --skip-unused-searches` leaves out the cells that hold only its work.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import NamedTuple

from nb2prod.planning.plan import ModelPlan, SearchPlan, SearchUse
from nb2prod.planning.statements import statement_binds
from nb2prod.reading.parsing import ParsedCell

#: Search classes of scikit-learn, scikit-optimize and tune-sklearn.
SEARCH_CLASSES = frozenset(
    {
        "GridSearchCV",
        "RandomizedSearchCV",
        "HalvingGridSearchCV",
        "HalvingRandomSearchCV",
        "BayesSearchCV",
        "TuneGridSearchCV",
        "TuneSearchCV",
    }
)
#: Modules whose calls only draw: a search cell's `plt.show()` is part of showing it.
_PLOTTING = ("matplotlib", "seaborn")
#: Calls whose effect outlives the run: a search whose work writes is not exploration.
_WRITES = frozenset(
    {
        "to_csv",
        "to_parquet",
        "to_excel",
        "to_json",
        "to_pickle",
        "savefig",
        "save",
        "save_model",
        "dump",
        "write",
        "write_text",
        "write_bytes",
    }
)


class _Statement(NamedTuple):
    cell: int
    node: ast.stmt
    binds: frozenset[str]
    reads: frozenset[str]


def find_searches(
    cells: dict[int, ParsedCell],
    deployed: Callable[[], ModelPlan | None],
    skip_unused: bool = False,
) -> tuple[SearchPlan, ...]:
    """Each search the kept `cells` build, with what the package does with it;
    `deployed` gives the model the package saves (asked only when a search exists)."""
    statements = [
        _statement(index, node)
        for index in sorted(cells)
        if cells[index].tree is not None
        for node in cells[index].tree.body  # type: ignore[union-attr]
    ]
    built = [
        (statement, estimator)
        for statement in statements
        if (estimator := _search_built(statement.node)) is not None and statement.binds
    ]
    if not built:
        return ()
    model = deployed()
    bindings: dict[str, list[int]] = {}
    for number, statement in enumerate(statements):
        for name in statement.binds:
            bindings.setdefault(name, []).append(number)
    found = []
    for statement, estimator in built:
        name = sorted(statement.binds)[0]
        work = _work(statements, bindings, statements.index(statement))
        use = _use(statements, work, name, model)
        only_work = _cells_of_only(statements, work)
        movable = use == "unused" and {statements[i].cell for i in work} <= only_work
        found.append(
            SearchPlan(
                name=name,
                cell=statement.cell,
                estimator=estimator,
                use=use,
                cells=tuple(sorted(only_work)),
                left_out=skip_unused and movable,
                mixed=tuple(sorted({statements[i].cell for i in work} - only_work)),
            )
        )
    return tuple(found)


def _statement(cell: int, node: ast.stmt) -> _Statement:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        binds = {
            (alias.asname or alias.name).split(".")[0]
            for alias in node.names
            if alias.name != "*"
        }
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        binds = {node.name}
    else:
        binds = set(statement_binds(node))
    reads = {
        n.id
        for n in ast.walk(node)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return _Statement(cell, node, frozenset(binds), frozenset(reads))


def _search_built(node: ast.stmt) -> str | None:
    """The search class an assignment builds (`grid = GridSearchCV(...)`)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
        return None
    call = node.value
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id if isinstance(func, ast.Name) else None
    )
    return name if name in SEARCH_CLASSES else None


def _definition(statement: _Statement) -> bool:
    return isinstance(
        statement.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    )


def _work(
    statements: list[_Statement], bindings: dict[str, list[int]], start: int
) -> set[int]:
    """The statements that build, run, read or only feed the search built at `start`."""
    readers: dict[str, set[int]] = {}
    for number, statement in enumerate(statements):
        for name in statement.reads:
            readers.setdefault(name, set()).add(number)
    work = {start}
    changed = True
    while changed:
        changed = False
        for number, statement in enumerate(statements):
            if number in work or _definition(statement):
                continue
            # reads a value only the search's work binds (`grid`, `best = grid.best_...`)
            forward = any(
                name in bindings and set(bindings[name]) <= work
                for name in statement.reads
            )
            # binds only values the search's work reads (its grid, its class's import)
            read_by = {r for name in statement.binds for r in readers.get(name, ())}
            read_by.discard(number)
            backward = bool(read_by) and read_by <= work
            if forward or backward:
                work.add(number)
                changed = True
    return work


def _use(
    statements: list[_Statement],
    work: set[int],
    name: str,
    model: ModelPlan | None,
) -> SearchUse:
    bound = {n for i in work for n in statements[i].binds}
    if model is not None and (model.name == name or model.name in bound):
        return "deployed"
    outside = [s for i, s in enumerate(statements) if i not in work]
    if any(s.reads & bound for s in outside) or any(
        _writes(statements[i].node) for i in work
    ):
        return "read"
    return "unused"


def _writes(node: ast.stmt) -> bool:
    return any(
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in _WRITES
        for call in ast.walk(node)
    )


def _cells_of_only(statements: list[_Statement], work: set[int]) -> set[int]:
    """Cells holding some of the search's work and nothing else but imports nothing
    outside the work needs and lines that only show (`print("tuning...")`,
    `plt.show()`)."""
    by_cell: dict[int, list[int]] = {}
    for number, statement in enumerate(statements):
        by_cell.setdefault(statement.cell, []).append(number)
    read_outside = {
        name for i, s in enumerate(statements) if i not in work for name in s.reads
    }
    plotting = {
        (alias.asname or alias.name).split(".")[0]
        for s in statements
        if isinstance(s.node, (ast.Import, ast.ImportFrom))
        for alias in s.node.names
        if (getattr(s.node, "module", None) or alias.name).startswith(_PLOTTING)
    }
    only = set()
    for cell, numbers in by_cell.items():
        if any(i in work for i in numbers) and all(
            i in work or _neutral(statements[i], read_outside, plotting)
            for i in numbers
        ):
            only.add(cell)
    return only


def _neutral(statement: _Statement, read_outside: set[str], plotting: set[str]) -> bool:
    node = statement.node
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return not statement.binds & read_outside
    if not isinstance(node, ast.Expr):
        return False
    value = node.value
    if isinstance(value, ast.Constant):  # a docstring-like note
        return True
    if not isinstance(value, ast.Call):
        return False
    root = value.func
    while isinstance(root, (ast.Attribute, ast.Call)):
        root = root.value if isinstance(root, ast.Attribute) else root.func
    if not isinstance(root, ast.Name):
        return False
    if root.id in ("print", "display"):  # a message: `print("tuning...")`
        return statement.reads <= {"print", "display"}
    return root.id in plotting  # `plt.show()`, `plt.figure(figsize=...)`


def search_note(search: SearchPlan, saved: bool) -> str:
    """What the package does with `search`, in a sentence (plan report, README);
    `saved`: the package saves a model."""
    unused = (
        "the saved model does not use it"
        if saved
        else "nothing the package saves uses it"
    )
    where = f"{search.estimator} `{search.name}` (cell {search.cell + 1})"
    cells = ", ".join(str(cell + 1) for cell in search.cells)
    if search.use == "deployed":
        return f"{where}: the saved model comes from it; kept"
    if search.use == "read":
        return f"{where}: other code reads its results; kept"
    if search.left_out:
        return f"{where}: {unused}; left out (cells {cells})"
    if search.mixed:
        mixed = ", ".join(str(cell + 1) for cell in search.mixed)
        return f"{where}: {unused}, but cells {mixed} also do other work; kept"
    return (
        f"{where}: {unused}; kept, so it runs every time "
        f"(`--skip-unused-searches` leaves out cells {cells})"
    )


def search_warning(search: SearchPlan) -> str:
    """The warning for an unused search the package still runs."""
    cells = ", ".join(str(cell + 1) for cell in search.cells)
    where = f"{search.estimator} `{search.name}` runs on every pipeline run, but"
    if search.mixed:
        mixed = ", ".join(str(cell + 1) for cell in search.mixed)
        return (
            f"{where} nothing the package saves uses it; it shares cells {mixed} "
            "with other work (tag its cells `skip` to leave it out)"
        )
    return (
        f"{where} nothing the package saves uses it; `--skip-unused-searches` "
        f"leaves out cells {cells}"
    )
