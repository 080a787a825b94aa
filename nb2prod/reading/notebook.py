"""The notebook model: typed, immutable cells read from an `.ipynb` file.

`read_notebook` is the only place that sees nbformat's JSON. It tolerates what real
files contain (source as a list or a string, missing ids, unknown cell types, odd
metadata) and rejects what is not a Python notebook with one clear `Nb2ProdError`.
It never writes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any, NamedTuple

from nb2prod.errors import (
    NotebookReadError,
    UnsupportedFormatError,
    UnsupportedKernelError,
)
from nb2prod.reading.positions import split_lines
from nb2prod.reading.unicode_text import require_unicode

#: Kernel languages that mean "Python" in the wild (xeus-python says "python", old
#: IPython kernels "ipython"; some files carry the kernelspec name as language).
PYTHON_LANGUAGES = frozenset({"python", "ipython", "python2", "python3"})
READABLE_MAJOR_VERSIONS = (3, 4)


class CellKind(str, Enum):
    """What a cell holds; unknown cell types are kept as `raw` (their name is kept too)."""

    CODE = "code"
    MARKDOWN = "markdown"
    RAW = "raw"


class Output(NamedTuple):
    """One stored output of a code cell, flattened to text per MIME type."""

    output_type: str
    name: str | None = None  # stream name: stdout / stderr
    text: str = ""  # stream text
    data: tuple[tuple[str, str], ...] = ()  # (mime type, content as text), sorted
    execution_count: int | None = None
    ename: str | None = None
    evalue: str | None = None
    traceback: tuple[str, ...] = ()

    def get(self, mime: str) -> str | None:
        """The content stored for `mime`, or None."""
        return next((text for kind, text in self.data if kind == mime), None)


class Cell(NamedTuple):
    """One cell as the user wrote it; `index` is its 0-based position in the notebook."""

    # The field hides tuple.index (mypy: an incompatible override); renaming it would
    # change the API every module and test reads.
    index: int  # type: ignore[assignment]
    kind: CellKind
    source: str
    execution_count: int | None = None
    outputs: tuple[Output, ...] = ()
    tags: tuple[str, ...] = ()
    id: str | None = None
    original_type: str | None = None  # the cell_type of an unknown cell kept as raw
    attachments: tuple[str, ...] = ()  # names of attached files (markdown images)

    @property
    def line_count(self) -> int:
        """Physical lines of source, counted as Python counts them."""
        return len(split_lines(self.source))


class KernelInfo(NamedTuple):
    """Which kernel the notebook was written for."""

    name: str | None
    display_name: str | None
    language: str | None


class Notebook(NamedTuple):
    """A whole notebook: its cells in order and the metadata nb2prod needs."""

    path: str
    cells: tuple[Cell, ...]
    nbformat: int
    nbformat_minor: int
    kernel: KernelInfo
    python_version: str | None = None
    upgraded_from: int | None = None  # the nbformat major version the file was in
    title: str | None = None
    ignore_codes: tuple[str, ...] = ()  # metadata.nb2prod.ignore: lint codes to silence

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        """The code cells, in document order."""
        return tuple(cell for cell in self.cells if cell.kind is CellKind.CODE)


def read_notebook(path: str | os.PathLike[str]) -> Notebook:
    """Read an `.ipynb` file into a `Notebook`, or raise a one-line `Nb2ProdError`."""
    shown = os.fspath(path)
    return notebook_from_bytes(read_notebook_bytes(shown), shown)


def read_notebook_bytes(path: str) -> bytes:
    """The file's bytes, or a one-line `NotebookReadError` (missing, a folder...)."""
    try:
        return _read_bytes(path)
    except FileNotFoundError:
        raise NotebookReadError(path, "no such file") from None
    except IsADirectoryError:
        raise NotebookReadError(path, "is a directory, not a notebook file") from None
    except PermissionError:
        raise NotebookReadError(path, "permission denied") from None
    except OSError as error:
        raise NotebookReadError(
            path, f"cannot read the file ({error.strerror})"
        ) from None


def notebook_from_bytes(data: bytes, path: str) -> Notebook:
    """Decode and parse a notebook file's bytes (`path` names it in errors)."""
    return notebook_from_json(_parse_json(path, _decode(path, data)), path)


