"""Suppression, handled once for every rule.

- In a cell: `# nb2prod: noqa` silences every rule for that cell, and
  `# nb2prod: noqa NB401, NB402` the listed codes (or prefixes such as `NB4`).
- A cell tag `nb2prod:noqa` or `nb2prod:noqa:NB401` does the same without touching code.
- Notebook metadata `{"nb2prod": {"ignore": ["NB101"]}}` silences codes for the notebook.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nb2prod.lint.rule import Finding
from nb2prod.notebook import Cell, CellKind, Notebook

_COMMENT = re.compile(r"#\s*nb2prod:\s*noqa\b:?([^#\n]*)", re.IGNORECASE)
_CODES = re.compile(r"NB\d{1,3}", re.IGNORECASE)
ALL = "ALL"


def suppressed_codes(cell: Cell) -> frozenset[str]:
    """Codes (or prefixes, or ALL) a cell's comments and tags silence."""
    codes: set[str] = set()
    if cell.kind is CellKind.CODE:
        for match in _COMMENT.finditer(cell.source):
            listed = _CODES.findall(match.group(1))
            codes |= {code.upper() for code in listed} if listed else {ALL}
    for tag in cell.tags:
        lowered = tag.lower().replace(" ", "")
        if lowered == "nb2prod:noqa":
            codes.add(ALL)
        elif lowered.startswith("nb2prod:noqa:"):
            codes |= {code.upper() for code in _CODES.findall(tag)}
    return frozenset(codes)


def is_silenced(code: str, codes: Iterable[str]) -> bool:
    return any(entry == ALL or code.startswith(entry) for entry in codes)


def without_suppressed(findings: list[Finding], notebook: Notebook) -> list[Finding]:
    """Drop findings silenced in their cell or for the whole notebook."""
    per_cell = {cell.index: suppressed_codes(cell) for cell in notebook.cells}
    notebook_wide = notebook.ignore_codes
    return [
        finding
        for finding in findings
        if not is_silenced(finding.code, notebook_wide)
        and not (
            finding.cell is not None
            and is_silenced(finding.code, per_cell[finding.cell])
        )
    ]
