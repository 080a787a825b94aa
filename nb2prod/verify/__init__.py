"""`nb2prod verify`: run the notebook and its package and compare what both computed.

The comparison covers every value the plan threads between steps (as each step ends),
the lines the notebook printed (which the package must log, verbatim), and the files
both wrote. It executes user code, so it runs only when asked, in temporary copies.
"""

from __future__ import annotations

import ast
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from nb2prod.analysis.facts import CellFacts
from nb2prod.planning.plan import Plan
from nb2prod.planning.printed_lines import UNSTABLE
from nb2prod.verify.compare import Tolerance, Verdict, compare
from nb2prod.verify.copying import (
    MAX_COPY_BYTES,
    CopyRules,
    describe_skips,
    scratch_folder,
)
from nb2prod.verify.interrupts import Interrupted, VerifyInterrupted, interrupt_guard
from nb2prod.verify.runs import SideResult


class Row(NamedTuple):
    """One compared item: a value after a step, the printed lines, or a file."""

    step: str
    name: str
    status: str  # equal | close | different | not comparable
    detail: str = ""


class VerifyReport(NamedTuple):
    notebook: str
    package: str
    rows: tuple[Row, ...]
    seeded: bool  # both sides got the same seed because the notebook does not seed
    notes: tuple[str, ...]

    @property
    def different(self) -> bool:
        return any(row.status == "different" for row in self.rows)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for row in self.rows:
            found[row.status] = found.get(row.status, 0) + 1
        return found


def verify(
    notebook_path: str,
    package_dir: str,
    *,
    python: str | None = None,
    tolerance: Tolerance | None = None,
    cell_timeout: int = 600,
    run_timeout: int = 3600,
    max_copy_bytes: int = MAX_COPY_BYTES,
) -> VerifyReport:
    """Run both sides and compare; raises `Nb2ProdError` when a side cannot run, and
    `VerifyInterrupted` (after stopping both sides and removing every temporary
    folder) on SIGINT, SIGTERM or SIGHUP."""
    with interrupt_guard():
        try:
            return _verify(
                notebook_path,
                package_dir,
                python=python or sys.executable,
                tolerance=tolerance or Tolerance(),
                cell_timeout=cell_timeout,
                run_timeout=run_timeout,
                max_copy_bytes=max_copy_bytes,
            )
        except Interrupted as interrupt:
            raise VerifyInterrupted(notebook_path, interrupt.signum) from None


def _verify(
    notebook_path: str,
    package_dir: str,
    *,
    python: str,
    tolerance: Tolerance,
    cell_timeout: int,
    run_timeout: int,
    max_copy_bytes: int,
) -> VerifyReport:
    from nb2prod.analysis import analyze_parsed
    from nb2prod.convert import plan_notebook
    from nb2prod.errors import ConfigError
    from nb2prod.reading.notebook import read_notebook
    from nb2prod.reading.parsing import parse_notebook
    from nb2prod.settings import recorded_options
    from nb2prod.verify.runs import RunSettings, run_notebook, run_package

    notebook = read_notebook(notebook_path)
    folder = Path(package_dir)
    packages = sorted(p.parent.name for p in folder.glob("src/*/pipeline.py"))
    if not packages:  # a library package (the notebook only defines things)
        packages = sorted(p.parent.name for p in folder.glob("src/*/__init__.py"))
    if len(packages) != 1:
        raise ConfigError(
            package_dir,
            "no package converted by nb2prod here (src/PACKAGE/pipeline.py); "
            f"run `nb2prod convert {notebook_path} -o {package_dir}` first",
        )
    # convert's options as the package records them (none: an older package)
    planned = plan_notebook(notebook, packages[0], recorded_options(folder))
    plan = planned.plan
    if plan.kind == "library":
        return _verify_library(notebook_path, folder, plan, python, run_timeout)
    if not (folder / "src" / plan.package / "pipeline.py").is_file():
        raise ConfigError(
            package_dir,
            "no pipeline here (src/PACKAGE/pipeline.py) although the notebook does "
            f"work; run `nb2prod convert {notebook_path} -o {package_dir}` again",
        )
    # the notebook as written runs, not as planned (its literals named as settings)
    written = analyze_parsed(notebook.path, parse_notebook(notebook)).cells
    refuse_absolute_writes(notebook_path, written)
    path = Path(notebook_path)
    rules = CopyRules(max_copy_bytes, named_paths(written))
    with scratch_folder() as scratch:
        settings = RunSettings(scratch, python, cell_timeout, run_timeout, rules)
        ours = run_notebook(path, plan, settings)
        theirs = run_package(path, folder, plan, settings)
    rows = compare_sides(plan, ours, theirs, tolerance)
    seeds = any(call.kind == "seed" for cell in written for call in cell.randomness)
    notes = [
        "both sides ran with the global random generators seeded with 0"
        + ("" if seeds else " (the notebook does not seed them itself)")
    ]
    notes += describe_skips(dict.fromkeys((*ours.skipped, *theirs.skipped)))
    return VerifyReport(
        notebook_path, plan.package, tuple(rows), not seeds, tuple(notes)
    )


