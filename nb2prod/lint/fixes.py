"""`nb2prod lint --fix` and `--diff`: apply the rules' safe fixes to the notebook file.

A fix is one action on one cell (see `Fix`): clear its outputs, delete it (a blank
cell), or replace its source. Only rewrites that are certain are fixes; nothing here
decides what to fix. The JSON is rewritten keeping the file's own layout: its indent
(nbformat writes 1), its key order, non-ASCII text as written and its final newline.
Writing is atomic, keeps the file's mode, and never replaces a file whose bytes changed
after they were linted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from nb2prod.lint.rule import CLEAR_OUTPUTS, DELETE_CELL, REPLACE_SOURCE, Fix

_INDENT = re.compile(r"\{\r?\n([ \t]+)\"")


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def fixed_content(content: bytes, fixes: Iterable[Fix]) -> bytes:
    """The notebook file `content` with `fixes` applied (each cell index as linted)."""
    text = content.decode("utf-8-sig")
    document = json.loads(text)
    cells = document["cells"]
    chosen = {(fix.action, fix.cell): fix for fix in fixes}
    for (action, index), fix in chosen.items():
        if action == CLEAR_OUTPUTS and cells[index].get("cell_type") == "code":
            cells[index]["outputs"] = []
        elif action == REPLACE_SOURCE and fix.source is not None:
            cells[index]["source"] = _as_stored(fix.source, cells[index]["source"])
    for index in sorted((i for a, i in chosen if a == DELETE_CELL), reverse=True):
        del cells[index]
    match = _INDENT.match(text)
    indent = match.group(1) if match else 1
    new = json.dumps(document, indent=indent, ensure_ascii=False)
    if text.endswith("\n"):
        new += "\n"
    prefix = "\ufeff" if content.startswith(b"\xef\xbb\xbf") else ""
    return (prefix + new).encode("utf-8")


def _as_stored(source: str, before: str | list[str]) -> str | list[str]:
    """`source` as the file stored the old one: a string, or a list of lines."""
    return source if isinstance(before, str) else source.splitlines(keepends=True)


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """The change as a unified diff of the notebook file's text."""
    import difflib

    return "".join(
        difflib.unified_diff(
            before.decode("utf-8-sig").splitlines(keepends=True),
            after.decode("utf-8-sig").splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


def replace_if_unchanged(path: str, expected: bytes, new: bytes) -> bool:
    """Write `new` to `path` atomically unless its bytes are no longer `expected`
    (someone saved it since it was read): then leave it and return False."""
    target = Path(path)
    mode = target.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(new)
        os.chmod(temporary, mode)
        if target.read_bytes() != expected:
            os.unlink(temporary)
            return False
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return True
