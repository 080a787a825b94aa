"""Analysis: the facts `lint` and `convert` read about a notebook's code.

`analyze_notebook` parses every code cell, walks each once (`scopes.py`), classifies
what it found (`cells.py`, `calls.py`, `literals.py`, `secrets.py`) and follows names
across cells (`dataflow.py`). Pure: no I/O.
"""

from __future__ import annotations

from nb2prod.analysis.calls import CONVENTIONAL_ALIASES
from nb2prod.analysis.cells import aliases_of, cell_facts, scan
from nb2prod.analysis.dataflow import build_dataflow
from nb2prod.analysis.facts import CellFacts, NotebookFacts
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell, parse_notebook

__all__ = ["CellFacts", "NotebookFacts", "analyze_notebook", "analyze_parsed"]


def analyze_notebook(notebook: Notebook) -> NotebookFacts:
    """Parse and analyse every code cell of `notebook`."""
    return analyze_parsed(notebook.path, parse_notebook(notebook))


def analyze_parsed(path: str, parsed_cells: tuple[ParsedCell, ...]) -> NotebookFacts:
    """Analyse already parsed code cells (in document order)."""
    walks = [scan(parsed) for parsed in parsed_cells]
    imports = [
        fact for walked in walks if walked is not None for fact in walked.imports
    ]
    aliases = {**CONVENTIONAL_ALIASES, **aliases_of(imports)}
    cells = tuple(
        cell_facts(parsed, walked, aliases)
        for parsed, walked in zip(parsed_cells, walks, strict=True)
    )
    return NotebookFacts(
        path=path,
        cells=cells,
        dataflow=build_dataflow(cells),
        aliases=tuple(sorted(aliases.items())),
    )
