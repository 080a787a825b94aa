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
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

from nb2prod.errors import Nb2ProdError
from nb2prod.planning.plan import Plan
from nb2prod.verify.copying import (
    CopyRules,
    Skip,
    WorkingCopy,
    remove_tree,
    working_copy,
)
from nb2prod.verify.interrupts import shielded
from nb2prod.verify.processes import run_process

_CAPTURE = (Path(__file__).parent / "capture.py").read_text(encoding="utf-8")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: Both sides stop when nb2prod is killed outright (SIGKILL runs no cleanup): a thread
#: sends SIGTERM to the side's process group once its parent is gone.
_STOP_WHEN_ORPHANED = """
import os as _os, signal as _signal, threading as _threading, time as _time
def _stop_when_orphaned(parent=_os.getppid()):
    while _os.getppid() == parent:
        _time.sleep(0.5)
    _os.killpg(_os.getpgid(0), _signal.SIGTERM)
if hasattr(_os, "killpg"):
    _threading.Thread(target=_stop_when_orphaned, daemon=True).start()
"""

_EXECUTE_NOTEBOOK = _STOP_WHEN_ORPHANED + """
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

_RUN_PACKAGE = _STOP_WHEN_ORPHANED + """
import importlib, json, logging, sys
source, package, steps_json, out, outputs = sys.argv[1:6]
sys.path.insert(0, source)
namespace = {}
exec(compile(open(sys.argv[6], encoding="utf-8").read(), "capture.py", "exec"), namespace)
namespace["seed_everything"](0, json.loads(sys.argv[7]))
lines = []
class Keep(logging.StreamHandler):
    def emit(self, record):
        try:
            lines.append(record.getMessage())
        except Exception:  # a record that cannot format: logging reports it itself
            pass
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


#: Frameworks with global generators of their own, seeded when the notebook imports them.
FRAMEWORKS = ("torch", "tensorflow")


def seeded_frameworks(plan: Plan) -> list[str]:
    """The frameworks of FRAMEWORKS the notebook imports (both sides seed them)."""
    imported = {name for r in plan.requirements for name in r.imports}
    return [name for name in FRAMEWORKS if name in imported]


class SideResult(NamedTuple):
    """What one side computed: snapshots per step, its text lines, the files it wrote."""

    steps: dict[str, dict[str, Any]]
    lines: list[str]
    files: dict[str, str]  # relative path -> sha256 prefix
    skipped: tuple[Skip, ...] = ()  # what its working copy left out


class RunFailure(Nb2ProdError):
    """A side of the verification could not run (exit code 2 territory)."""


class RunSettings(NamedTuple):
    """How both sides run: where verify's temporary folders go, with which interpreter
    and time limits, and what their working copies may hold."""

    scratch: Path
    python: str
    cell_timeout: int
    run_timeout: int
    rules: CopyRules


