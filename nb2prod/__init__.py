"""nb2prod: turn exploratory Jupyter notebooks into production Python packages.

The public API is re-exported here lazily, so that `import nb2prod` (and with it
`nb2prod --version`) does not pay for libcst, nbformat or rich.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from nb2prod._version import __version__

if TYPE_CHECKING:
    from nb2prod.errors import Nb2ProdError
    from nb2prod.inspection import Inspection, inspect_notebook
    from nb2prod.magics import (
        IPythonSyntax,
        TranslatedCell,
        restore_source,
        translate_cell,
    )
    from nb2prod.notebook import Cell, CellKind, Notebook, read_notebook
    from nb2prod.parsing import ParsedCell, SyntaxProblem, parse_cell, parse_notebook

_EXPORTS = {
    "Cell": "nb2prod.notebook",
    "CellKind": "nb2prod.notebook",
    "Notebook": "nb2prod.notebook",
    "read_notebook": "nb2prod.notebook",
    "IPythonSyntax": "nb2prod.magics",
    "TranslatedCell": "nb2prod.magics",
    "translate_cell": "nb2prod.magics",
    "restore_source": "nb2prod.magics",
    "ParsedCell": "nb2prod.parsing",
    "SyntaxProblem": "nb2prod.parsing",
    "parse_cell": "nb2prod.parsing",
    "parse_notebook": "nb2prod.parsing",
    "Inspection": "nb2prod.inspection",
    "inspect_notebook": "nb2prod.inspection",
    "Nb2ProdError": "nb2prod.errors",
}

__all__ = [
    "Cell",
    "CellKind",
    "IPythonSyntax",
    "Inspection",
    "Nb2ProdError",
    "Notebook",
    "ParsedCell",
    "SyntaxProblem",
    "TranslatedCell",
    "__version__",
    "inspect_notebook",
    "parse_cell",
    "parse_notebook",
    "read_notebook",
    "restore_source",
    "translate_cell",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nb2prod' has no attribute {name!r}")
    return getattr(import_module(module), name)
