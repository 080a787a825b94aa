"""Issue 15: a notebook that only defines functions and classes becomes a library
package (no pipeline, command line or image); a pipeline's README says what goes in
and out, how to run it locally, in Docker (with working mounts) and in CI, and sums
the notebook's introduction up in one paragraph."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.testing import code, md, nb, notebook, write_nb

LIBRARY_CELLS = (
    md(
        "# Shrinkage\n\nShrunk means for small samples. Watch all 10 videos on "
        "YouTube!\n\n[Video 1](http://y.t/1) | [Video 2](http://y.t/2)"
    ),
    code("%matplotlib inline\nimport numpy as np\n\nALPHA = 0.5"),
    md("## Helpers"),
    code(
        'def shrink(values, alpha=ALPHA):\n    """Shrink values toward their mean.\n\n'
        '    Longer text.\n    """\n    mean = np.mean(values)\n'
        "    return [float(mean + alpha * (v - mean)) for v in values]\n\n\n"
        "def _helper():\n    return ALPHA"
    ),
    code(
        'class ShrunkMean:\n    """An estimator of the shrunk mean."""\n\n'
        "    def __init__(self, alpha=ALPHA):\n        self.alpha = alpha\n\n"
        "    def fit(self, values):\n"
        "        self.mean_ = float(np.mean(shrink(values, self.alpha)))\n"
        "        return self"
    ),
)
LIBRARY = notebook(*LIBRARY_CELLS, path="shrinkage.ipynb")

PIPELINE = notebook(
    md(
        "# Titanic survival\n\nPredict who survived from the passenger list. Watch "
        "all 10 videos on YouTube: [part 1](http://y.t/1). Please subscribe!\n\n"
        "[Video 1](http://y.t/1) | [Video 2](http://y.t/2)\n\n"
        "The model is a logistic regression."
    ),
    code("import pandas as pd\nfrom sklearn.linear_model import LogisticRegression"),
    md("## Load the data"),
    code(
        "train = pd.read_csv('../input/train.csv')\nX = train[['a', 'b']]\ny = train['y']"
    ),
    md("## Train the model"),
    code("model = LogisticRegression(C=0.5)\nmodel.fit(X, y)"),
    md("## Write the submission"),
    code("pd.DataFrame({'p': model.predict(X)}).to_csv('out/submission.csv')"),
    path="titanic.ipynb",
)


