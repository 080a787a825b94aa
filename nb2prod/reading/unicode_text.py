"""Refuse text that is not Unicode: lone surrogates in a notebook.

JSON can spell a lone UTF-16 surrogate (`"\\ud800"`) and `json.loads` turns it into a
`str` that no UTF-8 stream can hold: printing, writing or hashing it fails far from
where it came from. Jupyter itself cannot save such a file, so it is bad input, like
bytes that are not UTF-8: `require_unicode` names the first place that holds one, once,
as the notebook is read. Nothing past `notebook.py` then meets such a string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from nb2prod.errors import NotebookReadError
from nb2prod.reading.positions import line_column

if TYPE_CHECKING:
    from nb2prod.reading.notebook import Cell, Notebook

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_FIX = "the file spells it as a JSON escape that Jupyter cannot save; replace it"


def require_unicode(notebook: Notebook) -> None:
    """Raise `NotebookReadError` at the first lone surrogate in the model's text."""
    for where, text in _notebook_texts(notebook):
        found = _lone_surrogate(text)
        if found is not None:
            raise NotebookReadError(
                notebook.path, f"{_described(found.group())} in {where}; {_FIX}"
            )
    for cell in notebook.cells:
        found = _lone_surrogate(cell.source)
        if found is not None:
            line, column = line_column(cell.source, found.start())
            raise NotebookReadError(
                notebook.path,
                f"{_described(found.group())} in the source; {_FIX}",
                cell=cell.index,
                line=line,
                column=column,
            )
        for where, text in _cell_texts(cell):
            found = _lone_surrogate(text)
            if found is not None:
                raise NotebookReadError(
                    notebook.path,
                    f"{_described(found.group())} in {where}; {_FIX}",
                    cell=cell.index,
                )


def _lone_surrogate(text: str) -> re.Match[str] | None:
    """The first lone surrogate in `text`; an ASCII string (most are, and CPython knows
    it without a scan) holds none."""
    return None if text.isascii() else _LONE_SURROGATE.search(text)


def _described(surrogate: str) -> str:
    return f"not Unicode text: a lone surrogate \\u{ord(surrogate):04x}"


def _notebook_texts(notebook: Notebook) -> Iterator[tuple[str, str]]:
    kernel = notebook.kernel
    for where, text in (
        ("the kernel name", kernel.name),
        ("the kernel's display name", kernel.display_name),
        ("the kernel language", kernel.language),
        ("the Python version", notebook.python_version),
        ("the title", notebook.title),
    ):
        if text:
            yield f"the notebook metadata ({where})", text
    for code in notebook.ignore_codes:
        yield "the notebook metadata (nb2prod.ignore)", code


def _cell_texts(cell: Cell) -> Iterator[tuple[str, str]]:
    for text in (cell.id, cell.original_type, *cell.tags, *cell.attachments):
        if text:
            yield "the cell's metadata", text
    for output in cell.outputs:
        yield "an output", output.output_type
        yield "an output", output.text
        for mime, content in output.data:
            yield "an output", mime
            yield "an output", content
        for text in (output.name, output.ename, output.evalue, *output.traceback):
            if text:
                yield "an output", text
