"""Run both sides of a verification in fresh processes, each in its own temporary copy
of the notebook's folder: the notebook top to bottom in a kernel (nbclient), with a
capture cell after each step's last cell; the package's `run()` with its step functions
wrapped to capture what each returns, started through its command line as
`python -m PACKAGE` would be. Both sides seed the global generators the same
way and write what they captured to a JSON file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

from nb2prod.errors import Nb2ProdError
from nb2prod.planning.plan import Plan

_CAPTURE = (Path(__file__).parent / "capture.py").read_text(encoding="utf-8")
#: The largest folder copied for a run; beyond it the run would be a disk hazard.
MAX_COPY_BYTES = 512 * 1024 * 1024
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

_EXECUTE_NOTEBOOK = """
import sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
path, folder, timeout, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
notebook = nbformat.read(path, as_version=4)
client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                        resources={"metadata": {"path": folder}})
try:
    client.execute()
except CellTimeoutError:
    print("a cell ran longer than the timeout", file=sys.stderr); sys.exit(3)
except CellExecutionError as error:
    lines = [line for line in str(error).splitlines() if line.strip()]
    print(lines[-1] if lines else "a cell raised", file=sys.stderr); sys.exit(4)
nbformat.write(notebook, out)
"""

_RUN_PACKAGE = """
import importlib, json, logging, sys
source, package, steps_json, out, outputs = sys.argv[1:6]
sys.path.insert(0, source)
namespace = {}
exec(compile(open(sys.argv[6], encoding="utf-8").read(), "capture.py", "exec"), namespace)
namespace["seed_everything"](0)
lines = []
class Keep(logging.StreamHandler):
    def emit(self, record):
        lines.append(record.getMessage())
        super().emit(record)
logging.basicConfig(level=logging.DEBUG, handlers=[Keep(sys.stderr)],
                    format="%(levelname)s %(name)s: %(message)s")
pipeline = importlib.import_module(package + ".pipeline")
config_module = importlib.import_module(package + ".config")
captured = {}
def wrap(name, returns, function):
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        values = result if len(returns) > 1 else (result,)
        captured[name] = namespace["snapshot_names"](returns, dict(zip(returns, values)))
        return result
    return wrapper
for name, returns in json.loads(steps_json):
    setattr(pipeline, name, wrap(name, returns, getattr(pipeline, name)))
command = importlib.import_module(package + ".__main__")
try:
    command.app(["--output-dir", outputs, "--log-level", "DEBUG"], standalone_mode=False)
finally:
    namespace["dump"](out, {"steps": captured, "lines": lines})