def _tables(text: str) -> list[list[list[str]]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append([c.strip() for c in line.strip().strip("|").split(" | ")])
        elif current:
            tables.append(current)
            current = []
    return tables + ([current] if current else [])


# --- library packages --------------------------------------------------------------


def test_definitions_only_notebook_is_planned_as_a_library():
    plan = convert_notebook(LIBRARY).plan
    assert plan.kind == "library"
    assert len(plan.modules) == 1 and plan.modules[0] != "steps"
    assert {f.name: f.extra_params for f in plan.functions} == {
        "shrink": (),
        "_helper": (),
        "ShrunkMean": (),
    }  # constants stay module constants, not parameters
    assert not any(r.name.startswith("typer") for r in plan.requirements)


@pytest.mark.parametrize(
    "work",
    [
        "print(shrink([1, 2]))",
        "values = [1, 2, 3]",
        "import warnings\nwarnings.filterwarnings('ignore')",
        "!ls data",
    ],
)
@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_notebook_level_work_keeps_a_pipeline(work):
    plan = convert_notebook(notebook(*LIBRARY_CELLS, code(work))).plan
    assert plan.kind == "pipeline"


def test_imports_and_constants_without_definitions_are_no_library():
    plan = convert_notebook(notebook("import numpy as np\nALPHA = 0.5")).plan
    assert plan.kind == "pipeline"


def test_library_package_files():
    result = convert_notebook(LIBRARY)
    files = result.package
    (name,) = result.plan.modules
    assert result.problems == ()
    assert sorted(files) == [
        ".github/workflows/ci.yml",
        "README.md",
        "pyproject.toml",
        "requirements.txt",
        "src/shrinkage/__init__.py",
        f"src/shrinkage/{name}.py",
        "tests/conftest.py",
        "tests/test_smoke.py",
    ]
    module = files[f"src/shrinkage/{name}.py"]
    assert "ALPHA = 0.5  # notebook cell 2" in module
    assert "def shrink(values, alpha=None):" in module  # no keyword-only ALPHA
    assert "def run" not in module and "config" not in module
    assert "[project.scripts]" not in files["pyproject.toml"]
    assert "python -m shrinkage" not in files["src/shrinkage/__init__.py"]
    workflow = files[".github/workflows/ci.yml"]
    assert "pytest" in workflow and "ruff check" in workflow
    assert "docker" not in workflow and "image:" not in workflow
    smoke = files["tests/test_smoke.py"]
    assert "__main__" not in smoke and f"shrinkage.{name}" in smoke


def test_library_readme_lists_the_public_api_with_first_docstring_lines():
    result = convert_notebook(LIBRARY)
    readme, module = (
        result.package["README.md"],
        f"`shrinkage.{result.plan.modules[0]}`",
    )
    api = next(t for t in _tables(readme) if t[0][0] == "Name")
    assert api[2:] == [
        ["`shrink`", "function", module, "Shrink values toward their mean."],
        ["`ShrunkMean`", "class", module, "An estimator of the shrunk mean."],
    ]  # fmt: skip
    assert "_helper" not in readme and "Longer text" not in readme
    assert "docker" not in readme.lower() and "python -m" not in readme
    assert "YouTube" not in readme and "Video 1" not in readme
    assert "Shrunk means for small samples." in readme


def test_dry_run_shows_the_kind(tmp_path, run_cli):
    path = write_nb(tmp_path / "shrinkage.ipynb", nb(*LIBRARY_CELLS))
    text = run_cli("convert", str(path), "--dry-run")
    assert "kind: library" in text.stdout and "step " not in text.stdout
    assert "module constants" in text.stdout and "config.py" not in text.stdout
    data = json.loads(run_cli("convert", str(path), "--dry-run", "-f", "json").stdout)
    assert data["plan"]["kind"] == "library"
    piped = write_nb(tmp_path / "p.ipynb", nb("x = 1\nprint(x)"))
    data = json.loads(run_cli("convert", str(piped), "--dry-run", "-f", "json").stdout)
    assert data["plan"]["kind"] == "pipeline"


def test_check_and_verify_on_a_library(tmp_path, run_cli):
    path = write_nb(tmp_path / "shrinkage.ipynb", nb(*LIBRARY_CELLS))
    out = tmp_path / "pkg"
    wrote = run_cli("convert", str(path), "-o", str(out))
    assert wrote.exit_code == 0, wrote.stderr
    assert "a library of 1 modules" in wrote.stdout
    assert run_cli("convert", str(path), "-o", str(out), "--check").exit_code == 0
    from nb2prod.verify import verify

    report = verify(str(path), str(out))
    assert not report.different
    (name,) = convert_notebook(LIBRARY).plan.modules
    assert [row.name for row in report.rows] == ["shrinkage", f"shrinkage.{name}"]
    assert "no pipeline to run and compare" in report.notes[0]
    (out / f"src/shrinkage/{name}.py").write_text("import no_such_module\n")
    broken = verify(str(path), str(out))
    assert broken.different
    assert "no_such_module" in broken.rows[1].detail


def _python(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(folder / "src")},
    )


