"""What `nb2prod inspect` shows: the notebook model, each code cell's parse and facts.

Pure: takes a `Notebook`, returns an `Inspection`; reporters turn it into text or JSON,
passing every text through `Inspection.redact`, so that no secret is shown.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from nb2prod.analysis import NotebookFacts, analyze_parsed
from nb2prod.analysis.facts import CellFacts, CellFlow
from nb2prod.analysis.secret_places import notebook_redactor
from nb2prod.analysis.secrets import Redactor
from nb2prod.reading.notebook import Cell, CellKind, Notebook
from nb2prod.reading.parsing import ParsedCell, SyntaxProblem, parse_cell


class CellInspection(NamedTuple):
    """One cell, with its parse, facts and flow when it is a code cell."""

    cell: Cell
    parsed: ParsedCell | None
    facts: CellFacts | None = None
    flow: CellFlow | None = None


class Inspection(NamedTuple):
    """A notebook and what parsing learned about every code cell."""

    notebook: Notebook
    cells: tuple[CellInspection, ...]
    facts: NotebookFacts
    redact: Redactor = Redactor()  # reporters pass every text they show through it

    @property
    def problems(self) -> tuple[SyntaxProblem, ...]:
        """The code cells that are not Python, in document order."""
        return tuple(
            item.parsed.problem
            for item in self.cells
            if item.parsed is not None and item.parsed.problem is not None
        )

    def syntax_counts(self) -> dict[str, int]:
        """How many pieces of IPython syntax of each kind, sorted by kind."""
        counts = Counter(
            fact.kind.value
            for item in self.cells
            if item.parsed is not None
            for fact in item.parsed.translation.syntax
        )
        return dict(sorted(counts.items()))

    def kind_counts(self) -> dict[str, int]:
        """How many cells of each kind (code, markdown, raw)."""
        counts = Counter(item.cell.kind.value for item in self.cells)
        return {kind.value: counts.get(kind.value, 0) for kind in CellKind}


def inspect_notebook(notebook: Notebook) -> Inspection:
    """Parse and analyse every code cell of `notebook` and collect the results."""
    parsed = {cell.index: parse_cell(cell) for cell in notebook.code_cells}
    facts = analyze_parsed(notebook.path, tuple(parsed.values()))
    cell_facts = {item.index: item for item in facts.cells}
    flows = {flow.index: flow for flow in facts.dataflow.cells}
    return Inspection(
        notebook=notebook,
        cells=tuple(
            CellInspection(
                cell,
                parsed.get(cell.index),
                cell_facts.get(cell.index),
                flows.get(cell.index),
            )
            for cell in notebook.cells
        ),
        facts=facts,
        redact=notebook_redactor(notebook.cells, facts.cells),
    )
