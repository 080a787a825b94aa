"""Put a new package in place so that a kill at any moment loses nothing.

The usual way (`swap_in`) builds the complete new folder beside the target: the new files,
plus a hard link to every file of the user's (`.git/`, notes, saved models), then swaps the
two folders in one step (`exchange`). At every instant the target is the complete old or
the complete new package, and the user's files are in it. What is left beside it (the old
package, duplicate links) is settled by this run or, after a kill, by the next one.

Where folders cannot be swapped (no `renameat2`/`renamex_np`, a file system that refuses,
a user file that cannot be linked) or the current directory is inside the target (a swap
would strand the user's shell), `replace_in_place` moves files one by one under a journal
kept inside the target; the manifest is written last, and a run that finds an unfinished
journal completes or rolls it back before doing anything else.

Test hook: with `NB2PROD_TEST_KILL_AT=N` in the environment the process kills itself
(SIGKILL) at the N-th step that changes the disk, so tests can stop a real run anywhere.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import stat
import tempfile
from pathlib import Path

from nb2prod.output.exchange import exchange
from nb2prod.output.manifest import (
    MANIFEST_NAME,
    Manifest,
    file_digest,
    read_manifest,
    text_digest,
)
from nb2prod.output.ownership import Changes
from nb2prod.output.paths import is_contained

RECOVERED = ".nb2prod-recovered"
_IN_PLACE_PREFIX = ".nb2prod-tmp-"
_STATE = "state.json"
_JOURNAL = "journal.json"
_KILL_ENV = "NB2PROD_TEST_KILL_AT"
_steps = 0


class CannotLink(OSError):
    """A file of the user's cannot be hard-linked into the new folder."""


def checkpoint() -> None:
    """Count a disk change; the test hook kills the process at the chosen one."""
    global _steps
    _steps += 1
    if os.environ.get(_KILL_ENV) == str(_steps):
        os.kill(os.getpid(), signal.SIGKILL)


def work_prefix(target: Path) -> str:
    """Prefix of the work folders beside `target` (hidden, named after it)."""
    return f".{target.name}.nb2prod-"


# -- building the new folder beside the target, then swapping ------------------------


def swap_in(changes: Changes, target: Path) -> list[str]:
    """Replace (or create) `target` with the new package; the warnings of settling."""
    work = Path(tempfile.mkdtemp(prefix=work_prefix(target), dir=target.parent))
    checkpoint()
    staged = work / "package"
    staged.mkdir()
    checkpoint()
    if target.exists():
        os.chmod(staged, stat.S_IMODE(target.stat().st_mode))
        _link_user_files(target, staged, changes.old)
    else:
        os.chmod(staged, 0o777 & ~_umask())
    _write_files(staged, changes.package, changes.new)
    if not target.exists():
        os.rename(staged, target)
        checkpoint()
        shutil.rmtree(work)
        return []
    info = staged.stat()
    _write_json(work / _STATE, {"device": info.st_dev, "inode": info.st_ino})
    exchange(staged, target)
    checkpoint()
    return _settle(work, target)


def _link_user_files(source: Path, copy: Path, manifest: Manifest | None) -> None:
    """Mirror every entry of `source` that nb2prod did not write into `copy`."""
    ours = set(manifest.files) if manifest else set()
    ours.add(MANIFEST_NAME)

    def visit(folder: Path, relative: str) -> None:
        for entry in sorted(os.scandir(folder), key=lambda item: item.name):
            name = f"{relative}{entry.name}"
            destination = copy / name
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), destination)
            elif entry.is_dir():
                destination.mkdir()
                os.chmod(destination, stat.S_IMODE(entry.stat().st_mode))
                visit(Path(entry.path), f"{name}/")
                continue
            elif name in ours:
                continue
            elif entry.is_file():
                try:
                    os.link(entry.path, destination, follow_symlinks=False)
                except OSError as error:
                    raise CannotLink(error.errno, error.strerror, entry.path) from error
            else:  # a FIFO or socket: moved across after the swap
                continue
            checkpoint()

    visit(source, "")


def _settle(work: Path, target: Path) -> list[str]:
    """After the swap: drop the old package and duplicate links, keep everything else.

    `work/package` is now the old folder. A file there is removed only when it is an old
    generated file still as written, or another link to the same file as in the target.
    Anything else (a file the user created during the swap, a FIFO) moves into the
    target; if its place is taken it goes to `.nb2prod-recovered/` with a warning.
    """
    old = work / "package"
    manifest = read_manifest(old)
    warnings: list[str] = []
    if old.is_dir():
        _settle_folder(old, "", target, manifest, warnings)
        if os.path.lexists(old / MANIFEST_NAME):
            (old / MANIFEST_NAME).unlink()
            checkpoint()
        old.rmdir()
        checkpoint()
    shutil.rmtree(work)
    checkpoint()
    return warnings


def _settle_folder(
    folder: Path,
    relative: str,
    target: Path,
    manifest: Manifest | None,
    warnings: list[str],
) -> None:
    for entry in sorted(os.scandir(folder), key=lambda item: item.name):
        name = f"{relative}{entry.name}"
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            _settle_folder(path, f"{name}/", target, manifest, warnings)
            if not any(path.iterdir()):
                path.rmdir()
                checkpoint()
                continue
        if name == MANIFEST_NAME:
            continue  # removed last, so that a settle cut short can still read it
        if _is_old_generated(path, name, manifest) or _same_entry(path, target / name):
            path.unlink()
        elif not _occupied(target, name):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            os.rename(path, target / name)
        else:
            place = target / RECOVERED / name
            place.parent.mkdir(parents=True, exist_ok=True)
            os.rename(path, _free(place))
            warnings.append(
                f"{name} changed while the package was replaced; "
                f"your version is in {RECOVERED}/"
            )
        checkpoint()


