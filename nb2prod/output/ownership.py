"""What a write may change in an existing output folder, decided before anything moves.

The rule (README, "Where convert writes"): nb2prod changes only files it wrote itself, as
recorded in the folder's manifest, and only while they still hold what it wrote. A folder
without a manifest that holds anything is the user's, so it is refused even with
`--force`; that is what protects `-o .` run next to the notebook.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from nb2prod.errors import OutputExistsError
from nb2prod.output.manifest import (
    MANIFEST_NAME,
    Manifest,
    file_digest,
    manifest_of,
    read_manifest,
    text_digest,
)
from nb2prod.output.paths import is_contained, parents

_LISTED = 5  # conflicts named in the error line; the rest are counted


class Changes(NamedTuple):
    """The files a write puts in place and the generated files it removes."""

    package: dict[str, str]  # relative path -> text: everything the new package holds
    write: tuple[str, ...]  # paths whose content is new or different
    delete: tuple[str, ...]  # paths the old package had and the new one does not
    old: Manifest | None  # what the folder's manifest said before the write
    new: Manifest


def plan_changes(package: dict[str, str], target: Path, *, force: bool) -> Changes:
    """The changes that turn `target` into `package`, or OutputExistsError saying why not."""
    new = manifest_of(package)
    entries = _entries(target)
    if not entries:
        return Changes(package, tuple(sorted(package)), (), None, new)
    where = os.fspath(target)
    if not force:
        raise OutputExistsError(
            where,
            "is not empty; use --force to replace the files nb2prod wrote there",
            hint="nb2prod never changes a file it did not write",
        )
    old = read_manifest(target)
    if old is None:
        shown = ", ".join(sorted(entries)[:_LISTED])
        more = f" and {len(entries) - _LISTED} more" if len(entries) > _LISTED else ""
        raise OutputExistsError(
            where,
            f"holds files nb2prod did not write ({shown}{more}); "
            "choose a new or empty folder",
            hint="a package folder written by nb2prod has a "
            f"{MANIFEST_NAME}; without one, nothing in the folder is replaced",
        )
    conflicts = _conflicts(package, target, old)
    if conflicts:
        shown = "; ".join(conflicts[:_LISTED])
        more = (
            f"; and {len(conflicts) - _LISTED} more" if len(conflicts) > _LISTED else ""
        )
        raise OutputExistsError(
            where,
            f"would replace files that are not as nb2prod wrote them: {shown}{more}; "
            "move them away (or delete them) and run again",
        )
    write = tuple(
        sorted(
            path
            for path, text in package.items()
            if old.files.get(path) != text_digest(text)
            or file_digest(target / path) is None
        )
    )
    delete = tuple(
        sorted(
            path
            for path in old.files
            if path not in package
            and is_contained(path)
            and file_digest(target / path) is not None
        )
    )
    return Changes(package, write, delete, old, new)


def _entries(target: Path) -> list[str]:
    """The names in `target` (empty when it does not exist); a file there is refused."""
    if not target.exists() and not target.is_symlink():
        return []
    if not target.is_dir():
        raise OutputExistsError(os.fspath(target), "exists and is not a folder")
    return [entry.name for entry in os.scandir(target)]


def _conflicts(package: dict[str, str], target: Path, old: Manifest) -> list[str]:
    """Each generated path the write would overwrite or remove that is not nb2prod's."""
    conflicts = []
    for path in sorted(package):
        for folder in parents(path):
            place = target / folder
            if place.is_symlink() or (place.exists() and not place.is_dir()):
                conflicts.append(f"{folder} (a link or file where a folder goes)")
                break
        else:
            place = target / path
            if not (place.exists() or place.is_symlink()):
                continue
            if path not in old.files:
                conflicts.append(f"{path} (not written by nb2prod)")
            elif file_digest(place) != old.files[path]:
                conflicts.append(f"{path} (changed since nb2prod wrote it)")
    for path in sorted(set(old.files) - set(package)):
        if not is_contained(path):
            continue  # never acted on: a manifest cannot point outside its folder
        place = target / path
        if os.path.lexists(place) and file_digest(place) != old.files[path]:
            conflicts.append(
                f"{path} (changed since nb2prod wrote it; no longer generated)"
            )
    return conflicts
