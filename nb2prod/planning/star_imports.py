"""`from module import *`, resolved to the names the notebook uses from it.

The module is imported to list its public names only when that is safe: a standard
library module or an installed distribution (never code beside the notebook, which
importing would run). Unresolved star imports are kept, and reported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.plan import StarImport


def resolve_star_imports(facts: NotebookFacts) -> tuple[StarImport, ...]:
    """Each star import with the names the notebook takes from it (None: unresolved)."""
    wanted = {
        provider.name
        for flow in facts.dataflow.cells
        for provider in flow.providers
        if provider.cell is None
    }
    found = []
    modules = dict.fromkeys(m for cell in facts.cells for m in cell.star_imports)
    for module in modules:
        names = public_names(module)
        used = None if names is None else tuple(sorted(wanted & names))
        found.append(StarImport(module, used))
        if names is not None:
            wanted -= names
    return tuple(found)


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
