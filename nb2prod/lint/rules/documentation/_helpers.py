"""Shared by the documentation rules: the notebook's file name, and what markdown
cells hold (headings, prose)."""

from __future__ import annotations

import re
from pathlib import PurePath

from nb2prod.reading.notebook import Cell, CellKind, Notebook

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)", re.MULTILINE)
_SETEXT = re.compile(r"^[^\n]*\S[^\n]*\n {0,3}(=+|-+)[ \t]*$", re.MULTILINE)
_HTML = re.compile(r"<h([1-6])\b", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1", re.MULTILINE | re.DOTALL)
_MARKUP = re.compile(r"<[^>]+>|!\[[^\]]*\]\([^)]*\)|[#*_>`|=\-\s]")


def file_stem(path: str) -> str:
    """The notebook's name without folders and without `.ipynb`."""
    name = PurePath(path).name
    return name[: -len(".ipynb")] if name.lower().endswith(".ipynb") else name


def heading_levels(cell: Cell) -> set[int]:
    """Levels of the headings in a markdown cell (`#`, underlined, or `<h1>`)."""
    if cell.kind is not CellKind.MARKDOWN:
        return set()
    text = _FENCE.sub("", cell.source)
    levels = {len(match.group(1)) for match in _ATX.finditer(text)}
    levels |= {1 if m.group(1)[0] == "=" else 2 for m in _SETEXT.finditer(text)}
    levels |= {int(match.group(1)) for match in _HTML.finditer(text)}
    return levels


def has_prose(cell: Cell) -> bool:
    """A markdown cell with text beyond headings, images and markup."""
    if cell.kind is not CellKind.MARKDOWN:
        return False
    lines = [
        line
        for line in _FENCE.sub("", cell.source).splitlines()
        if not _ATX.match(line) and not _HTML.match(line.strip())
    ]
    words = re.findall(r"[^\W\d_]{2,}", _MARKUP.sub(" ", "\n".join(lines)))
    return len(words) >= 3


def non_blank(notebook: Notebook) -> list[Cell]:
    """Cells with any non-whitespace source, in document order."""
    return [cell for cell in notebook.cells if cell.source.strip()]
