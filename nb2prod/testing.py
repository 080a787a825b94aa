"""Helpers for tests (ours, and people writing rules): build small notebooks in code.

`nb(code("x = 1", count=1), md("# Title"))` gives an nbformat 4 JSON document;
`write_nb(path, document)` saves it; `notebook(...)` reads it back as a `Notebook`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from nb2prod.reading.notebook import Notebook, notebook_from_json

PYTHON_METADATA: dict[str, Any] = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python", "version": "3.11.7"},
}


def code(
    source: str | list[str],
    *,
    count: int | None = None,
    outputs: list[dict[str, Any]] | None = None,
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """A code cell as nbformat 4 stores it."""
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {"tags": tags} if tags else {},
        "outputs": outputs or [],
        "source": source,
    }
    return cell


def md(source: str | list[str]) -> dict[str, Any]:
    """A markdown cell as nbformat 4 stores it."""
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def stream(text: str, name: str = "stdout") -> dict[str, Any]:
    """A stream output (what `print` leaves in a cell)."""
    return {"output_type": "stream", "name": name, "text": text}


def result(text: str, count: int) -> dict[str, Any]:
    """An execute_result output holding `text/plain`."""
    return {
        "output_type": "execute_result",
        "execution_count": count,
        "data": {"text/plain": text},
        "metadata": {},
    }


def nb(
    *cells: str | dict[str, Any], metadata: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An nbformat 4.5 document; a plain string is one code cell."""
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        # a copy per document (tests edit it); the default one copied by hand, as every
        # rule's examples build a few of these each time `nb2prod lint` starts
        "metadata": (
            {key: dict(value) for key, value in PYTHON_METADATA.items()}
            if metadata is None
            else copy.deepcopy(metadata)
        ),
        "cells": [code(cell) if isinstance(cell, str) else cell for cell in cells],
    }


def notebook(*cells: str | dict[str, Any], path: str = "test.ipynb") -> Notebook:
    """Build a `Notebook` model directly from cells."""
    return notebook_from_json(nb(*cells), path)


def write_nb(path: Path, document: dict[str, Any] | str | bytes) -> Path:
    """Save a document (or raw text/bytes, for malformed files) and return the path."""
    if isinstance(document, bytes):
        path.write_bytes(document)
    elif isinstance(document, str):
        path.write_text(document, encoding="utf-8")
    else:
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def assert_transform(transformer: Any, before: str, after: str) -> None:
    """Apply a libcst transformer to `before` and compare with `after` (both dedented,
    blank edges trimmed); on failure, show both texts."""
    import textwrap

    import libcst

    source = textwrap.dedent(before).strip("\n") + "\n"
    expected = textwrap.dedent(after).strip("\n") + "\n"
    actual = libcst.parse_module(source).visit(transformer).code
    assert actual == expected, f"--- expected ---\n{expected}--- actual ---\n{actual}"


def printed_by(cells: list[str]) -> str:
    """What the cells print when run in order in one namespace, as a kernel runs a
    notebook: for tests that a rewrite of the cells computes what they computed."""
    import contextlib
    import io

    out = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(out):
        for cell in cells:
            exec(cell, namespace)
    return out.getvalue()
