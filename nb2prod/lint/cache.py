"""A content-hash cache of findings, like ruff's: unchanged notebooks are not re-analysed.

An entry holds the findings on one file and the excerpts the text report shows them
with (secrets redacted, as printed), so a cached run reads no notebook again.

The key covers the file's bytes, its path, nb2prod's version, the selected rules and
the settings, so any change to one of them misses the cache. Entries are written
atomically; a broken entry is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from nb2prod._version import __version__
from nb2prod.lint.excerpts import Excerpt
from nb2prod.lint.rule import Finding, Fix
from nb2prod.plain import plain

CACHE_DIR = ".nb2prod_cache"


class FindingsCache:
    """Findings stored per (content, path, rules, settings) under `folder`."""

    def __init__(self, folder: Path, context: str) -> None:
        self.folder = folder / __version__
        self.context = context

    def key(self, path: str, content: bytes) -> str:
        digest = hashlib.sha256()
        for part in (__version__, self.context, path):
            digest.update(part.encode("utf-8") + b"\0")
        digest.update(content)
        return digest.hexdigest()

    def get(self, key: str) -> tuple[tuple[Finding, ...], tuple[Excerpt, ...]] | None:
        """The findings and excerpts stored under `key` (None: none, or unreadable)."""
        try:
            entry = json.loads(
                (self.folder / f"{key}.json").read_text(encoding="utf-8")
            )
            findings = tuple(_finding(item) for item in entry["findings"])
            excerpts = tuple(_excerpt(item) for item in entry["excerpts"])
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return findings, excerpts

    def put(
        self, key: str, findings: Sequence[Finding], excerpts: Sequence[Excerpt]
    ) -> None:
        """Store the findings on one file and their (redacted) excerpts."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _mark(self.folder.parent)
            import tempfile

            data = json.dumps(
                {
                    "findings": [plain(finding) for finding in findings],
                    "excerpts": [plain(excerpt) for excerpt in excerpts],
                }
            )
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(data)
            os.replace(temporary, self.folder / f"{key}.json")
        except OSError:
            pass  # a read-only checkout still lints, only slower


def _finding(entry: dict) -> Finding:
    fix = entry.pop("fix")
    return Finding(**entry, fix=Fix(**fix) if fix else None)


def _excerpt(entry: dict) -> Excerpt:
    return Excerpt(**{**entry, "lines": tuple(entry["lines"])})


def _mark(folder: Path) -> None:
    """Tell git and backup tools the cache is not project content (as ruff does)."""
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Automatically created by nb2prod.\n*\n", encoding="utf-8")
    tag = folder / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n", encoding="utf-8"
        )
