"""Run the converted packages of the runnable corpus notebooks and compare their logs
with what the notebooks printed (the stored `executed/` copies).

A line the notebook printed counts as reproduced when it appears, verbatim, inside a
line the package logged. Lines that cannot be stable (timings, memory addresses,
progress bars) are left out of the comparison, and reported as such.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nb2prod.magics import translate_cell

FLOOR_RUNS = 0.95
FLOOR_LINES = 0.98
_UNSTABLE = re.compile(
    r"0x[0-9a-f]{6,}|wall time|cpu times|\d+(\.\d+)? ?(ms|µs|us|ns|s) (per loop|±)|"
    r"\d+ loops?, best of|it/s|s/it|\d{4}-\d\d-\d\d[ T]\d\d:\d\d|elapsed|seconds?\b",
    re.IGNORECASE,
)


def runnable(corpus: Path) -> list[str]:
    with (corpus / "SOURCES.tsv").open(encoding="utf-8") as handle:
        return [
            row["file"]
            for row in csv.DictReader(handle, delimiter="\t")
            if row["executable"] == "yes"
        ]


def printed_lines(executed: Path) -> list[str]:
    """Non-blank lines the notebook's Python code wrote to stdout, in order (cells with
    shell escapes or help are left out: a plain script does not run those either)."""
    document = json.loads(executed.read_text(encoding="utf-8"))
    lines = []
    for cell in document.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        kinds = {fact.kind.value for fact in translate_cell(source).syntax}
        if kinds & {"shell", "shell_capture", "help", "automagic"}:
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text = output.get("text", "")
                text = "".join(text) if isinstance(text, list) else text
                lines += [line.rstrip() for line in text.splitlines() if line.strip()]
    return lines


_EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=60, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(notebook, sys.argv[3])
"""


def rerun_notebook(notebook: Path, python: str, timeout: int) -> set[str] | None:
    """The lines a second run of the notebook prints (None if it cannot run again)."""
    folder = Path(tempfile.mkdtemp(prefix="nb2prod-rerun-"))
    try:
        shutil.copy(notebook, folder / notebook.name)
        output = folder / "executed.ipynb"
        completed = subprocess.run(
            [
                python,
                "-c",
                _EXECUTE,
                str(folder / notebook.name),
                str(folder),
                str(output),
            ],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "MPLBACKEND": "Agg"},
        )
        if completed.returncode != 0 or not output.exists():
            return None
        return set(printed_lines(output))
    except subprocess.TimeoutExpired:
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_one(corpus: Path, name: str, entry: dict, python: str, timeout: int = 180) -> dict:  # type: ignore[type-arg]
    """Run one converted package from a fresh folder holding a copy of its notebook."""
    folder = Path(tempfile.mkdtemp(prefix="nb2prod-run-"))
    try:
        shutil.copy(corpus / "notebooks" / name, folder / name)
        environment = {
            **os.environ,
            "PYTHONPATH": str(Path(entry["folder"]) / "src"),
            "MPLBACKEND": "Agg",
        }
        try:
            completed = subprocess.run(
                [
                    python,
                    "-m",
                    entry["package"],
                    "--output-dir",
                    str(folder / "outputs"),
                ],
                cwd=folder,
                env=environment,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            code, log = completed.returncode, completed.stderr
        except subprocess.TimeoutExpired as error:
            code, log = -1, (
                (error.stderr or b"").decode("utf-8", "replace")
                if isinstance(error.stderr, bytes)
                else (error.stderr or "")
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    expected = printed_lines(corpus / "executed" / name)
    again = rerun_notebook(corpus / "notebooks" / name, python, timeout)
    stable = [line for line in expected if not _UNSTABLE.search(line)]
    if again is not None:  # stable: the same when the notebook runs a second time
        stable = [line for line in stable if line in again]
    logged = [line.rstrip() for line in log.splitlines()]
    found = sum(1 for line in stable if any(line in candidate for candidate in logged))
    tail = log.strip().splitlines()[-1:] if code != 0 else []
    return {
        "exit": code,
        "lines": len(stable),
        "reproduced": found,
        "rerun": again is not None,
        "unstable": len(expected) - len(stable),
        "error": tail[0] if tail else None,
    }


def run_subset(corpus: Path, results: dict, python: str) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    """Run every runnable notebook's package (two at a time) and summarise."""
    names = runnable(corpus)
    outcomes: dict[str, dict] = {}  # type: ignore[type-arg]
    todo = [n for n in names if results.get(n, {}).get("status") == "converted"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = pool.map(lambda n: run_one(corpus, n, results[n], python), todo)
        for name, outcome in zip(todo, runs, strict=True):
            outcomes[name] = outcome
            results[name]["run"] = outcome
    ran = sum(1 for o in outcomes.values() if o["exit"] == 0)
    lines = sum(outcomes[n]["lines"] for n in outcomes) + sum(
        len(printed_lines(corpus / "executed" / n)) for n in names if n not in outcomes
    )
    reproduced = sum(o["reproduced"] for o in outcomes.values())
    summary = {
        "notebooks": len(names),
        "exit 0": f"{ran}/{len(names)} ({ran / max(len(names), 1):.1%})",
        "printed lines reproduced": f"{reproduced}/{lines} ({reproduced / max(lines, 1):.1%})",
        "unstable lines left out": sum(o["unstable"] for o in outcomes.values()),
        "notebooks re-run for stability": sum(o["rerun"] for o in outcomes.values()),
    }
    failures = []
    if ran / max(len(names), 1) < FLOOR_RUNS:
        failures.append(f"runnable packages exit 0 for {ran}/{len(names)} < 95%")
    if reproduced / max(lines, 1) < FLOOR_LINES:
        failures.append(f"printed lines reproduced {reproduced}/{lines} < 98%")
    return summary, failures