def _verify_library(
    notebook_path: str, folder: Path, plan: Plan, python: str, timeout: int
) -> VerifyReport:
    """A library has no pipeline to compare: its modules must import."""
    from nb2prod.verify.library import NOTE, import_modules

    with scratch_folder() as scratch:
        errors = import_modules(folder, plan, scratch, python, timeout)
    rows = tuple(
        (
            Row("import", module, "equal", "imports")
            if error is None
            else Row("import", module, "different", error)
        )
        for module, error in errors.items()
    )
    return VerifyReport(notebook_path, plan.package, rows, False, (NOTE,))


def refuse_absolute_writes(notebook_path: str, cells: Sequence[CellFacts]) -> None:
    """Writing to an absolute path would reach the user's own folders, whatever verify
    copies: such a notebook is not run."""
    from nb2prod.analysis.literals import is_absolute_or_user_path
    from nb2prod.verify.runs import RunFailure

    for cell in cells:
        for call in cell.io:
            if (
                call.kind == "write"
                and call.path
                and is_absolute_or_user_path(call.path)
            ):
                raise RunFailure(
                    notebook_path,
                    f"the notebook writes to {call.path!r}, outside the temporary copy "
                    "verify runs it in; make the path relative to run verify",
                    cell=cell.index,
                    line=call.line,
                )


def named_paths(cells: Sequence[CellFacts]) -> tuple[str, ...]:
    """The literal paths the notebook reads, writes or assigns: what its working copy
    keeps even past the size budget."""
    named = [call.path for cell in cells for call in cell.io if call.path]
    for cell in cells:
        for literal in cell.literals:
            if literal.kind == "path":
                with contextlib.suppress(ValueError, SyntaxError):
                    value = ast.literal_eval(literal.value)
                    if isinstance(value, str):
                        named.append(value)
    return tuple(sorted(set(named)))


def compare_sides(
    plan: Plan, ours: SideResult, theirs: SideResult, tolerance: Tolerance
) -> list[Row]:
    """Rows for every value threaded between steps, the printed lines and the files."""
    rows: list[Row] = []
    for step in plan.steps:
        left = ours.steps.get(step.name, {})
        right = theirs.steps.get(step.name, {})
        for name in step.returns:
            verdict = compare(
                left.get(name, {"kind": "missing"}),
                right.get(name, {"kind": "missing"}),
                tolerance,
            )
            rows.append(Row(step.name, name, verdict.status, verdict.detail))
    rows.append(_lines(ours.lines, theirs.lines))
    rows += _files(ours.files, theirs.files)
    return rows


def _lines(printed: list[str], logged: list[str]) -> Row:
    """Every stable line the notebook printed must appear inside a logged line."""
    stable = [line for line in printed if not UNSTABLE.search(line)]
    missing = [line for line in stable if not any(line in entry for entry in logged)]
    detail = f"{len(stable) - len(missing)}/{len(stable)} printed lines logged"
    if missing:
        return Row(
            "output",
            "printed lines",
            "different",
            f"{detail}; first missing: {missing[0][:80]!r}",
        )
    skipped = len(printed) - len(stable)
    if skipped:
        detail += f" ({skipped} unstable lines left out)"
    return Row("output", "printed lines", "equal", detail)


def _files(ours: dict[str, str], theirs: dict[str, str]) -> list[Row]:
    """Files the notebook wrote, against the same paths in the package's run."""
    rows = []
    for relative in sorted(ours):
        if relative not in theirs:
            rows.append(
                Row("files", relative, "different", "the package did not write it")
            )
        elif Path(relative).suffix.lower() in (".png", ".jpg", ".jpeg", ".svg", ".pdf"):
            rows.append(
                Row(
                    "files",
                    relative,
                    "not comparable",
                    "images are not compared by pixels",
                )
            )
        elif ours[relative] == theirs[relative]:
            rows.append(Row("files", relative, "equal"))
        else:
            rows.append(Row("files", relative, "different", "its bytes differ"))
    return rows


__all__ = [
    "Row",
    "Tolerance",
    "Verdict",
    "VerifyInterrupted",
    "VerifyReport",
    "compare_sides",
    "verify",
]
