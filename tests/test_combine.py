"""Several notebooks into one package: a subpackage and command per notebook, and
identical helpers written once (checked with real ruff, pytest and the command line)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.combine import combine_notebooks
from nb2prod.reading.notebook import read_notebook
from nb2prod.testing import code, md, nb, stream, write_nb
from nb2prod.writer import write_package

CLEAN = "import re\n\ndef clean(text):\n    return re.sub(r'\\s+', ' ', text).strip().lower()"
EXPLORE = nb(
    md("# Explore"),
    code(CLEAN),
    code(
        "words = clean('  Hello   World ').split()\nprint(len(words))",
        outputs=[stream("2\n")],
    ),
)
TRAIN = nb(
    md("# Train"),
    code("import math\n" + CLEAN + "\n\ndef shout(text):\n    return text.upper()"),
    code("LIMIT = 2\ntokens = clean(' X  y z ').split()[:LIMIT]\nprint(tokens)"),
)


def _combine(tmp_path: Path, *documents: dict, name: str = "project") -> object:  # type: ignore[type-arg]
    models = []
    for number, document in enumerate(documents):
        stem = ["explore", "train model", "report"][number]
        models.append(read_notebook(write_nb(tmp_path / f"{stem}.ipynb", document)))
    return combine_notebooks(models, name)


def _definitions(text: str) -> set[str]:
    return {
        node.name
        for node in ast.parse(text).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_identical_helpers_are_written_once(tmp_path):
    combined = _combine(tmp_path, EXPLORE, TRAIN)
    files = combined.package  # type: ignore[attr-defined]
    assert combined.shared == ("clean",)  # type: ignore[attr-defined]
    assert _definitions(files["src/project/helpers.py"]) == {"clean"}
    holders = [
        path
        for path, text in files.items()
        if "def clean(" in text and path.endswith(".py")
    ]
    assert holders == ["src/project/helpers.py"]
    explore = files["src/project/explore/features.py"]
    train = files["src/project/train_model/features.py"]
    assert "from project.helpers import clean" in explore
    assert "from project.helpers import clean" in train
    assert "def shout(" in train  # only in one notebook: stays where it was
    assert "import re" not in explore  # used only by the helper that moved


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_same_name_different_code_is_not_shared(tmp_path):
    other = nb(
        code("def clean(text):\n    return text.strip()"), code("x = clean(' a ')")
    )
    combined = _combine(tmp_path, EXPLORE, other)
    assert combined.shared == ()  # type: ignore[attr-defined]
    assert "src/project/helpers.py" not in combined.package  # type: ignore[attr-defined]


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_helper_calling_a_notebook_function_stays(tmp_path):
    body = "def helper(x):\n    return local(x)"
    first = nb(code("def local(x):\n    return x + 1\n" + body), code("y = helper(1)"))
    second = nb(code("def local(x):\n    return x - 1\n" + body), code("y = helper(2)"))
    assert _combine(tmp_path, first, second).shared == ()  # type: ignore[attr-defined]


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_combined_package_is_deterministic(tmp_path):
    first = _combine(tmp_path, EXPLORE, TRAIN).package  # type: ignore[attr-defined]
    assert _combine(tmp_path, EXPLORE, TRAIN).package == first  # type: ignore[attr-defined]


@pytest.mark.slow  # starts an interpreter
def test_combined_package_lints_tests_and_runs(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_nb(tmp_path / "explore.ipynb", EXPLORE)
    write_nb(tmp_path / "train model.ipynb", TRAIN)
    outcome = run_cli("convert", "explore.ipynb", "train model.ipynb", "-o", "project")
    assert outcome.exit_code == 0, outcome.stderr
    assert "pipelines explore, train_model" in outcome.stdout
    assert "shared helpers: clean" in outcome.stdout
    folder = tmp_path / "project"
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    linted = subprocess.run(
        [ruff, "check", "--select", "E9,F", "--no-cache", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tested.returncode == 0, tested.stdout
    environment = {**os.environ, "PYTHONPATH": str(folder / "src")}
    for pipeline, line in (("explore", "INFO project.explore.features: 2"),
                           ("train_model", "['x', 'y']")):  # fmt: skip
        ran = subprocess.run(
            [sys.executable, "-m", "project", pipeline],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert ran.returncode == 0, ran.stderr
        assert line in ran.stderr


def test_several_notebooks_need_a_package_name(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_nb(tmp_path / "a.ipynb", EXPLORE)
    write_nb(tmp_path / "b.ipynb", TRAIN)
    outcome = run_cli("convert", "a.ipynb", "b.ipynb")
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        "error: name the package of several notebooks with --name or --output\n"
    )


@pytest.mark.parametrize("flag", ["--dry-run"])
def test_dry_run_takes_one_notebook(tmp_path, run_cli, monkeypatch, flag):
    monkeypatch.chdir(tmp_path)
    write_nb(tmp_path / "a.ipynb", EXPLORE)
    write_nb(tmp_path / "b.ipynb", TRAIN)
    outcome = run_cli("convert", "a.ipynb", "b.ipynb", flag)
    assert outcome.exit_code == 2
    assert outcome.stderr == "error: --dry-run takes one notebook\n"


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _examples_combined() -> dict[str, str]:
    notebooks = [
        read_notebook(str(EXAMPLES / name))
        for name in ("churn_messy.ipynb", "churn_tidy.ipynb")
    ]
    return combine_notebooks(notebooks, "both").package  # type: ignore[no-any-return]


@pytest.mark.slow  # starts an interpreter
def test_generated_modules_are_never_shared_helpers(tmp_path):
    """Both examples save a model: their models.py are alike, and nb2prod's own. Once
    moved into helpers.py as "shared notebook helpers" (6 x F401 in the package CI)."""
    files = _examples_combined()
    assert "src/both/helpers.py" not in files
    for sub in ("churn_messy", "churn_tidy"):
        assert "def load_model(" in files[f"src/both/{sub}/models.py"]
    folder = tmp_path / "both"
    write_package(files, folder)
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    linted = subprocess.run(
        [ruff, "check", "--select", "E9,F", "--no-cache", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout


@pytest.mark.slow  # runs the combined package's tests
def test_the_examples_combined_pass_their_own_tests(tmp_path):
    folder = tmp_path / "both"
    write_package(_examples_combined(), folder)
    for data in EXAMPLES.glob("*.csv"):
        shutil.copy(data, folder / data.name)
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder, capture_output=True, text=True, check=False, timeout=900,
        env={**os.environ, "PYTHONPATH": str(folder / "src")},
    )  # fmt: skip
    assert tested.returncode == 0, tested.stdout[-3000:]
