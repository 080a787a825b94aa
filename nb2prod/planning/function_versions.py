"""Functions a notebook redefines: each version kept, each call reaching its own.

Notebooks grow a function by redefining it (`prepare_X` in cell 12, a better one in
cell 20); the cells in between call the first version. A module can hold only one
function of a name, so before planning every earlier version whose code differs from
the last is renamed after the cell that defined it (`prepare_X_cell12`), and each
reference gets the version defined most recently before it: in a step, where the
statement runs; in a function body, where that function was defined. A function
that shares its name with an import or a variable (`preprocess_input` from keras,
then a `def` of its own; `model` an estimator, then a `def model(x)`) is renamed too,
so that each cell keeps the meaning the name had there.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from nb2prod.planning.cell_rewrites import edited_source, global_reference_edits
from nb2prod.planning.naming import unique
from nb2prod.planning.plan import Warning
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SCOPES = (
    *_DEFINITIONS,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


class Versions(NamedTuple):
    """The rewritten notebook and, per function, the names of its earlier versions."""

    notebook: Notebook
    renamed: dict[str, tuple[tuple[int, str], ...]]  # name -> ((cell, version), ...)
    shared: frozenset[str] = frozenset()  # names also bound by an import or variable


def version_functions(
    notebook: Notebook, parsed: tuple[ParsedCell, ...]
) -> Versions | None:
    """The notebook with earlier versions of redefined functions renamed, or None."""
    names, shared = _version_names(parsed)
    if not names:
        return None
    current: dict[str, str] = {}
    sources: dict[int, str] = {}
    for item in parsed:
        if item.tree is None:
            continue
        edits: list[tuple[int, int, int, str]] = []
        for statement in item.tree.body:
            if isinstance(statement, _DEFINITIONS):
                key = (item.cell.index, statement.lineno)
                if statement.name in names and key in names[statement.name]:
                    current[statement.name] = names[statement.name][key]
                    if current[statement.name] != statement.name:
                        edits.append(_def_name_edit(item, statement, current))
            edits += global_reference_edits(statement, current)
            if not isinstance(statement, _DEFINITIONS):
                for bound in _module_bindings(statement):
                    current.pop(bound, None)  # the name means that value again
        if edits:
            source = edited_source(item, edits)
            if source is None:
                return None  # all or nothing: a half-renamed notebook would not run
            sources[item.cell.index] = source
    if not sources:
        return None
    cells = tuple(
        cell._replace(source=sources[cell.index]) if cell.index in sources else cell
        for cell in notebook.cells
    )
    renamed = {
        name: tuple(
            (cell, version)
            for (cell, _), version in versions.items()
            if version != name
        )
        for name, versions in names.items()
    }
    return Versions(notebook._replace(cells=cells), renamed, frozenset(shared))


def version_warnings(versions: Versions) -> tuple[Warning, ...]:
    """One warning per renamed function, naming its versions in the package."""
    warnings = []
    for name, renamed in sorted(versions.renamed.items()):
        listed = ", ".join(f"`{version}`" for _, version in renamed)
        if not renamed:
            continue
        if name in versions.shared:
            message = (
                f"`{name}` also names an import or a variable; the function "
                f"defined in the notebook is {listed} in the package"
            )
        else:
            message = (
                f"`{name}` is defined in several cells with different code; the "
                f"cells before its last definition call the version they saw: {listed}"
            )
        warnings.append(Warning(renamed[0][0], message))
    return tuple(warnings)


def _version_names(
    parsed: tuple[ParsedCell, ...],
) -> tuple[dict[str, dict[tuple[int, int], str]], set[str]]:
    """name -> {(cell, line): version name} for names defined with different code or
    also bound by something else; and the latter names."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    rebound: set[str] = set()  # bound by something else than a def: import, variable
    for item in parsed:
        for statement in item.tree.body if item.tree is not None else ():
            if not isinstance(statement, _DEFINITIONS):
                rebound |= _module_bindings(statement)
            if isinstance(statement, _DEFINITIONS):
                code = ast.dump(statement, include_attributes=False)
                found.setdefault(statement.name, []).append(
                    (item.cell.index, statement.lineno, code)
                )
    taken = {name for name in found}
    names: dict[str, dict[tuple[int, int], str]] = {}
    shared_names: set[str] = set()
    for name, definitions in found.items():
        last = definitions[-1][2]
        shared = name in rebound  # `from keras... import f` or `f = ...`, and `def f`
        if not shared and all(code == last for _, _, code in definitions):
            continue
        if shared:
            shared_names.add(name)
        versions: dict[tuple[int, int], str] = {}
        for cell, line, code in definitions:
            version = name
            if code != last or shared:
                version = unique(f"{name}_cell{cell + 1}", taken)
            versions[(cell, line)] = version
        names[name] = versions
    return names, shared_names


def _module_bindings(statement: ast.stmt) -> set[str]:
    """Names the statement binds at notebook scope (imports, assignment, loop and
    `with` targets), not the locals of functions or comprehensions inside it."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {
            (alias.asname or alias.name).split(".")[0]
            for alias in statement.names
            if alias.name != "*"
        }
    names: set[str] = set()
    pending: list[ast.AST] = [statement]
    while pending:
        node = pending.pop()
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        pending.extend(ast.iter_child_nodes(node))
    return names


def _def_name_edit(
    item: ParsedCell, statement: ast.AST, current: dict[str, str]
) -> tuple[int, int, int, str]:
    """The position of the name after `def`/`class` on its line, and the new name."""
    assert isinstance(statement, _DEFINITIONS)
    line = statement.lineno  # the `def` line, after any decorators
    text = item.translation.python.split("\n")[line - 1].encode("utf-8")
    keyword = b"class " if isinstance(statement, ast.ClassDef) else b"def "
    start = text.find(keyword) + len(keyword)
    while text[start : start + 1] in (b" ", b"\t"):
        start += 1
    return line, start, start + len(statement.name.encode()), current[statement.name]
