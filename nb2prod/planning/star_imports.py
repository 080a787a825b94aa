"""`from module import *`, resolved to the names the notebook uses from it.

The module is imported to list its public names only when that is safe: a standard
library module or an installed distribution (never code beside the notebook, which
importing would run). When the module cannot be listed (not installed here) and it
is the notebook's only such star import, the names the notebook reads and no cell
defines must come from it: they are imported by name, and reported. Otherwise the
star import is kept, and reported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.plan import RecordedEnvironment, StarImport, Warning


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
        used = None if names is None else tuple(sorted(wanted & names))
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