@pytest.mark.slow
def test_library_package_tests_pass_and_ruff_is_clean(tmp_path):
    from nb2prod.writer import write_package

    result = convert_notebook(LIBRARY)
    folder = tmp_path / "shrinkage"
    write_package(result.package, folder)
    tests = _python(folder, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout
    used = _python(
        folder,
        "-c",
        f"from shrinkage.{result.plan.modules[0]} import shrink, ShrunkMean; "
        "print(shrink([1.0, 3.0]), ShrunkMean().fit([1.0, 3.0]).mean_)",
    )
    assert used.stdout.split() == ["[1.5,", "2.5]", "2.0"], used.stderr
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    linted = subprocess.run(
        [ruff, "check", "--select", "E9,F", "--no-cache", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout


# --- the pipeline README -------------------------------------------------------------


def test_readme_tables_of_inputs_and_outputs():
    readme = convert_notebook(PIPELINE).package["README.md"]
    tables = _tables(readme)
    inputs = next(t for t in tables if t[0][0] == "Input")
    rows = {(row[0], row[1]) for row in inputs[2:]}
    assert ("file", "`../input/train.csv`") in rows
    assert ("environment", "`TITANIC_<SETTING>`") in rows
    assert ("setting", "`LOGISTIC_REGRESSION_C`") in rows
    c = next(row for row in inputs if row[1] == "`LOGISTIC_REGRESSION_C`")
    assert c[2] == "`0.5`"
    outputs = next(t for t in tables if t[0][0] == "Output")
    paths = {row[1] for row in outputs[2:]}
    assert {"`out/submission.csv`", "`models/vNNNN/`"} <= paths
    assert all(len({len(row) for row in table}) == 1 for table in tables)


def test_readme_summary_is_one_paragraph_without_tutorial_chatter():
    readme = convert_notebook(PIPELINE).package["README.md"]
    summary = readme.split("\n\n")[1]
    assert summary == (
        "Predict who survived from the passenger list. "
        "The model is a logistic regression."
    )
    assert "YouTube" not in readme and "subscribe" not in readme


def _docker_run(readme: str) -> list[str]:
    found = re.search(r"^docker run --rm --user.*?(?=\n```)", readme, re.M | re.S)
    assert found, readme
    return found.group().replace("\\\n", " ").split()


def _image_paths(dockerfile: str) -> tuple[str, set[str]]:
    """The image's WORKDIR, and the folders its build makes there."""
    workdir = re.search(r"^WORKDIR (\S+)", dockerfile, re.M).group(1)  # type: ignore[union-attr]
    made = set()
    for line in re.findall(r"mkdir ([^\\\n&]+)", dockerfile):
        made |= {posixpath.join(workdir, name) for name in line.split()}
    return workdir, made


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@pytest.mark.parametrize("data_dir", [False, True])
def test_readme_docker_run_line_matches_the_dockerfile(data_dir):
    model = PIPELINE
    if data_dir:  # an absolute path: read from DATA_DIR
        model = notebook(
            "import pandas as pd\ndf = pd.read_csv('/home/me/data/train.csv')\n"
            "print(len(df))",
            path="absolute.ipynb",
        )
    files = convert_notebook(model).package
    readme, dockerfile = files["README.md"], files["Dockerfile"]
    workdir, made = _image_paths(dockerfile)
    words = _docker_run(readme)
    assert words[:4] == ["docker", "run", "--rm", "--user"]
    mounts = [words[i + 1].strip('"') for i, w in enumerate(words) if w == "-v"]
    targets = {mount.split(":")[1]: mount for mount in mounts}
    assert f"{workdir}/outputs" in targets and f"{workdir}/outputs" in made
    plan = convert_notebook(model).plan
    if plan.model is not None:
        assert f"{workdir}/models" in targets and f"{workdir}/models" in made
    for target, mount in targets.items():
        host = mount.split(":")[0]
        assert host.startswith("$PWD/") and target.startswith("/")
        if mount.endswith(":ro"):  # data: where the pipeline reads it from WORKDIR
            relative = posixpath.relpath(target, workdir)
            assert relative in {
                posixpath.dirname(posixpath.normpath(p)) or p for p in plan.inputs
            } | {"data"}
    if data_dir:
        assert f"{workdir}/data" in targets
        assert words[-2:] == ["--data-dir", f"{workdir}/data"]
        assert (
            "data_dir: str = typer.Option(" in files[f"src/{plan.package}/__main__.py"]
        )
    else:
        assert targets["/input"] == "$PWD/../input:/input:ro"
        assert targets[f"{workdir}/out"] == f"$PWD/out:{workdir}/out"
        assert words[-1] == "titanic"
    entry = re.search(r'^ENTRYPOINT \["python", "-m", "(\w+)"\]', dockerfile, re.M)
    assert entry and entry.group(1) == plan.package