def instrumented_notebook(
    document: dict[str, Any], plan: Plan, out: Path
) -> dict[str, Any]:
    """The notebook with a set-up cell first and a capture cell after each step."""
    cells = [dict(cell) for cell in document.get("cells", [])]
    boundaries = {step.cells[-1]: step for step in plan.steps if step.cells}
    result: list[dict[str, Any]] = [
        _code(
            f"__nb2prod = {{}}\nexec({_CAPTURE!r}, __nb2prod)\n"
            f"__nb2prod['seed_everything'](0, {seeded_frameworks(plan)!r})\n"
            "__nb2prod_captured = {}"
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


def run_notebook(notebook: Path, plan: Plan, settings: RunSettings) -> SideResult:
    """Execute the instrumented notebook in a working copy of its folder."""
    side = settings.scratch / "notebook"
    try:
        copy = working_copy(notebook.parent, _mirrored(side, notebook), settings.rules)
        _place_local_modules(plan, copy.path, side)
        before = _files(copy.path)
        out = side / "notebook.json"
        document = json.loads(notebook.read_text(encoding="utf-8"))
        path = side / "instrumented.ipynb"
        path.write_text(json.dumps(instrumented_notebook(document, plan, out)))
        executed = side / "executed.ipynb"
        arguments = [str(path), str(copy.path), str(settings.cell_timeout)]
        _run(
            [settings.python, "-c", _EXECUTE_NOTEBOOK, *arguments, str(executed)],
            copy,
            settings,
            "the notebook",
            notebook,
        )
        captured = json.loads(out.read_text(encoding="utf-8"))
        lines = notebook_printed_lines(json.loads(executed.read_text(encoding="utf-8")))
        written = _written(copy.path, before)
        return SideResult(captured["steps"], lines, written, copy.skipped)
    finally:
        with shielded():
            remove_tree(side)


def run_package(
    notebook: Path, package_dir: Path, plan: Plan, settings: RunSettings
) -> SideResult:
    """Run the package's pipeline, imported from a copy of its `src/` (so that nothing,
    not even `__pycache__`, lands in the package), in a working copy of the notebook's
    folder."""
    side = settings.scratch / "package"
    try:
        source = working_copy(package_dir / "src", side / "src", CopyRules()).path
        work = _mirrored(side, notebook)
        copy = working_copy(notebook.parent, work, settings.rules, package_dir)
        before = _files(copy.path)
        out = side / "package.json"
        capture = side / "capture.py"
        capture.write_text(_CAPTURE, encoding="utf-8")
        steps = json.dumps([[step.name, list(step.returns)] for step in plan.steps])
        outputs = side / "outputs"
        arguments = [str(source), plan.package, steps, str(out), str(outputs)]
        _run(
            [
                settings.python,
                "-c",
                _RUN_PACKAGE,
                *arguments,
                str(capture),
                json.dumps(seeded_frameworks(plan)),
            ],
            copy,
            settings,
            "the package",
            package_dir,
        )
        captured = json.loads(out.read_text(encoding="utf-8"))
        written = _written(copy.path, before)
        return SideResult(captured["steps"], captured["lines"], written, copy.skipped)
    finally:
        with shielded():
            remove_tree(side)


def _place_local_modules(plan: Plan, copy: Path, side: Path) -> None:
    """Put the modules the notebook imports from outside its folder (`sys.path.insert(0,
    "..")`) where its `sys.path` changes reach them in the copy: the same relative
    places, which the mirrored copy keeps inside verify's temporary folder."""
    for module in plan.local_modules:
        base = (copy / module.origin).parent.resolve()
        if not base.is_relative_to(side.resolve()):
            continue  # a path climbing out of the temporary folder: never written
        for relative, text in module.files:
            destination = base / relative
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_text(text, encoding="utf-8")


def _mirrored(side: Path, notebook: Path) -> Path:
    """Where the copy of the notebook's folder goes: as deep inside `side` as the folder
    is in the file system, so that a relative path climbing out of it (`../../out`)
    lands in verify's temporary folder, never next to it."""
    folder = notebook.parent.resolve()
    return side / "root" / folder.relative_to(folder.anchor)


def _run(
    command: list[str],
    copy: WorkingCopy,
    settings: RunSettings,
    side: str,
    subject: Path,
) -> None:
    """Run one side in its working copy; failures name `subject` (the notebook or the
    package folder), and what the copy left out when that may be the cause."""
    log = settings.scratch / "stderr.txt"  # outside the copy: not a file the run wrote
    try:
        returncode = run_process(
            command,
            copy.path,
            child_environment(settings.scratch),
            settings.run_timeout,
            log,
        )
    except subprocess.TimeoutExpired:
        raise RunFailure(
            str(subject), f"{side} ran longer than {settings.run_timeout} s"
        ) from None
    except OSError as error:
        raise RunFailure(
            str(subject), f"cannot start {settings.python}: {error.strerror or error}"
        ) from None
    if returncode != 0:
        stderr = _ANSI.sub("", log.read_text(encoding="utf-8", errors="replace"))
        lines = [line for line in stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit code {returncode}"
        if "No module named 'nbclient'" in stderr:
            reason = "nbclient is not installed (pip install 'nb2prod[verify]')"
        raise RunFailure(str(subject), f"{side} failed: {reason}{_left_out(copy)}")


def _left_out(copy: WorkingCopy) -> str:
    """Large files the copy did not hold: a likely cause of a failure, so named."""
    paths = [skip.path for skip in copy.skipped if skip.reason == "budget"]
    if not paths:
        return ""
    return f" (verify did not copy {len(paths)} large files: {', '.join(paths[:3])})"


def child_environment(scratch: Path) -> dict[str, str]:
    """The environment of both sides: the same seeds and backend, no bytecode written
    next to any source, and temporary and Jupyter runtime files inside `scratch`."""
    for folder in ("tmp", "runtime"):
        (scratch / folder).mkdir(exist_ok=True)
    return {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TMPDIR": str(scratch / "tmp"),
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
    }


def notebook_printed_lines(document: dict[str, Any]) -> list[str]:
    """What the notebook's Python printed: not our capture cells, and not cells with
    shell escapes or help (their output is the shell's; the package drops them)."""
    from nb2prod.reading.magics import translate_cell

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
