"""End to end: convert the example notebooks and check the packages with real tools.

Each output must compile, be stable under the formatter and `ruff --select E9,F` clean, import
without running notebook work, be identical on a second run, install with pip, pass
its own tests, and compute what the notebook computed (printed lines in the logs).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.emit.formatting import format_file
from nb2prod.reading.magics import translate_cell
from nb2prod.reading.notebook import read_notebook
from nb2prod.writer import write_package

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = ["churn_tidy.ipynb", "churn_messy.ipynb"]


@pytest.fixture(scope="module", params=NOTEBOOKS)
def converted(request, tmp_path_factory):
    notebook = EXAMPLES / request.param
    result = convert_notebook(read_notebook(notebook))
    target = tmp_path_factory.mktemp("pkg") / result.plan.package
    write_package(result.package, target)
    return notebook, result, target


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_every_python_file_compiles_and_is_format_stable(converted):
    _, result, _ = converted
    python = {
        path: text for path, text in result.package.items() if path.endswith(".py")
    }
    assert python
    for path, text in python.items():
        compile(text, path, "exec")
        assert format_file("src/pkg/module.py", text) == text, path


@pytest.mark.slow  # starts an interpreter
def test_ruff_finds_no_errors_or_pyflakes_problems(converted):
    _, _, target = converted
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    completed = subprocess.run(
        [ruff, "check", "--select", "E9,F", "--no-cache", str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout


def test_no_print_left_and_no_get_ipython(converted):
    _, result, _ = converted
    for path, text in result.package.items():
        if path.endswith(".py"):
            names = {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)}
            assert not names & {"print", "get_ipython"}, path


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_conversion_is_deterministic(converted):
    notebook, result, _ = converted
    again = convert_notebook(read_notebook(notebook))
    assert again.package == result.package


@pytest.mark.slow  # starts an interpreter
def test_modules_import_without_running_notebook_work(converted, tmp_path):
    _, result, target = converted
    package = result.plan.package
    probe = (
        "import importlib, pathlib, sys\n"
        f"for name in {[*result.plan.modules, 'config', 'pipeline']!r}:\n"
        f"    importlib.import_module('{package}.' + name)\n"
        "print(sorted(p.name for p in pathlib.Path('.').iterdir()))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(target / "src"), "MPLBACKEND": "Agg"}, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"  # nothing written
    assert completed.stderr == ""  # nothing logged


def test_notebook_is_never_modified(tmp_path):
    copy = tmp_path / "nb.ipynb"
    shutil.copy(EXAMPLES / "churn_messy.ipynb", copy)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    convert_notebook(read_notebook(copy))
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before


@pytest.mark.slow
def test_package_installs_and_its_tests_pass(converted, tmp_path):
    notebook, _, target = converted
    if notebook.name != "churn_tidy.ipynb":  # one venv and install is enough: CI time
        pytest.skip("installed once, for churn_tidy; the corpus report installs 48")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # See this environment's packages (pandas, scikit-learn...) without copying them.
    site = subprocess.run(
        [
            str(python),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "parent.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", "-e",
         str(target)], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(target / "tests")],
        cwd=target, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout + tests.stderr
    helped = subprocess.run(
        [str(python), "-m", converted[1].plan.package, "--help"], capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert helped.returncode == 0 and "--set" in helped.stdout


def _printed(notebook: dict) -> list[str]:
    """Lines Python code printed (not shell commands, which the package does not run)."""
    lines = []
    for cell in notebook["cells"]:
        source = (
            cell["source"]
            if isinstance(cell["source"], str)
            else "".join(cell["source"])
        )
        if any(
            fact.kind.value.startswith("shell")
            for fact in translate_cell(source).syntax
        ):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text = (
                    output["text"]
                    if isinstance(output["text"], str)
                    else "".join(output["text"])
                )
                lines += [line.rstrip() for line in text.splitlines() if line.strip()]
    return lines


@pytest.mark.slow
def test_package_computes_what_the_notebook_computed(converted, tmp_path):
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    notebook_path, result, target = converted
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(EXAMPLES / "customers.csv", work / "customers.csv")
    notebook = nbformat.read(notebook_path, as_version=4)
    nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(work)}},
    ).execute()
    timing = ("Wall time", "CPU times", "per loop", " loops")
    printed = [line for line in _printed(json.loads(nbformat.writes(notebook)))
               if not any(word in line for word in timing)]  # fmt: skip
    assert printed, "the example prints lines to compare"
    completed = subprocess.run(
        [sys.executable, "-m", result.plan.package, "--output-dir", str(tmp_path / "out")],
        cwd=work, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONPATH": str(target / "src"), "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    logged = completed.stderr.splitlines()
    missing = [line for line in printed if not any(line in entry for entry in logged)]
    assert missing == []


def _run_package(result, target: Path, work: Path, *options: str) -> str:
    """The package's stderr (its log) when run in `work` with `options`."""
    completed = subprocess.run(
        [sys.executable, "-m", result.plan.package, "--output-dir", str(work / "out"), *options],
        cwd=work, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONPATH": str(target / "src"), "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return completed.stderr


@pytest.mark.slow
def test_json_logs_carry_the_same_records_as_text_logs(converted, tmp_path):
    """`--log-format json`: one JSON object per line, with the level, logger and
    message the default text format shows."""
    _, result, target = converted
    for run in ("text", "json"):  # each in its own folder: models are numbered
        (tmp_path / run).mkdir()
        shutil.copy(EXAMPLES / "customers.csv", tmp_path / run / "customers.csv")
    text = _run_package(result, target, tmp_path / "text", "--log-level", "DEBUG")
    records = [
        json.loads(line)
        for line in _run_package(
            result,
            target,
            tmp_path / "json",
            "--log-format",
            "json",
            "--log-level",
            "DEBUG",
        )
        .strip()
        .splitlines()
    ]
    assert records
    # DEBUG is the package's: the libraries it uses (matplotlib's fonts) stay quiet
    debug = {record["logger"] for record in records if record["level"] == "DEBUG"}
    assert debug and {name.split(".")[0] for name in debug} == {result.plan.package}
    fields = {"time", "level", "logger", "message"}
    assert all(
        set(record) in (fields, fields | {"label", "value"}) for record in records
    )
    # a displayed value carries its label and value as fields
    labelled = [record for record in records if "label" in record]
    assert labelled and all(
        record["message"].startswith(record["label"] + " = ") for record in labelled
    )
    assert all(record["time"].endswith("+00:00") for record in records)
    as_text = "".join(
        f"{record['level']} {record['logger']}: {record['message']}\n"
        for record in records
    ).replace(
        str(tmp_path / "json"), str(tmp_path / "text")
    )  # paths logged
    # the text format starts each record with its time: `2026-12-06 20:50:18,847 `
    assert as_text == re.sub(r"(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", "", text)
