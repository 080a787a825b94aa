"""The notebook's own introduction, for the package README: the markdown before its
first code cell, without the title, HTML, images, lines of links only or tutorial
chatter ("watch the videos", "subscribe"), as one paragraph of its first sentences.
Nothing is invented: a notebook without an introduction gets none."""

from __future__ import annotations

import re

from nb2prod.reading.notebook import CellKind, Notebook

LIMIT = 600
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_HEADING = re.compile(r"^#{1,6}\s")
_SENTENCE = re.compile(r"(?<=[.!?])\s")
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_SECTION = re.compile(r"^#{2,6}\s", re.MULTILINE)
#: A line that is only links or addresses (a table of contents, "[Video](url)").
_LINKS_ONLY = re.compile(
    r"^\s*(?:[-*+]\s*)?(?:(?:\[[^\]]*\]\([^)]*\)|<?https?://\S+>?)[\s,.;:|·-]*)+$"
)
#: Tutorial chatter that says nothing of what the code does.
_CHATTER = re.compile(
    r"\b(?:watch|subscribe|youtube|click here|upvote|patreon|newsletter|"
    r"buy me a coffee|follow me|like and share|star (?:this|the) repo|my channel|"
    r"check out my|don'?t forget to|if you (?:like|liked|enjoyed|found))\b",
    re.IGNORECASE,
)


def introduction(notebook: Notebook) -> str:
    """Up to `LIMIT` characters of the notebook's opening prose, in one paragraph, or
    nothing."""
    paragraphs: list[str] = []
    for cell in notebook.cells:
        if cell.kind is CellKind.CODE:
            break
        if cell.kind is not CellKind.MARKDOWN:
            continue
        if paragraphs and _SECTION.search(cell.source):
            break  # the introduction ends where the next section starts
        paragraphs += _paragraphs(cell.source)
    # one paragraph: the first sentences of the introduction, as many as fit
    return _sentences(" ".join(paragraphs)) if paragraphs else ""


def _paragraphs(source: str) -> list[str]:
    """Prose only: no headings, code blocks, tables, images, HTML or rules."""
    source = _TAG.sub("", _IMAGE.sub("", _FENCE.sub("", source)))
    found = []
    for block in re.split(r"\n\s*\n", source):
        lines = [
            line.strip()
            for line in block.splitlines()
            if line.strip() and not _LINKS_ONLY.match(line)
        ]
        lines = [
            line
            for line in lines
            if not _HEADING.match(line) and not line.startswith("|")
        ]
        text = _without_chatter(" ".join(_LINK.sub(r"\1", " ".join(lines)).split()))
        if text and not set(text) <= set("-*_= "):
            found.append(text)
    return found


def _without_chatter(text: str) -> str:
    """The paragraph without its sentences asking to watch, subscribe or click."""
    return " ".join(
        sentence for sentence in _SENTENCE.split(text) if not _CHATTER.search(sentence)
    )


def _sentences(paragraph: str) -> str:
    """As many whole sentences of a long paragraph as fit, else a cut with an ellipsis."""
    text = ""
    for sentence in _SENTENCE.split(paragraph):
        joined = f"{text} {sentence}" if text else sentence
        if len(joined) > LIMIT:
            break
        text = joined
    return text or paragraph[: LIMIT - 3].rsplit(" ", 1)[0] + "..."
