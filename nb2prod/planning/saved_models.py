"""A model the notebook saves to a file, then replaces under the same name.

`pickle.dump((dv, lr), f_out)` in cell 16, `lr = Lasso(0.01)` in cell 17: the notebook
deployed the linear regression and went on trying models under its name. The package
saves the model the notebook saved, so the name's later values get names of their own
from the first binding after the save (`lr_lasso`), as if the notebook had named its
experiments: `lr` holds the saved model when the run ends, and the run computes what
the notebook computed. Loading the saved file again (`lr = pickle.load(f_in)`) binds
the same model and is no experiment.

Left alone (the model chosen as before): a name saved with several values (a
checkpoint per experiment), bound again inside a block or a loop, by `+=`, `for`,
`with`, `import` or `del`, or one a function, a lambda or a generator expression
reads (it would read the new value when it runs).
"""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.analysis.names import dotted
from nb2prod.planning.cell_rewrites import (
    Edit,
    Rewritten,
    edited_notebook,
    global_reference_edits,
)
from nb2prod.planning.model import (
    SAVE_CALL,
    imported_paths,
    saved_to_file,
    trained_models,
)
from nb2prod.planning.naming import snake_case, unique
from nb2prod.planning.plan import Warning
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell

#: Calls that read a saved model back (`pickle.load`, `keras.models.load_model`).
_LOADING = re.compile(r"(^|\.)(load|load_model|from_pretrained|read_pickle)$")


class _Place(NamedTuple):
    cell: int
    statement: int  # its place in the cell's top-level statements


def keep_saved_models(
    notebook: Notebook, parsed: tuple[ParsedCell, ...], facts: NotebookFacts
) -> Rewritten | None:
    """The notebook with the later values of each saved model's name renamed, or None
    when no model is saved and then replaced."""
    if not any(SAVE_CALL.search(item.translation.python) for item in parsed):
        return None  # (a walk of every cell and the model search cost more)
    cells = {item.cell.index: item for item in parsed if item.tree is not None}
    models = trained_models(cells, facts)
    if not models:
        return None
    imports = imported_paths(facts)
    statements = [
        (_Place(index, number), statement)
        for index in sorted(cells)
        for number, statement in enumerate(cells[index].tree.body)  # type: ignore[union-attr]
    ]
    saves: dict[str, list[_Place]] = {}
    for place, statement in statements:
        for node in ast.walk(statement):
            for name in saved_to_file(node, imports):
                if name in models:
                    saves.setdefault(name, []).append(place)
    saved = {
        name: places[-1]
        for name, places in saves.items()
        if not _bound_between(name, places[0], places[-1], statements)
    }
    read_when_run = {
        name for cell in facts.cells for f in cell.functions for name in f.globals_read
    } | {name for cell in facts.cells for k in cell.classes for name in k.globals_read}
    read_when_run |= _read_later(cells)
    taken = {n for c in facts.cells for n in (*c.defines, *c.reads)}
    edits: dict[int, list[Edit]] = {}
    warnings = []
    for name, place in sorted(saved.items()):
        later = [(p, s) for p, s in statements if p > place]
        renames = _renames(name, later, taken)
        if renames is None or name in read_when_run:
            continue
        current = {name: name}
        for here, statement in later:
            found = global_reference_edits(statement, current)
            if here in renames:
                new = renames[here]
                found += [
                    (node.lineno, node.col_offset, node.end_col_offset or 0, new)
                    for node in ast.walk(statement)
                    if isinstance(node, ast.Name)
                    and isinstance(node.ctx, ast.Store)
                    and node.id == name
                ]
                current[name] = new
            if found:
                edits.setdefault(here.cell, []).extend(found)
        listed = ", ".join(f"`{new}` (cell {p.cell + 1})" for p, new in renames.items())
        warnings.append(
            Warning(
                place.cell,
                f"`{name}` is saved to a file here and bound again later: the package "
                f"saves the model the notebook saved, and names the later values "
                f"{listed}",
            )
        )
    edited = edited_notebook(notebook, cells, edits) if edits else None
    return Rewritten(edited, tuple(warnings)) if edited is not None else None


