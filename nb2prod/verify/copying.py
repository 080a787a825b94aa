"""Working copies: the user's folder copied, never linked, into verify's scratch folder.

Owns the rule for what a copy holds. Every regular file is copied, except version
control, environments and caches; past a size budget, the large files the notebook
does not name are left out. A symlink never reaches the user's files from the copy: one
that points inside the folder becomes a link inside the copy, one that points outside is
replaced by a copy of what it points to. Whatever is left out is reported, never linked.
This module writes only under the target it is given and under the scratch folder.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from nb2prod.errors import Nb2ProdError
from nb2prod.verify.interrupts import shielded
from nb2prod.verify.processes import process_start_time

#: The most bytes copied for one side's run; beyond it, only what the notebook names.
MAX_COPY_BYTES = 512 * 1024 * 1024
#: Files up to this size are copied even past the budget (code, settings, small data).
SMALL_FILE_BYTES = 1024 * 1024

#: Folders a notebook never reads its data from: version control, environments, caches.
_LEFT_OUT = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules")
_LEFT_OUT_PATTERNS = ("__pycache__", ".*cache*", ".ipynb_checkpoints")
_GLOB = ("*", "?", "[")


class CopyFailure(Nb2ProdError):
    """The notebook's folder cannot be copied for a run (too large, disk full)."""


class CopyRules(NamedTuple):
    """What a working copy may hold: a byte budget, and the paths (relative to the
    copied folder) the notebook names, which are copied even past the budget."""

    max_bytes: int = MAX_COPY_BYTES
    named: tuple[str, ...] = ()


class Skip(NamedTuple):
    """Something not copied: its path in the folder, why, and its size in bytes."""

    path: str
    reason: str  # left-out | budget | symlink | special | unreadable
    size: int = 0


class WorkingCopy(NamedTuple):
    path: Path
    skipped: tuple[Skip, ...]


class _File(NamedTuple):
    relative: PurePosixPath
    source: Path  # a real path: no symlink in it is followed when copying
    size: int


