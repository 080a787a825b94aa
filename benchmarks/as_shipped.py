"""As-shipped report: do the packages of the runnable corpus notebooks work the way a
user installs them, not in nb2prod's environment?

    python -m benchmarks.as_shipped [--corpus DIR] [--out DIR] [--sample N]

For each runnable notebook: convert it, create a fresh virtual environment from the
Python the package's Dockerfile names, install only `requirements.txt`, the package
itself with `--no-deps`, and its `test` extra (as its CI does), then run
`python -m PKG` in a copy of the notebook's folder and the package's own `pytest`.
Packages with the same requirements share an environment (created once per run).
Exits 1 when fewer than 95 % of the notebooks pass both (issue 13's floor).
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import add_corpus_argument
from benchmarks.run_packages import runnable
from nb2prod.convert import convert_notebook
from nb2prod.errors import Nb2ProdError
from nb2prod.reading.notebook import read_notebook
from nb2prod.writer import write_package

FLOOR = 0.95
RUN_TIMEOUT = 900


def interpreter(version: str) -> str | None:
    """A Python of `version` (major.minor) on this machine, or None."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found:
        return found
    candidates = sorted(
        glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python"))
    )
    return candidates[-1] if candidates else None


def test_extra(package: Path) -> list[str]:
    """The requirements of the package's `test` extra, as its pyproject.toml says."""
    import tomllib

    data = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
    extras = data.get("project", {}).get("optional-dependencies", {})
    return list(extras.get("test", []))


def environment(python: str, package: Path, venvs: Path) -> tuple[Path, str | None]:
    """The venv for this package's requirements (made once), and an install error."""
    requirements = (package / "requirements.txt").read_text(encoding="utf-8")
    extra = test_extra(package)
    key = hashlib.sha256(f"{python}\n{requirements}\n{extra}".encode()).hexdigest()
    venv = venvs / key[:16]
    marker = venv / "nb2prod-ready"
    if marker.exists():
        return venv, None
    if (venv / "nb2prod-failed").exists():
        return venv, (venv / "nb2prod-failed").read_text(encoding="utf-8")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    for step in (
        [*pip, "-r", str(package / "requirements.txt")],
        [*pip, *extra] if extra else None,
    ):
        if step is None:
            continue
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            error = _tail(done.stderr or done.stdout)
            (venv / "nb2prod-failed").write_text(error, encoding="utf-8")
            return venv, error
    marker.write_text("", encoding="utf-8")
    return venv, None


def check_one(corpus: Path, name: str, out: Path) -> dict[str, object]:
    """Convert, install as shipped, run the pipeline and the package's tests."""
    notebook = corpus / "notebooks" / name
    started = time.perf_counter()
    try:
        result = convert_notebook(read_notebook(str(notebook)))
    except Nb2ProdError as error:
        return {"stage": "convert", "error": error.message}
    plan = result.plan
    package = out / "packages" / Path(name).stem
    shutil.rmtree(package, ignore_errors=True)
    write_package(result.package, package)
    python = interpreter(plan.python_version)
    if python is None:
        return {"stage": "python", "error": f"no Python {plan.python_version} here"}
    venv, error = environment(python, package, out / "venvs")
    if error is not None:
        return {"stage": "install requirements", "error": error}
    venv_python = str(venv / "bin" / "python")
    install = subprocess.run(
        [venv_python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
         str(package)],
        capture_output=True, text=True,
    )  # fmt: skip
    if install.returncode != 0:
        return {"stage": "install package", "error": _tail(install.stderr)}
    with tempfile.TemporaryDirectory(prefix="nb2prod-shipped-") as folder:
        shutil.copy(notebook, Path(folder) / name)
        environment_variables = {
            "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
            "HOME": folder,
            "MPLBACKEND": "Agg",
        }
        try:
            run = subprocess.run(
                [venv_python, "-m", plan.package],
                cwd=folder, env=environment_variables,
                capture_output=True, text=True, timeout=RUN_TIMEOUT,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"stage": "run", "error": f"timed out after {RUN_TIMEOUT} s"}
        if run.returncode != 0:
            return {"stage": "run", "error": _tail(run.stderr)}
    tests = subprocess.run(
        [venv_python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package, env={**environment_variables, "HOME": str(package)},
        capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )  # fmt: skip
    if tests.returncode != 0:
        return {"stage": "pytest", "error": _tail(tests.stdout)}
    return {"stage": "ok", "seconds": round(time.perf_counter() - started, 1)}


def _tail(text: str, lines: int = 6) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return re.sub(r"/tmp/[^\s:]+", "<tmp>", "\n".join(kept))


def sample_of(names: list[str], size: int | None) -> list[str]:
    """`size` notebooks spread evenly over the sorted list (all when None)."""
    names = sorted(names)
    if size is None or size >= len(names):
        return names
    step = len(names) / size
    return [names[int(index * step)] for index in range(size)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_argument(parser)
    parser.add_argument("--out", type=Path, default=None, help="Keep packages here.")
    parser.add_argument("--sample", type=int, default=None, help="Check N notebooks.")
    options = parser.parse_args(argv)
    corpus = options.corpus
    out = options.out or Path(tempfile.mkdtemp(prefix="nb2prod-as-shipped-"))
    names = sample_of(runnable(corpus), options.sample)
    results = {}
    for name in names:
        results[name] = check_one(corpus, name, out)
        print(f"{results[name]['stage']:>22}  {name}", flush=True)
    passed = sum(1 for result in results.values() if result["stage"] == "ok")
    rate = passed / max(len(names), 1)
    summary = {
        "notebooks": len(names),
        "pass (runs and its tests pass, as shipped)": f"{passed}/{len(names)} ({rate:.1%})",
        "failures": {n: r for n, r in results.items() if r["stage"] != "ok"},
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    (out / "as_shipped.json").write_text(
        json.dumps(results, indent=2), encoding="utf-8"
    )
    if rate < FLOOR:
        print(f"FLOOR MISSED: as shipped {passed}/{len(names)} < {FLOOR:.0%}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
