"""Write a package to disk, or compare it with what is there (`--check`).

What may change is decided first (`output.ownership`: only files nb2prod wrote, still as
written), then the new package is put in place so that a kill at any moment leaves the
complete old or the complete new package (`output.replace`). Nothing outside the output
folder is written, and the notebook is never touched.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from nb2prod.errors import ConversionError, OutputWriteError
from nb2prod.output.exchange import ExchangeUnsupported
from nb2prod.output.manifest import MANIFEST_NAME, read_manifest
from nb2prod.output.ownership import plan_changes
from nb2prod.output.paths import is_contained
from nb2prod.output.replace import CannotLink, recover, replace_in_place, swap_in

Package = dict[str, str]

_DISK_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


class WriteReport(NamedTuple):
    """What a write did besides writing: files it set aside, with a warning each."""

    warnings: tuple[str, ...]


def write_package(
    package: Package, target: Path, *, force: bool = False
) -> WriteReport:
    """Write every file of `package` under `target`.

    An existing non-empty folder is changed only with `force`, and then only in the
    files its manifest says nb2prod wrote; OutputExistsError explains any refusal and
    OutputWriteError any failure of the disk (the folder is then as it was).
    """
    for relative in package:
        if not is_contained(relative):
            raise ConversionError(
                relative, "a generated path leaves the package folder; not written"
            )
    target = Path(os.path.realpath(os.path.abspath(target)))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _exclusive(target.parent):
            warnings = recover(target)
            changes = plan_changes(package, target, force=force)
            try:
                if target.exists() and _holds_cwd(target):
                    warnings += replace_in_place(changes, target)
                else:
                    try:
                        warnings += swap_in(changes, target)
                    except (ExchangeUnsupported, CannotLink):
                        recover(target)
                        warnings += replace_in_place(changes, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    recover(target)
                raise
    except OSError as error:
        raise _write_error(error, target) from None
    return WriteReport(tuple(warnings))


def _holds_cwd(target: Path) -> bool:
    """True when the current directory is `target` or inside it (a swap would strand
    the user's shell in the old folder)."""
    try:
        cwd = Path.cwd().resolve()
    except OSError:
        return False
    return cwd == target or target in cwd.parents


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Hold an advisory lock on `folder` so that two runs never replace the same
    package at once (each would take the other's work for leftovers)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; runs are not serialised
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _write_error(error: OSError, target: Path) -> OutputWriteError:
    reason = error.strerror or str(error)
    if error.errno in _DISK_FULL:
        reason = f"the disk is full or a file size limit was reached ({reason})"
    where = error.filename if isinstance(error.filename, str) else os.fspath(target)
    return OutputWriteError(
        os.fspath(target),
        f"cannot write the package: {reason} at {where}; the folder is unchanged",
    )


def stale_files(package: Package, target: Path) -> list[str]:
    """Relative paths that differ between `package` and `target`: missing or changed
    generated files, and files nb2prod wrote that the package no longer has.

    Files under `target` that nb2prod did not write (outputs, caches, the user's own
    tests) are not compared.
    """
    stale = []
    for relative, text in sorted(package.items()):
        path = target / relative
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            stale.append(relative)
            continue
        if current != text:
            stale.append(relative)
    manifest = read_manifest(target)
    if manifest is not None:
        stale += sorted(
            relative
            for relative in manifest.files
            if relative not in package
            and relative != MANIFEST_NAME
            and is_contained(relative)
            and (target / relative).is_file()
        )
    return stale
