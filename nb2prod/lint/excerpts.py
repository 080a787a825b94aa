"""The source lines a finding is shown with, secrets redacted.

Made where the findings are made, with the redactor that knows every secret value of
the notebook, those its code binds in other cells included (`password = "..."` in one
cell, printed in another: the excerpt of the second shows no password), and cached
with the findings: a cached run shows its excerpts without reading the notebooks
again. They hold what the text report prints, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from nb2prod.lint.rule import Finding
from nb2prod.reading.notebook import Notebook


class Excerpt(NamedTuple):
    """The lines under a finding at `line` of `cell`: the flagged line with one line of
    context on each side (line numbers from 1, within the cell)."""

    path: str
    cell: int
    line: int  # the finding's line: with path and cell, what the excerpt is for
    first: int  # the number of the first line shown
    flagged: int  # the number of the flagged line (the finding's, within the cell)
    lines: tuple[str, ...]


def excerpts_for(
    findings: Sequence[Finding], notebook: Notebook, redact: Callable[[str], str]
) -> tuple[Excerpt, ...]:
    """One excerpt per (cell, line) the findings point at, in the redacted source."""
    sources: dict[int, list[str]] = {}  # each flagged cell redacted and split once
    excerpts: dict[tuple[int, int], Excerpt] = {}
    for finding in findings:
        cell, line = finding.cell, finding.line
        if cell is None or (cell, line) in excerpts:
            continue
        if cell not in sources:
            sources[cell] = redact(notebook.cells[cell].source).splitlines() or [""]
        lines = sources[cell]
        index = min(max(line - 1, 0), len(lines) - 1)
        start, end = max(index - 1, 0), min(index + 2, len(lines))
        excerpts[cell, line] = Excerpt(
            finding.path, cell, line, start + 1, index + 1, tuple(lines[start:end])
        )
    return tuple(excerpts.values())
