"""`nb2prod inspect --format json`: the documented, versioned inspection schema.

The schema lives in `nb2prod/schemas/inspect.schema.json` and is described in
`docs/inspect-json.md`. Add fields freely; bump `SCHEMA_VERSION` (the `schema` field) only when a field
changes meaning or disappears.
"""

from __future__ import annotations

import json
from typing import Any

from nb2prod._version import __version__
from nb2prod.analysis.facts import CellFacts, CellFlow, Dataflow, SecretFact
from nb2prod.analysis.secret_places import output_secrets
from nb2prod.analysis.secrets import Redactor
from nb2prod.inspection import CellInspection, Inspection
from nb2prod.plain import plain
from nb2prod.reading.magics import IPythonSyntax
from nb2prod.reading.parsing import SyntaxProblem

SCHEMA_VERSION = 1


def render_inspection_json(inspection: Inspection) -> str:
    """The inspection as pretty-printed JSON text (UTF-8, keys in schema order)."""
    return (
        json.dumps(inspection_document(inspection), indent=2, ensure_ascii=False) + "\n"
    )


def inspection_document(inspection: Inspection) -> dict[str, Any]:
    """The inspection as a JSON-ready dict, every text without the notebook's secrets
    (a literal's value, a magic's arguments, a print's source...)."""
    return _redacted(_document(inspection), inspection.redact)


def _redacted(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item, redact) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item, redact) for item in value]
    return value


def _document(inspection: Inspection) -> dict[str, Any]:
    notebook = inspection.notebook
    code = [item.parsed for item in inspection.cells if item.parsed is not None]
    return {
        "schema": SCHEMA_VERSION,
        "tool": {"name": "nb2prod", "version": __version__},
        "notebook": notebook.path,
        "metadata": {
            "nbformat": f"{notebook.nbformat}.{notebook.nbformat_minor}",
            "upgraded_from": notebook.upgraded_from,
            "kernel": {
                "name": notebook.kernel.name,
                "display_name": notebook.kernel.display_name,
                "language": notebook.kernel.language,
            },
            "python_version": notebook.python_version,
            "title": notebook.title,
        },
        "summary": {
            "cells": len(inspection.cells),
            "cells_by_kind": inspection.kind_counts(),
            "code_cells_parsed": sum(parsed.parsed for parsed in code),
            "problems": len(inspection.problems),
            "ipython_syntax": inspection.syntax_counts(),
        },
        "cells": [_cell(item) for item in inspection.cells],
        "dataflow": _dataflow(inspection.facts.dataflow),
    }


def _cell(item: CellInspection) -> dict[str, Any]:
    cell = item.cell
    document: dict[str, Any] = {
        "index": cell.index,
        "id": cell.id,
        "kind": cell.kind.value,
        "original_type": cell.original_type,
        "execution_count": cell.execution_count,
        "lines": cell.line_count,
        "tags": list(cell.tags),
        "outputs": [output.output_type for output in cell.outputs],
        "parse": None,
        "ipython_syntax": [],
        "problems": [],
    }
    if item.parsed is not None:
        problem = item.parsed.problem
        document["parse"] = {
            "status": "ok" if problem is None else "error",
            "error": None if problem is None else _problem(problem),
        }
        document["ipython_syntax"] = [
            _syntax(fact) for fact in item.parsed.translation.syntax
        ]
        document["problems"] = [] if problem is None else [_problem(problem)]
    if item.facts is not None and item.flow is not None:
        document.update(_facts(item.facts, item.flow))
        document["secrets"] += [_secret(fact) for fact in output_secrets(cell)]
    return document


def _syntax(fact: IPythonSyntax) -> dict[str, Any]:
    return {
        "kind": fact.kind.value,
        "escape": fact.escape,
        "name": fact.name,
        "args": fact.args,
        "target": fact.target,
        "body_language": fact.body_language,
        "keeps_python": fact.keeps_python,
        "expansions": list(fact.expansions),
        "line": fact.span.line,
        "column": fact.span.column,
        "end_line": fact.span.end_line,
        "end_column": fact.span.end_column,
        "text": fact.text,
    }


def _problem(problem: SyntaxProblem) -> dict[str, Any]:
    return {
        "kind": "syntax",
        "line": problem.line,
        "column": problem.column,
        "message": problem.message,
    }


def _facts(facts: CellFacts, flow: CellFlow) -> dict[str, Any]:
    """The analyzer's facts about one code cell (lists of names are sorted)."""
    return {
        "defines": list(facts.defines),
        "reads": list(facts.reads),
        "mutates": list(facts.mutates),
        "deletes": list(facts.deletes),
        "calls": list(facts.calls),
        "functions": [_plain(function) for function in facts.functions],
        "classes": [_plain(klass) for klass in facts.classes],
        "imports": [_plain(fact) for fact in facts.imports],
        "star_imports": list(facts.star_imports),
        "prints": [_plain(fact) for fact in facts.prints],
        "display_expression": _plain(facts.display_expression),
        "plots": [_plain(fact) for fact in facts.plots],
        "randomness": [_plain(fact) for fact in facts.randomness],
        "io": [_plain(fact) for fact in facts.io],
        "literals": [_plain(fact) for fact in facts.literals],
        "secrets": [_secret(fact) for fact in facts.secrets],
        "needs": list(flow.needs),
        "providers": {provider.name: provider.cell for provider in flow.providers},
        "live_out": list(flow.live_out),
    }


def _secret(fact: SecretFact) -> dict[str, Any]:
    """A secret's place and preview; its value never leaves the facts."""
    document = _plain(fact)
    del document["value"]
    return document


def _dataflow(dataflow: Dataflow) -> dict[str, Any]:
    return {
        "undefined_before_use": [_plain(use) for use in dataflow.undefined_before_use],
        "never_defined": [_plain(use) for use in dataflow.never_defined],
        "defined_in_several_cells": [
            _plain(d) for d in dataflow.defined_in_several_cells
        ],
        "redefined_functions": [_plain(d) for d in dataflow.redefined_functions],
        "functions_reading_state": [
            _plain(r) for r in dataflow.functions_reading_state
        ],
    }


def _plain(fact: Any) -> Any:
    """A fact as JSON-ready data."""
    return plain(fact)
