"""Relative paths that stay inside the output folder, whatever the notebook says.

Every path the writer creates or removes goes through `is_contained`: no absolute path,
no `..`, no empty or `.` component, no backslash or NUL, and not one of the writer's own
bookkeeping names.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

#: Names the writer keeps for itself inside the output folder.
RESERVED_PREFIXES = (".nb2prod-tmp-", ".nb2prod-recovered")


def is_contained(relative: str) -> bool:
    """True when `relative` names a file strictly inside its folder on every platform."""
    if not relative or "\\" in relative or "\0" in relative:
        return False
    if relative.startswith("/") or PureWindowsPath(relative).drive:
        return False
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return False
    return not parts[0].startswith(RESERVED_PREFIXES)


def parents(relative: str) -> list[str]:
    """`a/b/c.txt` -> [`a`, `a/b`]: the folders a file needs, outermost first."""
    path = PurePosixPath(relative)
    return [str(parent) for parent in reversed(path.parents) if str(parent) != "."]
