"""`nb2prod verify` on a library package: the notebook only defines functions and
classes, so there is no pipeline to run and compare with it. Each module of the
package is imported instead, from a copy of its `src/`, in a fresh interpreter: a
module that fails to import is a difference."""

from __future__ import annotations

import subprocess
from pathlib import Path

from nb2prod.planning.plan import Plan
from nb2prod.verify.copying import CopyRules, working_copy
from nb2prod.verify.processes import run_process
from nb2prod.verify.runs import child_environment

NOTE = (
    "a library package: the notebook only defines functions and classes, so there is "
    "no pipeline to run and compare; each module was imported instead"
)

_IMPORT = """
import importlib, sys
sys.path.insert(0, sys.argv[1])
failed = 0
for name in sys.argv[2:]:
    try:
        importlib.import_module(name)
    except BaseException as error:
        failed = 1
        message = " ".join(str(error).split())
        sys.stderr.write(f"{name}\\t{type(error).__name__}: {message}\\n")
sys.exit(failed)
"""


def library_modules(package_dir: Path, package: str) -> list[str]:
    """The importable modules of the package's `src/PACKAGE/`, the package first."""
    source = package_dir / "src" / package
    names = [
        f"{package}.{path.stem}"
        for path in sorted(source.glob("*.py"))
        if path.stem not in ("__init__", "__main__")
    ]
    return [package, *names]


def import_modules(
    package_dir: Path, plan: Plan, scratch: Path, python: str, timeout: int
) -> dict[str, str | None]:
    """Module -> None when it imports, else the error (or why nothing could run)."""
    modules = library_modules(package_dir, plan.package)
    source = working_copy(package_dir / "src", scratch / "src", CopyRules()).path
    work = scratch / "work"
    work.mkdir()
    log = scratch / "import-stderr.txt"
    try:
        code = run_process(
            [python, "-c", _IMPORT, str(source), *modules],
            work,
            child_environment(scratch),
            timeout,
            log,
        )
    except subprocess.TimeoutExpired:
        return dict.fromkeys(modules, f"importing took longer than {timeout} s")
    except OSError as failure:
        return dict.fromkeys(modules, f"cannot start {python}: {failure}")
    errors: dict[str, str | None] = dict.fromkeys(modules)
    if code != 0:
        text = log.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            name, tab, error = line.partition("\t")
            if tab and name in errors:
                errors[name] = error
        if all(error is None for error in errors.values()):
            lines = [line for line in text.splitlines() if line.strip()]
            errors[plan.package] = lines[-1] if lines else f"exit code {code}"
    return errors
