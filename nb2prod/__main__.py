"""`python -m nb2prod` and the `nb2prod` console script."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the CLI; answer `--version` before importing typer (pre-commit runs us often)."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from nb2prod._version import __version__

        sys.stdout.write(f"nb2prod {__version__}\n")
        return
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