def notebook_from_json(document: Any, path: str = "<notebook>") -> Notebook:
    """Build a `Notebook` from an already parsed JSON document."""
    if not isinstance(document, dict):
        raise NotebookReadError(
            path, f"not a notebook: the JSON is {_json_type(document)}, not an object"
        )
    major, minor = _format_version(document, path)
    upgraded_from = None
    if major == 3:
        document = _upgrade_v3(document, path)
        upgraded_from, major, minor = 3, 4, _int(document.get("nbformat_minor"), 0)
    metadata = _mapping(document.get("metadata"))
    kernel = _kernel_info(metadata)
    raw_cells = document.get("cells")
    if not isinstance(raw_cells, list):
        raise NotebookReadError(path, 'not a notebook: "cells" is not a list')
    try:
        cells = tuple(_cell(index, raw, path) for index, raw in enumerate(raw_cells))
    except RecursionError:  # an output's JSON data, flattened to text by json.dumps
        raise NotebookReadError(path, "not valid JSON (nested too deeply)") from None
    language_info = _mapping(metadata.get("language_info"))
    version = language_info.get("version")
    title = metadata.get("title")
    notebook = Notebook(
        path=path,
        cells=cells,
        nbformat=major,
        nbformat_minor=minor,
        kernel=kernel,
        python_version=version if isinstance(version, str) and version else None,
        upgraded_from=upgraded_from,
        title=title if isinstance(title, str) and title else None,
        ignore_codes=tuple(
            code.upper()
            for code in _list(_mapping(metadata.get("nb2prod")).get("ignore"))
            if isinstance(code, str)
        ),
    )
    require_unicode(notebook)  # first: every later message may quote this text
    _require_python(kernel, path)
    return notebook


def _decode(path: str, data: bytes) -> str:
    if not data.strip():
        raise NotebookReadError(path, "empty file, not a notebook")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise NotebookReadError(
            path, f"not UTF-8 text (byte 0x{byte:02x} at offset {error.start})"
        ) from None


def _read_bytes(path: str) -> bytes:
    if os.path.isdir(path):  # open() on a directory says PermissionError on Windows
        raise IsADirectoryError(path)
    with open(path, "rb") as handle:
        return handle.read()


def _parse_json(path: str, text: str) -> Any:
    try:
        return _loads(text)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip())
        what = "truncated JSON" if truncated else "not valid JSON"
        raise NotebookReadError(
            path,
            f"{what} (line {error.lineno}, column {error.colno}: {error.msg})",
        ) from None
    except RecursionError:
        raise NotebookReadError(path, "not valid JSON (nested too deeply)") from None


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            raise
        # an integer of more digits than Python reads from text: rare, so read again
        return json.loads(text, parse_int=_json_integer)


def _json_integer(digits: str) -> int | float:
    """A JSON integer; one too long for `int()` (sys.get_int_max_str_digits) is read
    as JavaScript, and so Jupyter, reads it: a float, infinite past 308 digits."""
    try:
        return int(digits)
    except ValueError:
        return float(digits)


def _format_version(document: dict[str, Any], path: str) -> tuple[int, int]:
    if "nbformat" not in document:
        if "cells" in document or "worksheets" in document:
            raise NotebookReadError(path, 'not a notebook: no "nbformat" version field')
        raise NotebookReadError(
            path, 'not a notebook: the JSON has no "cells" and no "nbformat" field'
        )
    major = _int(document["nbformat"], None)
    if major is None:
        raise NotebookReadError(
            path,
            'not a notebook: "nbformat" is '
            f"{_json_type(document['nbformat'])}, not a whole number",
        )
    if major not in READABLE_MAJOR_VERSIONS:
        raise UnsupportedFormatError(
            path,
            f"nbformat {major} is not supported (nb2prod reads nbformat 3 and 4)",
            hint="open and save the notebook with a current Jupyter to upgrade it",
        )
    return major, _int(document.get("nbformat_minor"), 0)


def _upgrade_v3(document: dict[str, Any], path: str) -> dict[str, Any]:
    """Upgrade an nbformat 3 document (worksheets, `input`, `pyout`) with nbformat."""
    if not isinstance(document.get("worksheets"), list):
        raise NotebookReadError(path, 'not a notebook: nbformat 3 without "worksheets"')
    from nbformat import from_dict  # lazy: nbformat costs ~0.1 s to import
    from nbformat.v4 import upgrade

    try:
        upgraded = upgrade(from_dict(document), from_version=3)
        document = json.loads(json.dumps(upgraded))
    except RecursionError:
        raise NotebookReadError(
            path,
            "cannot upgrade this nbformat 3 notebook (its JSON is nested too deeply)",
        ) from None
    # nbformat's own code on a file it did not validate: any of these means "malformed"
    except (
        KeyError,
        TypeError,
        AttributeError,
        ValueError,
        IndexError,
        AssertionError,
    ) as error:
        raise NotebookReadError(
            path,
            f"cannot upgrade this nbformat 3 notebook ({_described(error)})",
        ) from None
    for cell in document.get("cells", []):
        cell.pop("id", None)  # ids invented by the upgrade are random; v3 had none
    return document