class _Survey(NamedTuple):
    directories: list[PurePosixPath]
    files: list[_File]
    links: list[tuple[PurePosixPath, PurePosixPath]]  # link -> target, both in the copy
    skipped: list[Skip]


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A fresh temporary folder for one verification, removed however it ends; the
    folders of verifications killed outright (SIGKILL) are removed by the next one."""
    with shielded():
        _remove_abandoned_scratch()
        folder = Path(tempfile.mkdtemp(prefix=_SCRATCH_PREFIX))
        (folder / _OWNER).write_text(_owner(os.getpid()), encoding="utf-8")
    try:
        yield folder
    finally:
        with shielded():
            remove_tree(folder)


_SCRATCH_PREFIX = "nb2prod-verify-"
_OWNER = "owner.txt"  # "PID START": the process whose scratch folder this is


def _owner(pid: int) -> str:
    return f"{pid} {process_start_time(pid) or ''}".strip()


def _remove_abandoned_scratch() -> None:
    """Remove scratch folders whose verify process has ended (folders without an owner
    file are not verify's to judge, and are left alone)."""
    for folder in Path(tempfile.gettempdir()).glob(_SCRATCH_PREFIX + "*"):
        try:
            pid, _, started = (
                (folder / _OWNER).read_text(encoding="utf-8").partition(" ")
            )
            alive = _owner(int(pid)) == f"{pid} {started}".strip() and _exists(int(pid))
        except (OSError, ValueError):
            continue
        if not alive:
            remove_tree(folder)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_tree(folder: Path) -> None:
    """Remove a folder verify made, including read-only folders a run left in it."""

    def writable_again(function, path, _error):
        try:
            os.chmod(os.path.dirname(path), 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
            function(path)
        except OSError:
            pass  # best effort: nothing else verify could do with it

    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=writable_again)
    else:
        shutil.rmtree(folder, onerror=writable_again)


def working_copy(
    folder: Path, target: Path, rules: CopyRules, skip: Path | None = None
) -> WorkingCopy:
    """Copy `folder` to `target` (created) by the copy rules, without `skip` (the
    package, when it lives inside the folder)."""
    root = folder.resolve()
    left_out = skip.resolve() if skip is not None else None
    if left_out is not None and _within(root, left_out):
        left_out = None  # the package holds the notebook: copy it all
    survey = _survey(root, left_out)
    files = _within_budget(folder, survey, rules)
    target.mkdir(parents=True)
    for directory in survey.directories:
        (target / directory).mkdir(exist_ok=True)
    skipped = list(survey.skipped)
    for file in files:
        skipped += _copy_file(folder, file, target / file.relative)
    for link, pointed in survey.links:
        os.symlink(
            os.path.relpath(target / pointed, (target / link).parent), target / link
        )
    return WorkingCopy(target, tuple(skipped))


def _survey(root: Path, skip: Path | None) -> _Survey:
    """Walk `root` without letting a symlink lead outside it: a link to a place inside
    `root` stays a link inside the copy, a link outside is walked as if its target were
    there, unless it dangles, loops or climbs to a folder holding `root`."""
    survey = _Survey([], [], [], [])
    _Walker(root, skip, survey).visit(root, PurePosixPath("."), (root,))
    return survey


class _Walker:
    def __init__(self, root: Path, skip: Path | None, survey: _Survey) -> None:
        self.root, self.skip, self.survey = root, skip, survey

    def visit(
        self, directory: Path, relative: PurePosixPath, chain: tuple[Path, ...]
    ) -> None:
        """`directory` is a real path (no symlink in it); `chain` the real folders above."""
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            self.survey.skipped.append(Skip(str(relative), "unreadable"))
            return
        for entry in entries:
            here = relative / entry.name
            if _is_left_out(entry.name):
                self.survey.skipped.append(Skip(str(here), "left-out"))
                continue
            real = Path(entry.path)
            if entry.is_symlink():
                real = real.resolve()
                if _within(real, self.root):
                    self.survey.links.append(
                        (here, PurePosixPath(real.relative_to(self.root)))
                    )
                    continue
                if not real.exists() or any(_within(seen, real) for seen in chain):
                    self.survey.skipped.append(Skip(str(here), "symlink"))
                    continue
            self._add(real, here, chain)

    def _add(self, real: Path, here: PurePosixPath, chain: tuple[Path, ...]) -> None:
        try:
            status = real.stat()
        except OSError:
            self.survey.skipped.append(Skip(str(here), "unreadable"))
            return
        if stat.S_ISDIR(status.st_mode):
            if real == self.skip:
                return  # the package: its own run imports a copy of it
            self.survey.directories.append(here)
            self.visit(real, here, (*chain, real))
        elif stat.S_ISREG(status.st_mode):
            self.survey.files.append(_File(here, real, status.st_size))
        else:
            self.survey.skipped.append(Skip(str(here), "special"))


def _within_budget(folder: Path, survey: _Survey, rules: CopyRules) -> list[_File]:
    """The files to copy: all of them within the budget, else those the notebook names
    and the small ones (the others become skips), or a refusal when even that is too
    much."""
    total = sum(file.size for file in survey.files)
    if total <= rules.max_bytes:
        return survey.files
    named = _named_prefixes(rules.named)
    kept = [
        file
        for file in survey.files
        if file.size <= SMALL_FILE_BYTES or _is_named(file.relative, named)
    ]
    needed = sum(file.size for file in kept)
    if needed > rules.max_bytes:
        raise CopyFailure(
            str(folder),
            f"verify runs the notebook in a copy of its folder, and the files it "
            f"needs there ({_size(needed)} of {_size(total)}) exceed the "
            f"{_size(rules.max_bytes)} copy budget",
        )
    kept_paths = {file.relative for file in kept}
    survey.skipped.extend(
        Skip(str(file.relative), "budget", file.size)
        for file in survey.files
        if file.relative not in kept_paths
    )
    return kept


def _copy_file(folder: Path, file: _File, destination: Path) -> list[Skip]:
    try:
        shutil.copy2(file.source, destination)
    except PermissionError:
        return [Skip(str(file.relative), "unreadable", file.size)]
    except OSError as error:
        raise CopyFailure(
            str(folder),
            f"cannot copy {file.relative} for the run: {error.strerror or error}",
        ) from None
    return []


def describe_skips(skipped: Iterable[Skip]) -> list[str]:
    """One note per reason, naming the first few paths."""
    by_reason: dict[str, list[Skip]] = {}
    for item in skipped:
        by_reason.setdefault(item.reason, []).append(item)
    notes = []
    for reason, why in _REASONS.items():
        items = by_reason.get(reason, [])
        if not items:
            continue
        names = ", ".join(item.path for item in items[:5])
        more = f" and {len(items) - 5} more" if len(items) > 5 else ""
        size = sum(item.size for item in items)
        why = why.format(size=_size(size))
        notes.append(f"not copied for the runs: {names}{more} ({why})")
    return notes


_REASONS = {
    "budget": "{size} the notebook does not name, over the copy budget",
    "symlink": "symlinks to a missing target, a loop or a folder holding the notebook",
    "special": "pipes, sockets or devices",
    "unreadable": "verify cannot read them",
    "left-out": "version control, environments and caches",
}


def _is_left_out(name: str) -> bool:
    return name in _LEFT_OUT or any(
        fnmatch.fnmatch(name, pattern) for pattern in _LEFT_OUT_PATTERNS
    )


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _named_prefixes(named: Iterable[str]) -> set[PurePosixPath]:
    """The notebook's literal paths as prefixes inside the folder (a glob stops at its
    first wildcard part)."""
    prefixes = set()
    for text in named:
        parts = []
        for part in PurePosixPath(os.path.normpath(text.replace("\\", "/"))).parts:
            if any(character in part for character in _GLOB):
                break
            parts.append(part)
        if parts and parts[0] not in ("/", ".."):
            prefixes.add(PurePosixPath(*parts))
    return prefixes


def _is_named(relative: PurePosixPath, prefixes: set[PurePosixPath]) -> bool:
    return any(relative == p or p in relative.parents for p in prefixes)


def _size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024:
            return f"{size} {unit}"
        size //= 1024
    return f"{size} GiB"
