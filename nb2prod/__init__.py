"""nb2prod: turn exploratory Jupyter notebooks into production Python packages.

The public API is re-exported here lazily, so that `import nb2prod` (and with it
`nb2prod --version`) does not pay for libcst, nbformat or rich:

    import nb2prod
    from pathlib import Path

    notebook = nb2prod.read_notebook("analysis.ipynb")
    for finding in nb2prod.lint_notebook(notebook):
        print(finding.code, finding.message)
    result = nb2prod.convert_notebook(notebook)        # result.plan, result.package
    nb2prod.write_package(result.package, Path("analysis_pkg"))
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from nb2prod._version import __version__

if TYPE_CHECKING:
    from nb2prod.convert import ConvertResult, convert_notebook
    from nb2prod.emit.package import render_package
    from nb2prod.errors import Nb2ProdError
    from nb2prod.inspection import Inspection, inspect_notebook
    from nb2prod.lint.engine import lint_notebook
    from nb2prod.lint.rule import Finding
    from nb2prod.planning.plan import Plan
    from nb2prod.reading.magics import (
        IPythonSyntax,
        TranslatedCell,
        restore_source,
        translate_cell,
    )
    from nb2prod.reading.notebook import Cell, CellKind, Notebook, read_notebook
    from nb2prod.reading.parsing import (
        ParsedCell,
        SyntaxProblem,
        parse_cell,
        parse_notebook,
    )
    from nb2prod.reporters.plan_report import plan_from_json, render_plan_json
    from nb2prod.writer import write_package

_EXPORTS = {
    "Cell": "nb2prod.reading.notebook",
    "CellKind": "nb2prod.reading.notebook",
    "Notebook": "nb2prod.reading.notebook",
    "read_notebook": "nb2prod.reading.notebook",
    "IPythonSyntax": "nb2prod.reading.magics",
    "TranslatedCell": "nb2prod.reading.magics",
    "translate_cell": "nb2prod.reading.magics",
    "restore_source": "nb2prod.reading.magics",
    "ParsedCell": "nb2prod.reading.parsing",
    "SyntaxProblem": "nb2prod.reading.parsing",
    "parse_cell": "nb2prod.reading.parsing",
    "parse_notebook": "nb2prod.reading.parsing",
    "Inspection": "nb2prod.inspection",
    "inspect_notebook": "nb2prod.inspection",
    "Nb2ProdError": "nb2prod.errors",
    "convert_notebook": "nb2prod.convert",
    "ConvertResult": "nb2prod.convert",
    "Plan": "nb2prod.planning.plan",
    "render_plan_json": "nb2prod.reporters.plan_report",
    "plan_from_json": "nb2prod.reporters.plan_report",
    "render_package": "nb2prod.emit.package",
    "write_package": "nb2prod.writer",
    "lint_notebook": "nb2prod.lint.engine",
    "Finding": "nb2prod.lint.rule",
}

__all__ = [
    "Cell",
    "CellKind",
    "ConvertResult",
    "Finding",
    "IPythonSyntax",
    "Inspection",
    "Nb2ProdError",
    "Notebook",
    "ParsedCell",
    "Plan",
    "SyntaxProblem",
    "TranslatedCell",
    "__version__",
    "convert_notebook",
    "inspect_notebook",
    "lint_notebook",
    "parse_cell",
    "parse_notebook",
    "plan_from_json",
    "read_notebook",
    "render_package",
    "render_plan_json",
    "restore_source",
    "translate_cell",
    "write_package",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nb2prod' has no attribute {name!r}")
    return getattr(import_module(module), name)