def _described(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _kernel_info(metadata: Mapping[str, Any]) -> KernelInfo:
    spec = _mapping(metadata.get("kernelspec"))
    language_info = _mapping(metadata.get("language_info"))
    name = _str(spec.get("name"))
    language = _str(spec.get("language")) or _str(language_info.get("name"))
    return KernelInfo(
        name=name, display_name=_str(spec.get("display_name")), language=language
    )


def _require_python(kernel: KernelInfo, path: str) -> None:
    language = kernel.language or _language_from_kernel_name(kernel.name)
    if language is None or language.lower() in PYTHON_LANGUAGES:
        return
    shown = kernel.display_name or language
    raise UnsupportedKernelError(
        path,
        f"unsupported kernel: {shown} (language {language!r}); nb2prod reads Python notebooks",
    )


def _language_from_kernel_name(name: str | None) -> str | None:
    """Guess the language from a kernelspec name when the file does not say it."""
    if not name:
        return None
    lowered = name.lower()
    if lowered.startswith(("python", "py", "conda-env", "ipykernel")):
        return "python"
    for prefix, language in (("ir", "R"), ("julia", "julia"), ("scala", "scala")):
        if lowered == prefix or lowered.startswith(prefix + "-"):
            return language
    return None


def _cell(index: int, raw: Any, path: str) -> Cell:
    if not isinstance(raw, dict):
        raise NotebookReadError(
            path, f"cell is {_json_type(raw)}, not a JSON object", cell=index
        )
    cell_type = raw.get("cell_type")
    kind = _cell_kind(cell_type)
    metadata = _mapping(raw.get("metadata"))
    execution_count = raw.get("execution_count") if kind is CellKind.CODE else None
    return Cell(
        index=index,
        kind=kind,
        source=_source(raw.get("source", ""), path, index, "source"),
        execution_count=_int(execution_count, None),
        outputs=(
            tuple(_outputs(raw.get("outputs"), path, index))
            if kind is CellKind.CODE
            else ()
        ),
        tags=tuple(tag for tag in _list(metadata.get("tags")) if isinstance(tag, str)),
        id=_str(raw.get("id")),
        original_type=None if kind.value == cell_type else str(cell_type),
        attachments=tuple(sorted(_mapping(raw.get("attachments")))),
    )


def _cell_kind(cell_type: Any) -> CellKind:
    if cell_type == "code":
        return CellKind.CODE
    if cell_type == "markdown":
        return CellKind.MARKDOWN
    return CellKind.RAW


def _source(value: Any, path: str, cell: int, key: str) -> str:
    """Join a multiline string field, stored as one string or a list of strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    if isinstance(value, list):
        wrong = next(part for part in value if not isinstance(part, str))
        raise NotebookReadError(
            path,
            f"`{key}` must be a string or a list of strings, but holds {_json_type(wrong)}",
            cell=cell,
        )
    raise NotebookReadError(
        path,
        f"`{key}` must be a string or a list of strings, not {_json_type(value)}",
        cell=cell,
    )


def _outputs(value: Any, path: str, cell: int) -> Iterator[Output]:
    for raw in _list(value):
        if not isinstance(raw, dict):
            continue  # nothing a later stage could use; Jupyter itself ignores it
        output_type = _str(raw.get("output_type")) or "unknown"
        yield Output(
            output_type=output_type,
            name=_str(raw.get("name")),
            text=_multiline(raw.get("text")),
            data=tuple(sorted(_mime_bundle(raw.get("data")))),
            execution_count=_int(raw.get("execution_count"), None),
            ename=_str(raw.get("ename")),
            evalue=_str(raw.get("evalue")),
            traceback=tuple(
                line for line in _list(raw.get("traceback")) if isinstance(line, str)
            ),
        )


def _mime_bundle(value: Any) -> Iterator[tuple[str, str]]:
    for mime, content in _mapping(value).items():
        if isinstance(content, (dict, list)) and not _is_text_list(content):
            yield str(mime), json.dumps(content, sort_keys=True)
        else:
            yield str(mime), _multiline(content)


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(part, str) for part in value)


def _multiline(value: Any) -> str:
    if isinstance(value, str):
        return value
    if _is_text_list(value):
        return "".join(value)
    return "" if value is None else json.dumps(value, sort_keys=True)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any, default: int | None) -> Any:
    """`value` when it is a whole number (`4` or `4.0`, as JSON allows), else `default`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return default


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)
