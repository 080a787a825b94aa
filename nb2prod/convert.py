"""`convert`: notebook -> plan -> package, as a pure function over the model.

Reads nothing but the notebook given and writes nothing: `writer.py` writes.
"""

from __future__ import annotations

from typing import NamedTuple

from nb2prod.analysis import analyze_parsed
from nb2prod.analysis.facts import NotebookFacts
from nb2prod.errors import CellSyntaxError
from nb2prod.notebook import Notebook
from nb2prod.parsing import ParsedCell, parse_notebook
from nb2prod.planning.build import build_plan
from nb2prod.planning.plan import Plan


class ConvertResult(NamedTuple):
    """The plan of a conversion and the files it produced (relative path -> text)."""

    plan: Plan
    package: dict[str, str]


class Planned(NamedTuple):
    plan: Plan
    parsed: dict[int, ParsedCell]
    facts: NotebookFacts


def plan_notebook(notebook: Notebook, package: str | None = None) -> Planned:
    """The plan, the parsed cells by index and the facts; refuses cells that are not Python."""
    parsed = parse_notebook(notebook)
    for item in parsed:
        if item.problem is not None:
            problem = item.problem
            message = problem.message
            if message.startswith("Missing parentheses in call to 'print'"):
                message = (
                    "Python 2 code (`print` statement); convert it to Python 3 first"
                )
            raise CellSyntaxError(
                notebook.path,
                message,
                cell=problem.cell,
                line=problem.line,
                column=problem.column,
            )
    facts = analyze_parsed(notebook.path, parsed)
    plan = build_plan(notebook, parsed, facts, package)
    return Planned(plan, {item.cell.index: item for item in parsed}, facts)


def convert_notebook(notebook: Notebook, package: str | None = None) -> ConvertResult:
    """Plan the conversion of `notebook` and render every file of the package."""
    from nb2prod.emit.package import render_package

    planned = plan_notebook(notebook, package)
    return ConvertResult(planned.plan, render_package(*planned))
