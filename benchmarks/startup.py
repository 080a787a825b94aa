"""Start-up benchmark: nb2prod runs from pre-commit on every commit, so whole-process
time counts. Compares medians against peer tools run side by side in this script.

    python -m benchmarks.startup [--runs N] [--notebook PATH]

Peers are measured when installed (`pip install -e ".[bench]"` installs them):
ruff (the speed bar, written in Rust), nbqa and jupytext (Python tools in the same
field). Reports medians and the ratio of each peer to nb2prod.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from benchmarks._timing import median_seconds

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "churn_messy.ipynb"


def _tool(name: str) -> str | None:
    """The executable installed beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def main(argv: list[str] | None = None) -> int:
    """Print medians of whole-process runs and peer ratios."""
    parser = argparse.ArgumentParser(description="nb2prod start-up benchmark")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--notebook", type=Path, default=EXAMPLE)
    args = parser.parse_args(argv)
    nb2prod = _tool("nb2prod")
    if nb2prod is None:
        print("error: nb2prod is not installed", file=sys.stderr)
        return 2
    version = median_seconds([nb2prod, "--version"], args.runs)
    print(f"nb2prod --version                 median {version * 1000:7.1f} ms")
    if args.notebook.exists():
        inspect = median_seconds(
            [nb2prod, "inspect", str(args.notebook), "--format", "json"],
            args.runs,
            check=False,
        )
        print(f"nb2prod inspect (one notebook)     median {inspect * 1000:7.1f} ms")
    for peer in ("ruff", "nbqa", "jupytext", "pynblint"):
        executable = _tool(peer)
        if executable is None:
            print(f"{peer + ' --version':<34}not installed")
            continue
        seconds = median_seconds([executable, "--version"], args.runs, check=False)
        print(
            f"{peer + ' --version':<34}median {seconds * 1000:7.1f} ms   "
            f"{peer}/nb2prod = {seconds / version:5.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
