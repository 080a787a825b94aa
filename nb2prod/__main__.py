"""`python -m nb2prod` and the `nb2prod` console script."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable
from typing import NoReturn

#: The collector's first threshold for this short-lived process. At Python's default
#: (700) a lint of one notebook ran about 70 collections, 7 ms of its 150; the parse
#: trees and facts it makes live until the process ends anyway, so collecting rarely
#: frees nothing sooner. Large work (libcst trees of big cells) pauses collection itself.
GC_FIRST_THRESHOLD = 50_000

#: Commands that leave no process, thread or open file behind (lint writes its cache
#: and fixed notebooks, convert its package, through closed and replaced files; the
#: ruff processes of convert are waited for): their process ends without the
#: interpreter's teardown, which frees every object one by one (16 ms of the 140 ms a
#: one-notebook lint took, the pre-commit hook; 60 ms of a 0.59 s convert).
QUICK_EXIT_COMMANDS = frozenset({"lint", "convert"})
#: ...unless they run the notebook in a kernel, which the teardown may still stop.
KERNEL_OPTIONS = frozenset({"--verify"})


def console_main() -> None:
    """The `nb2prod` program and `python -m nb2prod`: `main`, ending the process
    without the interpreter's teardown after the commands that leave nothing behind.
    Not for code calling the CLI in its own process (its atexit handlers would not
    run): that calls `main`."""
    main(leave_at_once=True)


def main(*, leave_at_once: bool = False) -> None:
    """Run the CLI; answer `--version` before importing typer (pre-commit runs us often)."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from nb2prod._version import __version__

        sys.stdout.write(f"nb2prod {__version__}\n")
        return
    gc.set_threshold(GC_FIRST_THRESHOLD, 10, 10)
    # A terminal or pipe that cannot encode some text (ASCII, cp1252) gets escapes
    # instead of a UnicodeEncodeError outside every error guard.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    from nb2prod.cli import app

    command = sys.argv[1] if len(sys.argv) > 1 else None
    if (
        leave_at_once
        and command in QUICK_EXIT_COMMANDS
        and KERNEL_OPTIONS.isdisjoint(sys.argv)
    ):
        _run_and_leave(lambda: app(prog_name="nb2prod"))
    app(prog_name="nb2prod")


def _run_and_leave(run: Callable[[], object]) -> NoReturn:
    """Run the command, flush what it printed, and end the process at once."""
    code = 0
    try:
        run()
    except SystemExit as done:  # how typer ends every command
        if isinstance(done.code, int):
            code = done.code
        elif done.code is not None:  # a message, as Python itself reports it
            sys.stderr.write(f"{done.code}\n")
            code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`)
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    console_main()
