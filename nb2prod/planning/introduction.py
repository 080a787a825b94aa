"""The notebook's own introduction, for the package README: the markdown before its
first code cell, without the title, HTML or images, cut short at a paragraph or
sentence. Nothing is invented: a notebook without an introduction gets none."""

from __future__ import annotations

import re

from nb2prod.notebook import CellKind, Notebook

LIMIT = 600
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_HEADING = re.compile(r"^#{1,6}\s")
_SENTENCE = re.compile(r"(?<=[.!?])\s")
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_SECTION = re.compile(r"^#{2,6}\s", re.MULTILINE)


def introduction(notebook: Notebook) -> str:
    """Up to `LIMIT` characters of the notebook's opening prose, or nothing."""
    paragraphs: list[str] = []
    for cell in notebook.cells:
        if cell.kind is CellKind.CODE:
            break
        if cell.kind is not CellKind.MARKDOWN:
            continue
        if paragraphs and _SECTION.search(cell.source):
            break  # the introduction ends where the next section starts
        paragraphs += _paragraphs(cell.source)
    text = ""
    for paragraph in paragraphs:
        joined = f"{text}\n\n{paragraph}" if text else paragraph
        if len(joined) > LIMIT:
            return text or _sentences(paragraph)
        text = joined
    return text


def _paragraphs(source: str) -> list[str]:
    """Prose only: no headings, code blocks, tables, images, HTML or rules."""
    source = _TAG.sub("", _IMAGE.sub("", _FENCE.sub("", source)))
    found = []
    for block in re.split(r"\n\s*\n", source):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        lines = [
            line
            for line in lines
            if not _HEADING.match(line) and not line.startswith("|")
        ]
        text = " ".join(_LINK.sub(r"\1", " ".join(lines)).split())
        if text and not set(text) <= set("-*_= "):
            found.append(text)
    return found


def _sentences(paragraph: str) -> str:
    """As many whole sentences of a long paragraph as fit, else a cut with an ellipsis."""
    text = ""
    for sentence in _SENTENCE.split(paragraph):
        joined = f"{text} {sentence}" if text else sentence
        if len(joined) > LIMIT:
            break
        text = joined
    return text or paragraph[: LIMIT - 3].rsplit(" ", 1)[0] + "..."
