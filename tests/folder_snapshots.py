"""Snapshots of folders, and the files a user keeps in a package folder (for the
tests of where and how `convert` writes)."""

from __future__ import annotations

import os
from pathlib import Path

#: What a user keeps in a package folder: none of it is nb2prod's.
USER_FILES = {
    ".git/HEAD": b"ref: refs/heads/main\n",
    ".git/objects/ab/cdef": b"\x00\x01binary",
    "NOTES.md": b"my notes\n",
    ".env": b"API_KEY=not-for-the-image\n",
    "tests/test_mine.py": b"def test_mine():\n    assert True\n",
    "models/v0001/model.joblib": b"\x80\x04pickled model",
    "outputs/predictions.csv": b"id,p\n1,0.5\n",
}


def snapshot(folder: Path) -> dict[str, object]:
    """Every entry under `folder`: file bytes, link targets, folders."""
    entries: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            entries[relative] = ("link", os.readlink(path))
        elif path.is_dir():
            entries[relative] = "folder"
        else:
            entries[relative] = path.read_bytes()
    return entries


def add_user_files(folder: Path) -> None:
    for relative, content in USER_FILES.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