def _is_old_generated(path: Path, name: str, manifest: Manifest | None) -> bool:
    if manifest is None or name not in manifest.files or not is_contained(name):
        return False
    return file_digest(path) == manifest.files[name]


def _same_entry(path: Path, other: Path) -> bool:
    """True when `other` is another link to the same file, or an identical symlink."""
    try:
        if path.is_symlink():
            return other.is_symlink() and os.readlink(path) == os.readlink(other)
        mine, theirs = path.lstat(), other.lstat()
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def _occupied(target: Path, name: str) -> bool:
    """True when `name` (or a folder on its way) is taken in `target` by something else."""
    place = target
    for part in name.split("/")[:-1]:
        place = place / part
        if place.is_symlink() or (place.exists() and not place.is_dir()):
            return True
    return os.path.lexists(target / name)


def _free(path: Path) -> Path:
    """`path`, or `path.1`, `path.2`... whichever does not exist yet."""
    candidate, number = path, 1
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{path.name}.{number}")
        number += 1
    return candidate


# -- one file at a time, under a journal ----------------------------------------------


def replace_in_place(changes: Changes, target: Path) -> list[str]:
    """Replace the changed files of `target` one by one; the manifest commits the run."""
    target.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=_IN_PLACE_PREFIX, dir=target))
    checkpoint()
    new_manifest = changes.new.render()
    staged = {path: changes.package[path] for path in changes.write}
    (work / "new").mkdir()
    _write_files(work / "new", staged, None)
    _write_text(work / "new" / MANIFEST_NAME, new_manifest)
    _write_json(
        work / _JOURNAL,
        {
            "replace": [p for p in changes.write if os.path.lexists(target / p)],
            "create": [p for p in changes.write if not os.path.lexists(target / p)],
            "delete": list(changes.delete),
            "created_digests": {p: text_digest(changes.package[p]) for p in staged},
            "manifest": text_digest(new_manifest),
        },
    )
    for path in changes.write:
        place = target / path
        if os.path.lexists(place):
            _move(place, work / "old" / path)
        place.parent.mkdir(parents=True, exist_ok=True)
        _move(work / "new" / path, place)
    for path in changes.delete:
        _move(target / path, work / "old" / path)
    _move(work / "new" / MANIFEST_NAME, target / MANIFEST_NAME)  # the commit
    _remove_empty_folders(target, changes.delete)
    shutil.rmtree(work)
    checkpoint()
    return []


def _recover_in_place(work: Path, target: Path) -> None:
    """Complete (manifest written) or roll back an interrupted `replace_in_place`."""
    try:
        journal = json.loads((work / _JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        journal = None  # nothing had moved: the journal comes before the first move
    if journal is not None:
        current = target / MANIFEST_NAME
        committed = file_digest(current) == journal["manifest"]
        if committed:
            _remove_empty_folders(target, journal["delete"])
        else:
            for path in journal["replace"] + journal["delete"]:
                backup = work / "old" / path
                if os.path.lexists(backup) and is_contained(path):
                    (target / path).parent.mkdir(parents=True, exist_ok=True)
                    _move(backup, target / path)
            for path in journal["create"]:
                place = target / path
                if is_contained(path) and (
                    file_digest(place) == journal["created_digests"].get(path)
                ):
                    place.unlink()
                    checkpoint()
            _remove_empty_folders(target, journal["create"])
    shutil.rmtree(work)
    checkpoint()


def _remove_empty_folders(target: Path, paths: list[str] | tuple[str, ...]) -> None:
    """Remove the folders of removed files when nothing else is left in them."""
    for path in sorted(paths, key=lambda item: -item.count("/")):
        folder = (target / path).parent
        while folder != target and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


# -- recovery, called before every write and after a failed one -----------------------


def recover(target: Path) -> list[str]:
    """Finish or undo what an interrupted run left at `target`; the warnings it gives."""
    warnings: list[str] = []
    parent = target.parent
    if parent.is_dir():
        for work in sorted(parent.glob(f"{glob.escape(work_prefix(target))}*")):
            if work.is_dir() and not work.is_symlink():
                warnings += _recover_swap(work, target)
    if target.is_dir():
        for work in sorted(target.glob(f"{_IN_PLACE_PREFIX}*")):
            if work.is_dir() and not work.is_symlink():
                _recover_in_place(work, target)
    return warnings


def _recover_swap(work: Path, target: Path) -> list[str]:
    try:
        state = json.loads((work / _STATE).read_text(encoding="utf-8"))
        swapped_in = (state["device"], state["inode"])
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(work)  # no swap happened: new files and duplicate links only
        checkpoint()
        return []
    if _identity(target) == swapped_in:
        return _settle(work, target)
    if _identity(work / "package") in (swapped_in, None):
        shutil.rmtree(work)  # prepared, never swapped in
        checkpoint()
        return []
    return [f"{work} was left by an interrupted run and is not removed; look into it"]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


# -- small writes ---------------------------------------------------------------------


def _write_files(root: Path, files: dict[str, str], manifest: Manifest | None) -> None:
    """Write `files` under `root` (and the manifest when given), flushed to disk."""
    for relative, text in sorted(files.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_text(path, text)
    if manifest is not None:
        _write_text(root / MANIFEST_NAME, manifest.render())


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    checkpoint()


def _write_json(path: Path, data: dict[str, object]) -> None:
    """Write a small JSON file atomically (a kill leaves the old one or the new one)."""
    partial = path.with_name(path.name + ".partial")
    _write_text(partial, json.dumps(data))
    os.replace(partial, path)
    checkpoint()


def _move(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, destination)
    checkpoint()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