"""


class SideResult(NamedTuple):
    """What one side computed: snapshots per step, its text lines, the files it wrote."""

    steps: dict[str, dict[str, Any]]
    lines: list[str]
    files: dict[str, str]  # relative path -> sha256 prefix


class RunFailure(Nb2ProdError):
    """A side of the verification could not run (exit code 2 territory)."""


#: Folders a notebook never reads its data from: environments, caches, version control.
_SKIPPED = (".git", ".venv", "venv", ".tox", "node_modules", "__pycache__")
_SKIPPED_PATTERNS = (".*cache*", ".ipynb_checkpoints")


def working_copy(folder: Path, skip: Path | None = None) -> Path:
    """A temporary copy of the folder the notebook runs in (never the original),
    without virtual environments, caches, version control and `skip` (the package)."""
    ignore = shutil.ignore_patterns(*_SKIPPED, *_SKIPPED_PATTERNS)
    skipped = skip.resolve() if skip is not None else None

    def ignored(directory: str, names: list[str]) -> set[str]:
        found = set(ignore(directory, names))
        if skipped is not None:
            found |= {n for n in names if (Path(directory) / n).resolve() == skipped}
        return found

    size = 0
    for root, directories, files in os.walk(folder):
        dropped = ignored(root, [*directories, *files])
        directories[:] = [d for d in directories if d not in dropped]
        size += sum(
            (Path(root) / name).stat().st_size for name in files if name not in dropped
        )
    if size > MAX_COPY_BYTES:
        raise RunFailure(
            str(folder),
            f"the notebook's folder holds {size // 2**20} MiB; verify copies it "
            f"and stops at {MAX_COPY_BYTES // 2**20} MiB",
        )
    target = Path(tempfile.mkdtemp(prefix="nb2prod-verify-")) / "work"
    shutil.copytree(folder, target, ignore=ignored, symlinks=True)
    return target


def instrumented_notebook(
    document: dict[str, Any], plan: Plan, out: Path
) -> dict[str, Any]:
    """The notebook with a set-up cell first and a capture cell after each step."""
    cells = [dict(cell) for cell in document.get("cells", [])]
    boundaries = {step.cells[-1]: step for step in plan.steps if step.cells}
    result: list[dict[str, Any]] = [
        _code(
            f"__nb2prod = {{}}\nexec({_CAPTURE!r}, __nb2prod)\n"
            f"__nb2prod['seed_everything'](0)\n__nb2prod_captured = {{}}"
        )
    ]
    for index, cell in enumerate(cells):
        result.append(cell)
        step = boundaries.get(index)
        if step is not None:
            result.append(
                _code(
                    f"__nb2prod_captured[{step.name!r}] = __nb2prod['snapshot_names']"
                    f"({list(step.returns)!r}, globals())"
                )
            )
    result.append(
        _code(f"__nb2prod['dump']({str(out)!r}, {{'steps': __nb2prod_captured}})")
    )
    instrumented = dict(document)
    instrumented["cells"] = result
    return instrumented


def _code(source: str) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "metadata": {"tags": ["nb2prod-verify"]},
        "execution_count": None,
        "outputs": [],
        "source": source,
    }


def run_notebook(
    notebook: Path, plan: Plan, python: str, timeout: int, run_timeout: int
) -> SideResult:
    """Execute the instrumented notebook in a working copy of its folder."""
    work = working_copy(notebook.parent)
    try:
        before = _files(work)
        out = work.parent / "notebook.json"
        document = json.loads(notebook.read_text(encoding="utf-8"))
        path = work.parent / "instrumented.ipynb"
        path.write_text(json.dumps(instrumented_notebook(document, plan, out)))
        executed = work.parent / "executed.ipynb"
        _run(
            [
                python,
                "-c",
                _EXECUTE_NOTEBOOK,
                str(path),
                str(work),
                str(timeout),
                str(executed),
            ],
            work,
            run_timeout,
            "the notebook",
            notebook,
        )
        captured = json.loads(out.read_text(encoding="utf-8"))
        lines = notebook_printed_lines(json.loads(executed.read_text(encoding="utf-8")))
        return SideResult(captured["steps"], lines, _written(work, before))
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


def run_package(
    notebook: Path, package_dir: Path, plan: Plan, python: str, run_timeout: int
) -> SideResult:
    """Run the package's pipeline in a working copy of the notebook's folder."""
    work = working_copy(notebook.parent, skip=package_dir)
    try:
        before = _files(work)
        out = work.parent / "package.json"
        capture = work.parent / "capture.py"
        capture.write_text(_CAPTURE, encoding="utf-8")
        steps = json.dumps([[step.name, list(step.returns)] for step in plan.steps])
        _run(
            [
                python,
                "-c",
                _RUN_PACKAGE,
                str(package_dir.resolve() / "src"),
                plan.package,
                steps,
                str(out),
                str(work.parent / "outputs"),
                str(capture),
            ],
            work,
            run_timeout,
            "the package",
            package_dir,
        )
        captured = json.loads(out.read_text(encoding="utf-8"))
        return SideResult(captured["steps"], captured["lines"], _written(work, before))
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


def _run(command: list[str], cwd: Path, timeout: int, side: str, subject: Path) -> None:
    """Run one side; failures name `subject` (the notebook or the package folder)."""
    environment = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RunFailure(str(subject), f"{side} ran longer than {timeout} s") from None
    if completed.returncode != 0:
        stderr = _ANSI.sub("", completed.stderr)
        lines = [line for line in stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit code {completed.returncode}"
        if "No module named 'nbclient'" in stderr:
            reason = "nbclient is not installed (pip install 'nb2prod[verify]')"
        raise RunFailure(str(subject), f"{side} failed: {reason}")


def notebook_printed_lines(document: dict[str, Any]) -> list[str]:
    """What the notebook's Python printed: not our capture cells, and not cells with
    shell escapes or help (their output is the shell's; the package drops them)."""
    from nb2prod.magics import translate_cell

    lines = []
    for cell in document.get("cells", []):
        if "nb2prod-verify" in cell.get("metadata", {}).get("tags", []):
            continue
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


def _files(folder: Path) -> dict[str, float]:
    return {
        str(p.relative_to(folder)): p.stat().st_mtime
        for p in folder.rglob("*")
        if p.is_file()
    }


def _written(folder: Path, before: dict[str, float]) -> dict[str, str]:
    """Files created or changed during the run, with a digest of their bytes."""
    import hashlib

    written = {}
    for relative, modified in _files(folder).items():
        if before.get(relative) != modified:
            digest = hashlib.sha256((folder / relative).read_bytes()).hexdigest()[:16]
            written[relative] = digest
    return written
