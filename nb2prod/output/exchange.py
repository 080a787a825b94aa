"""Swap two folders in one step, so that a path always names a complete folder.

Linux has `renameat2(RENAME_EXCHANGE)` and macOS `renamex_np(RENAME_SWAP)`; both swap two
directory entries atomically. Elsewhere (or on a file system that refuses, such as some
network mounts) `exchange` raises `ExchangeUnsupported` and the writer replaces files one
by one under a journal instead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import sys
from functools import cache
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV, errno.EPERM}


class ExchangeUnsupported(OSError):
    """This platform or file system cannot swap two folders atomically."""


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None


def exchange(first: Path, second: Path) -> None:
    """Atomically swap the folders at `first` and `second` (both must exist)."""
    libc = _libc()
    a, b = os.fsencode(first), os.fsencode(second)
    if sys.platform.startswith("linux") and libc and hasattr(libc, "renameat2"):
        result = libc.renameat2(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE)
    elif sys.platform == "darwin" and libc and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(a, b, _RENAME_SWAP)
    else:
        raise ExchangeUnsupported(errno.ENOSYS, "no atomic folder exchange here")
    if result == 0:
        return
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        raise ExchangeUnsupported(code, os.strerror(code), os.fspath(second))
    raise OSError(code, os.strerror(code), os.fspath(second))