def _bound_between(
    name: str, first: _Place, last: _Place, statements: list[tuple[_Place, ast.stmt]]
) -> bool:
    """Whether `name` is bound between two saves: the notebook saved several models
    under it (a checkpoint per experiment, as a textbook chapter does), none of
    which is the one it deployed."""
    return any(
        first < place < last
        and (_stores(statement, name) or _binds_otherwise(statement, name))
        for place, statement in statements
    )


def _read_later(cells: dict[int, ParsedCell]) -> set[str]:
    """Names a lambda or a generator expression reads: when it runs, not where it is
    written (`preds = (lr.predict(x) for x in rows)` reads `lr` when consumed)."""
    found: set[str] = set()
    for item in cells.values():
        for node in ast.walk(item.tree) if item.tree is not None else ():
            if isinstance(node, ast.Lambda | ast.GeneratorExp):
                found |= {
                    inner.id
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load)
                }
    return found


def _renames(
    name: str, later: list[tuple[_Place, ast.stmt]], taken: set[str]
) -> dict[_Place, str] | None:
    """The new name of each later top-level binding of `name`, or None when a binding
    cannot be renamed as a whole (or every one loads the saved model again)."""
    renames: dict[_Place, str] = {}
    loads_only = True
    for place, statement in later:
        targets = (
            [n for t in statement.targets for n in ast.walk(t)]
            if isinstance(statement, ast.Assign)
            else []
        )
        elsewhere = [n for n in _stores(statement, name) if n not in targets]
        if _binds_otherwise(statement, name) or elsewhere:
            return None  # in a loop, a block, a comprehension, `del`: left alone
        if not isinstance(statement, ast.Assign) or not _assigns(statement, name):
            continue
        loads_only = loads_only and _loads(statement.value)
        new = unique(
            f"{name}_{_kind(statement.value) or f'cell{place.cell + 1}'}", taken
        )
        taken.add(new)
        renames[place] = new
    return None if not renames or loads_only else renames


def _stores(statement: ast.stmt, name: str) -> list[ast.AST]:
    """The places `statement` binds or deletes `name` in the notebook's scope or a
    comprehension's (the functions and classes it defines have their own)."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(ast.iter_child_nodes(statement))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.ClassDef):
            continue
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Store | ast.Del)
            and node.id == name
        ):
            found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _assigns(statement: ast.Assign, name: str) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id == name
        for target in statement.targets
        for node in ast.walk(target)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    )


def _binds_otherwise(statement: ast.stmt, name: str) -> bool:
    """`name` bound by something a rename of its targets does not cover: an import,
    a definition, `global`, `+=`, or an assignment expression."""
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return any(
            (alias.asname or alias.name).split(".")[0] == name
            for alias in statement.names
        )
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return statement.name == name
    if isinstance(statement, ast.Global):
        return name in statement.names
    if isinstance(statement, ast.AugAssign | ast.AnnAssign):
        return isinstance(statement.target, ast.Name) and statement.target.id == name
    return any(
        isinstance(node, ast.NamedExpr) and node.target.id == name
        for node in ast.walk(statement)
    )


def _loads(value: ast.expr) -> bool:
    """`pickle.load(f_in)`, `joblib.load(path)`, `keras.models.load_model(path)`."""
    return isinstance(value, ast.Call) and bool(
        _LOADING.search(dotted(value.func) or "")
    )


def _kind(value: ast.expr) -> str | None:
    """`lasso` for `Lasso(0.01)` and `Lasso(0.01).fit(X, y)`: the class it builds."""
    call = value
    while (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Call)
    ):
        call = call.func.value
    if not isinstance(call, ast.Call):
        return None
    last = (dotted(call.func) or "").rsplit(".", 1)[-1]
    if not last[:1].isupper():
        return None
    return snake_case(last, "") or None
