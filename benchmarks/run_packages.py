"""Run the converted packages of the runnable corpus notebooks, compare their logs with
what the notebooks printed (the stored `executed/` copies), and verify them (the
notebook re-run in a kernel against the package, value by value).

A line the notebook printed counts as reproduced when it appears, verbatim, inside a
line the package logged. Lines that cannot be stable (timings, memory addresses,
progress bars) are left out of the comparison, and reported as such.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nb2prod.convert import plan_notebook
from nb2prod.errors import Nb2ProdError
from nb2prod.reading.notebook import read_notebook
from nb2prod.verify import UNSTABLE, Tolerance, compare_sides
from nb2prod.verify.copying import CopyRules, scratch_folder
from nb2prod.verify.runs import (
    RunSettings,
    notebook_printed_lines,
    run_notebook,
    run_package,
)

FLOOR_RUNS = 0.95
FLOOR_LINES = 0.98
FLOOR_VERIFY_COMPLETES = 0.95
FLOOR_VERIFY_SAME = 0.90


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
    return notebook_printed_lines(json.loads(executed.read_text(encoding="utf-8")))


def run_one(corpus: Path, name: str, entry: dict, python: str, timeout: int = 300) -> dict:  # type: ignore[type-arg]
    """Verify one converted package from a fresh folder holding a copy of its notebook:
    the package runs through its command line, the notebook runs again in a kernel
    (which tells which printed lines are stable), and what both computed is compared."""
    folder = Path(tempfile.mkdtemp(prefix="nb2prod-run-"))
    try:
        notebook = folder / name
        shutil.copy(corpus / "notebooks" / name, notebook)
        plan = plan_notebook(read_notebook(str(notebook)), entry["package"]).plan
        package_dir = Path(entry["folder"])
        with scratch_folder() as scratch:
            settings = RunSettings(scratch, python, 60, timeout, CopyRules())
            try:
                theirs, error = run_package(notebook, package_dir, plan, settings), None
            except Nb2ProdError as failure:
                theirs, error = None, failure.message
            try:
                ours, notebook_error = run_notebook(notebook, plan, settings), None
            except Nb2ProdError as failure:
                ours, notebook_error = None, failure.message
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    expected = printed_lines(corpus / "executed" / name)
    stable = [line for line in expected if not UNSTABLE.search(line)]
    if ours is not None:  # stable: the same when the notebook runs a second time
        again = set(ours.lines)
        stable = [line for line in stable if line in again]
    logged = theirs.lines if theirs is not None else []
    found = sum(1 for line in stable if any(line in message for message in logged))
    outcome = {
        "exit": 0 if theirs is not None else 1,
        "lines": len(stable),
        "reproduced": found,
        "rerun": ours is not None,
        "unstable": len(expected) - len(stable),
        "error": error,
        "verify": None,
        # a notebook that trains a model: did the package's run save it?
        "model": (
            None
            if plan.model is None
            else theirs is not None
            and any(path.startswith("models/v0001/") for path in theirs.files)
        ),
    }
    if ours is not None and theirs is not None:
        rows = compare_sides(plan, ours, theirs, Tolerance())
        outcome["verify_counts"] = dict(Counter(row.status for row in rows))
        outcome["verify"] = [
            f"{row.step}.{row.name}: {row.detail}"
            for row in rows
            if row.status == "different"
        ]
    else:
        outcome["verify_error"] = notebook_error or error
    return outcome


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
    verified = [o for o in outcomes.values() if o["verify"] is not None]
    same = sum(1 for o in verified if not o["verify"])
    summary = {
        "notebooks": len(names),
        "exit 0": f"{ran}/{len(names)} ({ran / max(len(names), 1):.1%})",
        "printed lines reproduced": f"{reproduced}/{lines} ({reproduced / max(lines, 1):.1%})",
        "unstable lines left out": sum(o["unstable"] for o in outcomes.values()),
        "notebooks re-run for stability": sum(o["rerun"] for o in outcomes.values()),
        "verify completed": f"{len(verified)}/{len(names)} ({len(verified) / max(len(names), 1):.1%})",
        "verify equal/close": f"{same}/{len(verified)} ({same / max(len(verified), 1):.1%})",
        "models saved by the run": "{}/{}".format(
            sum(1 for o in outcomes.values() if o["model"]),
            sum(1 for o in outcomes.values() if o["model"] is not None),
        ),
        "verify rows by result": dict(
            sum(
                (Counter(o.get("verify_counts", {})) for o in outcomes.values()),
                Counter(),
            )
        ),
        "verify differences": {
            n: o["verify"][:3] for n, o in outcomes.items() if o["verify"]
        },
        "verify could not run": {
            n: o["verify_error"] for n, o in outcomes.items() if o["verify"] is None
        },
    }
    failures = []
    if ran / max(len(names), 1) < FLOOR_RUNS:
        failures.append(f"runnable packages exit 0 for {ran}/{len(names)} < 95%")
    if reproduced / max(lines, 1) < FLOOR_LINES:
        failures.append(f"printed lines reproduced {reproduced}/{lines} < 98%")
    if len(verified) / max(len(names), 1) < FLOOR_VERIFY_COMPLETES:
        failures.append(f"verify completed {len(verified)}/{len(names)} < 95%")
    if same / max(len(verified), 1) < FLOOR_VERIFY_SAME:
        failures.append(f"verify equal/close {same}/{len(verified)} < 90%")
    return summary, failures
