"""`from module import *`, resolved to the names the notebook uses from it.

The module is imported to list its public names only when that is safe: a standard
library module or an installed distribution (never code beside the notebook, which
importing would run). When the module cannot be listed (not installed here) and it
is the notebook's only such star import, the names the notebook reads and no cell
defines must come from it: they are imported by name, and reported. Otherwise the
star import is kept, and reported.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from pathlib import Path

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.cell_rewrites import (
    edited_source,
    global_reference_edits,
    with_sources,
)
from nb2prod.planning.naming import unique
from nb2prod.planning.plan import RecordedEnvironment, StarImport, Warning
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell


def resolve_star_imports(
    facts: NotebookFacts, recorded: RecordedEnvironment | None = None
) -> tuple[StarImport, ...]:
    """Each star import with the names the notebook takes from it (None: unresolved);
    a module a package `recorded` is not looked up here."""
    listed = dict(recorded.star_imports) if recorded is not None else {}
    wanted = {
        provider.name
        for flow in facts.dataflow.cells
        for provider in flow.providers
        if provider.cell is None
    } | _read_inside_definitions(facts)
    found = []
    modules = dict.fromkeys(m for cell in facts.cells for m in cell.star_imports)
    for module in modules:
        names = frozenset(listed[module]) if module in listed else public_names(module)
        shadowed = _shadowed_builtins(facts, module)
        used = None if names is None else tuple(sorted((wanted | shadowed) & names))
        found.append(StarImport(module, used))
        if names is not None:
            wanted -= names
    unresolved = [i for i, star in enumerate(found) if star.names is None]
    if len(unresolved) == 1 and wanted:
        # The only module that can provide the names no cell defines: they are its.
        found[unresolved[0]] = StarImport(
            found[unresolved[0]].module, tuple(sorted(wanted)), inferred=True
        )
    return tuple(found)


def separate_shadowed_builtins(
    notebook: Notebook, parsed: tuple[ParsedCell, ...], facts: NotebookFacts
) -> Notebook | None:
    """The notebook with a builtin that a star import shadows, read both before and
    after it, given its own name after it: `sum(...)` before `from numpy import *` is
    the builtin, after it numpy's, and an import at the top of a module cannot be both.
    After the star import comes `from numpy import sum as numpy_sum`, and the reads
    after it call `numpy_sum`. None when no builtin is read on both sides."""
    by_index = {item.cell.index: item for item in parsed}
    taken = {n for cell in facts.cells for n in (*cell.defines, *cell.reads)}
    renames: dict[int, dict[str, str]] = {}  # first cell -> builtin -> new name
    inserts: dict[int, list[tuple[int, int, str]]] = {}
    for module in dict.fromkeys(m for cell in facts.cells for m in cell.star_imports):
        first = min(cell.index for cell in facts.cells if module in cell.star_imports)
        before = {
            n for cell in facts.cells if cell.index < first for n in cell.builtins_read
        }
        after = {
            n for cell in facts.cells if cell.index >= first for n in cell.builtins_read
        }
        if not before & after:
            continue
        names = public_names(module) or frozenset()
        both = sorted(before & after & names)
        star = _star_statement(by_index[first], module)
        if not both or star is None:
            continue
        prefix = module.split(".")[0]
        for name in both:
            alias = unique(f"{prefix}_{name}", taken)
            taken.add(alias)
            renames.setdefault(first, {})[name] = alias
            inserts.setdefault(first, []).append(
                (
                    star.end_lineno or star.lineno,
                    star.col_offset,
                    f"from {module} import {name} as {alias}",
                )
            )
    if not renames:
        return None
    sources: dict[int, str] = {}
    current: dict[str, str] = {}
    for item in parsed:
        index = item.cell.index
        star_line = min((line for line, _, _ in inserts.get(index, ())), default=0)
        edits: list[tuple[int, int, int, str]] = []
        for statement in item.tree.body if item.tree is not None else []:
            if statement.lineno > star_line and index in renames:
                current.update(renames.pop(index))
            edits += global_reference_edits(statement, current)
        current.update(renames.pop(index, {}))  # a star import ending its cell
        for line, column, text in inserts.get(index, ()):
            end = len(item.translation.python.split("\n")[line - 1].encode("utf-8"))
            edits.append((line, end, end, "\n" + " " * column + text))
        if edits:
            source = edited_source(item, edits)
            if source is None:
                return None  # all or nothing: a half-renamed notebook would not run
            sources[index] = source
    return with_sources(notebook, sources)


def _star_statement(item: ParsedCell, module: str) -> ast.ImportFrom | None:
    for node in ast.walk(item.tree) if item.tree is not None else ():
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == module
            and not node.level
            and any(alias.name == "*" for alias in node.names)
        ):
            return node
    return None


def _shadowed_builtins(facts: NotebookFacts, module: str) -> set[str]:
    """Builtins read only after `from module import *`: with `from numpy import *`
    (or pylab's), `sum(...)` and `round(...)` are numpy's, so the package imports them
    too. A builtin also read before the star import stays the builtin (an import at the
    top of a module cannot be both)."""
    first = min(cell.index for cell in facts.cells if module in cell.star_imports)
    after = {
        n for cell in facts.cells if cell.index >= first for n in cell.builtins_read
    }
    before = {
        n for cell in facts.cells if cell.index < first for n in cell.builtins_read
    }
    return after - before


def _read_inside_definitions(facts: NotebookFacts) -> set[str]:
    """Names functions and class methods read that nothing in the notebook binds
    (`re`, `listify` from `from exp.nb_05 import *`): a star import must provide them,
    though no cell reads them at the top level."""
    bound = {name for cell in facts.cells for name in cell.defines}
    bound |= {i.bound for cell in facts.cells for i in cell.imports if i.bound}
    bound |= {f.name for cell in facts.cells for f in cell.functions}
    bound |= {k.name for cell in facts.cells for k in cell.classes}
    read = {n for cell in facts.cells for f in cell.functions for n in f.globals_read}
    read |= {n for cell in facts.cells for k in cell.classes for n in k.globals_read}
    return read - bound


def star_warnings(stars: tuple[StarImport, ...], facts: NotebookFacts) -> list[Warning]:
    """What the package does with each star import it could not list."""
    first: dict[str, int] = {}
    for cell in facts.cells:
        for module in cell.star_imports:
            first.setdefault(module, cell.index)
    warnings = []
    for star in stars:
        if star.inferred:
            message = (
                f"`from {star.module} import *`: the module is not installed here; "
                f"the names the notebook uses from it were inferred: "
                f"{', '.join(star.names or ())}"
            )
        elif star.names is None:
            message = (
                f"`from {star.module} import *` is kept: the module is not installed "
                "here, so its names cannot be listed"
            )
        else:
            continue
        warnings.append(Warning(first.get(star.module), message))
    return warnings


def public_names(module: str) -> frozenset[str] | None:
    """The names `from module import *` binds, when importing it is safe; else None."""
    top = module.split(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    origin = getattr(spec, "origin", None)
    if spec is None or origin is None:
        return None
    parts = Path(origin).parts
    installed = "site-packages" in parts or "dist-packages" in parts
    if top not in sys.stdlib_module_names and not installed:
        return None
    try:
        loaded = importlib.import_module(module)
    except Exception:
        return None
    names = getattr(loaded, "__all__", None)
    if names is None:
        names = [name for name in dir(loaded) if not name.startswith("_")]
    return frozenset(name for name in names if isinstance(name, str))
