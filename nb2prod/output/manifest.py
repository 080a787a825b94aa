"""The record of the files nb2prod wrote into a package folder, with their hashes.

`--force` replaces exactly these files, and only while they still hold what nb2prod
wrote: everything else in the folder (the user's `.git/`, notes, saved models, outputs,
edits to generated files) belongs to the user.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import NamedTuple

from nb2prod._version import __version__

#: The manifest's place in the package folder (hidden, next to pyproject.toml).
MANIFEST_NAME = ".nb2prod-manifest.json"
_FORMAT = 1


class Manifest(NamedTuple):
    """Relative path -> sha256 of the bytes nb2prod wrote there."""

    files: dict[str, str]

    def render(self) -> str:
        """The manifest file's text: sorted, no timestamps, so it is deterministic."""
        data = {
            "generator": f"nb2prod {__version__}",
            "format": _FORMAT,
            "note": "files nb2prod wrote here; `nb2prod convert --force` replaces "
            "only these, and only while they are unchanged",
            "files": dict(sorted(self.files.items())),
        }
        return json.dumps(data, indent=2) + "\n"


def manifest_of(package: dict[str, str]) -> Manifest:
    """The manifest of a package about to be written (relative path -> text)."""
    return Manifest({path: text_digest(text) for path, text in package.items()})


def text_digest(text: str) -> str:
    """The sha256 of `text` as the writer stores it (UTF-8, `\\n` line ends)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str | None:
    """The sha256 of a regular file's bytes; None when it is missing or not a file."""
    if path.is_symlink() or not path.is_file():
        return None
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of `folder`, or None when there is none or it is not one of ours.

    A manifest that cannot be read is treated as absent, so its folder counts as the
    user's: nb2prod then refuses to replace anything in it.
    """
    path = folder / MANIFEST_NAME
    if path.is_symlink() or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in files.items()
    ):
        return None
    return Manifest(dict(files))
