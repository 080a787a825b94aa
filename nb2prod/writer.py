"""Write a package to disk all or nothing, or compare it with what is there (`--check`).

The files go to a temporary folder beside the target first and are moved into place in
one rename, so an interrupted run never leaves half a package. A non-empty target is
only replaced with `force`; the notebook itself is never touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from nb2prod.errors import OutputExistsError

Package = dict[str, str]


def write_package(package: Package, target: Path, *, force: bool = False) -> None:
    """Write every file of `package` under `target`, replacing it only with `force`."""
    target = target.resolve()
    if target.exists() and not target.is_dir():
        raise OutputExistsError(os.fspath(target), "exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise OutputExistsError(
            os.fspath(target),
            "is not empty; use --force to replace it",
            hint="nb2prod never overwrites files it did not just generate without --force",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for relative, text in sorted(package.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        if target.exists():
            backup = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent)
            )
            os.replace(target, backup / "package")
            os.replace(staging, target)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def stale_files(package: Package, target: Path) -> list[str]:
    """Relative paths that differ between `package` and `target` (missing or changed).

    Files under `target` that the package does not generate (outputs, caches, extra
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
    return stale
