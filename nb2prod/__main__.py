"""`python -m nb2prod` and the `nb2prod` console script."""

from __future__ import annotations

import gc
import sys

#: The collector's first threshold for this short-lived process. At Python's default
#: (700) a lint of one notebook ran about 70 collections, 7 ms of its 150; the parse
#: trees and facts it makes live until the process ends anyway, so collecting rarely
#: frees nothing sooner. Large work (black on big modules) pauses collection itself.
GC_FIRST_THRESHOLD = 50_000


def main() -> None:
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

    app(prog_name="nb2prod")


if __name__ == "__main__":
    main()
