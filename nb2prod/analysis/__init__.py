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
from nb2prod.analysis.scopes import CellScan
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell, parse_notebook

__all__ = ["CellFacts", "NotebookFacts", "Walks", "analyze_notebook", "analyze_parsed"]


def analyze_notebook(notebook: Notebook) -> NotebookFacts:
    """Parse and analyse every code cell of `notebook`."""
    return analyze_parsed(notebook.path, parse_notebook(notebook))


class Walks:
    """The walk of each parsed cell, kept for analysing the notebook again after a
    few of its cells changed (normalisation): an unchanged cell keeps its parse
    (`parse_notebook`'s `previous`), and so its walk. Walks are only read."""

    def __init__(self) -> None:
        self._done: dict[int, tuple[ParsedCell, CellScan | None]] = {}

    def of(self, parsed: ParsedCell) -> CellScan | None:
        kept = self._done.get(id(parsed))
        if kept is not None and kept[0] is parsed:
            return kept[1]
        walked = scan(parsed)
        self._done[id(parsed)] = (parsed, walked)  # holding `parsed`: its id stays
        return walked


def analyze_parsed(
    path: str, parsed_cells: tuple[ParsedCell, ...], walks: Walks | None = None
) -> NotebookFacts:
    """Analyse already parsed code cells (in document order), with the walks of
    cells analysed before taken from `walks`."""
    walk = walks.of if walks is not None else scan
    walked_cells = [walk(parsed) for parsed in parsed_cells]
    imports = [
        fact for walked in walked_cells if walked is not None for fact in walked.imports
    ]
    aliases = {**CONVENTIONAL_ALIASES, **aliases_of(imports)}
    cells = tuple(
        cell_facts(parsed, walked, aliases)
        for parsed, walked in zip(parsed_cells, walked_cells, strict=True)
    )
    return NotebookFacts(
        path=path,
        cells=cells,
        dataflow=build_dataflow(cells),
        aliases=tuple(sorted(aliases.items())),
    )
