"""Which notebooks a `lint` run covers: files, folders (recursive) and globs.

Folders skip hidden folders, `.ipynb_checkpoints`, virtual environments, paths matched
by `exclude`/`extend-exclude` (gitignore syntax, relative to the config root) and by the
`.gitignore` files met on the way down. Files named explicitly are always linted.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from nb2prod.errors import NotebookReadError

if TYPE_CHECKING:
    import pathspec

_SKIPPED_DIRS = frozenset(
    {
        ".ipynb_checkpoints",
        "__pycache__",
        "node_modules",
        "site-packages",
        ".git",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "build",
        "dist",
        ".nb2prod_cache",
    }
)
_GLOB_CHARS = frozenset("*?[")


def discover(paths: list[str], root: str, exclude: tuple[str, ...]) -> list[str]:
    """Notebook paths to lint, sorted and without duplicates."""
    found: dict[str, None] = {}
    for given in paths:
        for path in _expand(given):
            found[path] = None
        if not os.path.exists(given) and not _GLOB_CHARS & set(given):
            raise NotebookReadError(given, "no such file or directory")
    result: list[str] = []
    for path in found:
        if os.path.isdir(path):  # pathspec is imported only when folders are walked
            import pathspec

            spec = pathspec.GitIgnoreSpec.from_lines(exclude)
            result.extend(_walk(path, Path(root), spec))
        else:
            result.append(path)
    return sorted(dict.fromkeys(result))


def _expand(given: str) -> list[str]:
    if os.path.exists(given) or not _GLOB_CHARS & set(given):
        return [given]
    return sorted(glob.glob(given, recursive=True))


def _walk(top: str, root: Path, spec: pathspec.GitIgnoreSpec) -> Iterator[str]:
    ignores: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
    for folder, dirs, files in os.walk(top):
        here = Path(folder)
        gitignore = here / ".gitignore"
        if gitignore.is_file():
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
            ignores.append((here, type(spec).from_lines(lines)))
        dirs[:] = sorted(
            name
            for name in dirs
            if not name.startswith(".")
            and name not in _SKIPPED_DIRS
            and not _excluded(here / name, root, spec, ignores, directory=True)
        )
        for name in sorted(files):
            path = here / name
            if name.endswith(".ipynb") and not _excluded(path, root, spec, ignores):
                yield os.fspath(path)


def _excluded(
    path: Path,
    root: Path,
    spec: pathspec.GitIgnoreSpec,
    ignores: list[tuple[Path, pathspec.GitIgnoreSpec]],
    *,
    directory: bool = False,
) -> bool:
    suffix = "/" if directory else ""
    relative = _relative(path, root)
    if relative is not None and spec.match_file(relative + suffix):
        return True
    for base, ignore in ignores:
        inside = _relative(path, base)
        if inside is not None and ignore.match_file(inside + suffix):
            return True
    return False


def _relative(path: Path, base: Path) -> str | None:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return None
