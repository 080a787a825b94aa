"""What `nb2prod inspect` shows: the notebook model and each code cell's parse, as data.

Pure: takes a `Notebook`, returns an `Inspection`; reporters turn it into text or JSON.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from nb2prod.notebook import Cell, CellKind, Notebook
from nb2prod.parsing import ParsedCell, SyntaxProblem, parse_cell


@dataclass(frozen=True)
class CellInspection:
    """One cell, with its parse when it is a code cell."""

    cell: Cell
    parsed: ParsedCell | None


@dataclass(frozen=True)
class Inspection:
    """A notebook and what parsing learned about every code cell."""

    notebook: Notebook
    cells: tuple[CellInspection, ...]

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
    """Parse every code cell of `notebook` and collect the results."""
    return Inspection(
        notebook=notebook,
        cells=tuple(
            CellInspection(
                cell, parse_cell(cell) if cell.kind is CellKind.CODE else None
            )
            for cell in notebook.cells
        ),
    )
