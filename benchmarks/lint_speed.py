"""Lint speed against peers, whole processes, medians, in one run on the same notebooks.

    python -m benchmarks.lint_speed [--corpus DIR] [--runs N] [--peer NAME=COMMAND ...]

Measures `nb2prod lint` on one notebook of about 58 code cells (cold cache) and on a
folder of 100 corpus notebooks (cold cache, then warm), beside ruff (the speed limit),
nbQA + flake8 and pynblint when they are installed (`--peer pynblint=/path/pynblint`
points at one installed elsewhere). Copies the notebooks to a temporary folder first:
the corpus is read-only.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._timing import median_seconds
from benchmarks.corpus import add_corpus_argument

TARGETS = {
    "one notebook, cold": 0.150,
    "100 notebooks, cold": 2.0,
    "100 notebooks, warm": 0.3,
}


def _code_cells(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return sum(1 for cell in cells if cell.get("cell_type") == "code")


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="nb2prod lint speed against peers")
    add_corpus_argument(parser)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--peer", action="append", default=[], help="NAME=COMMAND")
    args = parser.parse_args(argv)
    notebooks = sorted((args.corpus / "notebooks").glob("*.ipynb"))
    if not notebooks:
        print(f"error: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="nb2prod-lint-speed-"))
    folder = work / "notebooks"
    folder.mkdir()
    for path in notebooks[:100]:
        shutil.copy(path, folder / path.name)
    one = min(notebooks, key=lambda p: abs(_code_cells(p) - 58))
    shutil.copy(one, work / "one.ipynb")
    nb2prod = _tool("nb2prod")
    # An installed wheel ships compiled bytecode; an editable checkout may not have it
    # yet (or PYTHONDONTWRITEBYTECODE is set), which would time the compiler instead.
    compileall.compile_dir(Path(__file__).parents[1] / "nb2prod", quiet=1)
    peers = {
        "ruff": [_tool("ruff"), "check", "--no-cache", "--exit-zero"],
        "nbqa flake8": (
            [_tool("nbqa"), "flake8"] if _tool("nbqa") and _tool("flake8") else None
        ),
        "pynblint": [_tool("pynblint")] if _tool("pynblint") else None,
    }
    for given in args.peer:
        name, _, command = given.partition("=")
        peers[name] = shlex.split(command)
    print(
        f"one notebook: {one.name} ({_code_cells(one)} code cells); folder: {len(notebooks[:100])} notebooks"
    )
    results = {}

    def measure(label: str, command: list[str], warm: bool = False) -> float:
        cache = work / ".nb2prod_cache"
        if not warm:
            shutil.rmtree(cache, ignore_errors=True)
        seconds = median_seconds(command, args.runs, check=False)
        results[label] = seconds
        return seconds

    os.chdir(work)
    ours_one = measure(
        "nb2prod one", [nb2prod, "lint", "--exit-zero", "--no-cache", "one.ipynb"]
    )
    ours_folder = measure(
        "nb2prod folder cold",
        [nb2prod, "lint", "--exit-zero", "--no-cache", "notebooks"],
    )
    subprocess.run(
        [nb2prod, "lint", "--exit-zero", "notebooks"], capture_output=True, check=False
    )
    ours_warm = measure(
        "nb2prod folder warm", [nb2prod, "lint", "--exit-zero", "notebooks"], warm=True
    )
    print(
        f"{'nb2prod lint':<16} one {ours_one * 1000:8.1f} ms   folder cold {ours_folder:6.2f} s   "
        f"folder warm {ours_warm:6.2f} s"
    )
    for name, command in peers.items():
        if not command or command[0] is None:
            print(f"{name:<16} not installed")
            continue
        one_s = measure(f"{name} one", [*command, "one.ipynb"])
        folder_s = (
            measure(f"{name} folder", [*command, "notebooks"])
            if name != "pynblint"
            else 0.0
        )
        folder_text = (
            f"folder {folder_s:6.2f} s ({folder_s / ours_folder:4.1f}x ours cold)"
            if folder_s
            else ""
        )
        print(
            f"{name:<16} one {one_s * 1000:8.1f} ms ({one_s / ours_one:5.1f}x ours)   {folder_text}"
        )
    shutil.rmtree(work, ignore_errors=True)
    missed = [
        f"{label} {value:.3f} s > {TARGETS[label]} s"
        for label, value in (
            ("one notebook, cold", ours_one),
            ("100 notebooks, cold", ours_folder),
            ("100 notebooks, warm", ours_warm),
        )
        if value > TARGETS[label]
    ]
    for line in missed:
        print(f"target missed: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
