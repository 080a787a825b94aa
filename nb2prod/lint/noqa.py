"""Suppression, handled once for every rule, after every rule has run.

- On a line: `# noqa`, `# noqa: NB401`, `# nb2prod: noqa` or `# nb2prod: noqa: NB401`
  at the end of a code line silences the findings on that line only (the spelling
  flake8 and ruff use). Codes may be listed with commas or spaces, and prefixes such
  as `NB4` work; codes of other tools (`# noqa: E501`) are left to them.
- For a cell: a comment line `# nb2prod: noqa-cell` (or `# nb2prod: noqa-cell: NB401`),
  or a cell tag `nb2prod:noqa` / `nb2prod:noqa:NB401`. A `# nb2prod: noqa` comment
  alone on its line still silences the cell, as it always has.
- For the notebook: metadata `{"nb2prod": {"ignore": ["NB101"]}}`.

Findings with no cell (a file name, an empty notebook) only metadata and settings
silence. A comment that silences nothing is reported by NB009.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from nb2prod.lint.rule import Finding
from nb2prod.reading.notebook import Cell, CellKind, Notebook

_DIRECTIVE = re.compile(
    r"#\s*(?P<ours>nb2prod:\s*)?noqa(?P<cell>-cell)?(?![\w-])\s*:?(?P<codes>[^#\n]*)",
    re.IGNORECASE,
)
_CODE_LIST = re.compile(r"\s*([A-Z]+\d+)(?:[\s,]+|$)", re.IGNORECASE)
_CODES = re.compile(r"NB\d{1,3}", re.IGNORECASE)
ALL = "ALL"
UNUSED_CODE = "NB009"  # reports unused directives: a bare one cannot hide that


class Directive(NamedTuple):
    """One suppression comment: where it is, what it silences, and how far."""

    cell: int
    line: int  # from 1, in the cell
    column: int  # of the `#`, from 0
    codes: frozenset[str]  # NB codes or prefixes; empty silences every rule
    cell_wide: bool
    # spelt with the `nb2prod:` prefix, not the generic form other tools read
    ours: bool

    def silences(self, finding: Finding) -> bool:
        if finding.cell != self.cell or not (
            self.cell_wide or finding.line == self.line
        ):
            return False
        if not self.codes:
            return finding.code != UNUSED_CODE
        return is_silenced(finding.code, self.codes)


def directives(cell: Cell) -> list[Directive]:
    """The suppression comments of a code cell, in order."""
    if cell.kind is not CellKind.CODE or "noqa" not in cell.source.lower():
        return []
    found = []
    for number, text in enumerate(cell.source.splitlines(), start=1):
        match = _DIRECTIVE.search(text)
        if match is None:
            continue
        listed = _listed_codes(match.group("codes"))
        if listed is None:  # only other tools' codes: not ours to honour
            continue
        alone = not text[: match.start()].strip()
        ours = match.group("ours") is not None
        cell_wide = match.group("cell") is not None or (ours and alone)
        found.append(
            Directive(cell.index, number, match.start(), listed, cell_wide, ours)
        )
    return found


def _listed_codes(text: str) -> frozenset[str] | None:
    """NB codes named after `noqa`; empty for a bare directive; None when it names only
    other tools' codes. Anything after the code list (a reason) is ignored."""
    words = []
    position = 0
    while match := _CODE_LIST.match(text, position):
        words.append(match.group(1).upper())
        position = match.end()
    ours = frozenset(word for word in words if _CODES.fullmatch(word))
    return None if words and not ours else ours


def tag_codes(cell: Cell) -> frozenset[str] | None:
    """Codes a cell's `nb2prod:noqa` tags silence (empty: all); None without such tags."""
    codes: set[str] = set()
    tagged = False
    for tag in cell.tags:
        lowered = tag.lower().replace(" ", "")
        if lowered == "nb2prod:noqa":
            return frozenset()
        if lowered.startswith("nb2prod:noqa:"):
            tagged = True
            codes |= {code.upper() for code in _CODES.findall(tag)}
    return frozenset(codes) if tagged else None


def is_silenced(code: str, codes: Iterable[str]) -> bool:
    return any(entry == ALL or code.startswith(entry) for entry in codes)


def notebook_directives(notebook: Notebook) -> list[Directive]:
    return [found for cell in notebook.cells for found in directives(cell)]


def without_suppressed(findings: list[Finding], notebook: Notebook) -> list[Finding]:
    """Drop findings silenced on their line, in their cell, or for the notebook."""
    comments = notebook_directives(notebook)
    tags = {cell.index: tag_codes(cell) for cell in notebook.cells}
    return [
        finding
        for finding in findings
        if not is_silenced(finding.code, notebook.ignore_codes)
        and not _tagged(finding, tags)
        and not any(directive.silences(finding) for directive in comments)
    ]


def _tagged(finding: Finding, tags: dict[int, frozenset[str] | None]) -> bool:
    codes = None if finding.cell is None else tags[finding.cell]
    return codes is not None and (not codes or is_silenced(finding.code, codes))


def unused(directive: Directive, findings: Iterable[Finding]) -> Iterator[str | None]:
    """The codes `directive` lists that silence none of `findings` (None stands for a
    bare directive that silences nothing)."""
    mine = [finding for finding in findings if directive.silences(finding)]
    if not directive.codes:
        if not mine:
            yield None
        return
    for code in sorted(directive.codes):
        if not any(finding.code.startswith(code) for finding in mine):
            yield code
