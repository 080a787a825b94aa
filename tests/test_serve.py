"""`convert --serve`: serve.py answers /predict, /health and /metrics for the model the
pipeline saved (checked by the generated tests themselves, run here with real FastAPI),
the image gets a `serve` target, and a notebook without a model gets a warning."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.notebook import read_notebook
from nb2prod.testing import code, md, nb, notebook, write_nb
from nb2prod.writer import write_package

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ARRAYS = (
    md("# Tiny classifier"),
    code(
        "from sklearn.datasets import make_classification\n"
        "from sklearn.linear_model import LogisticRegression",
        count=1,
    ),
    md("## Train"),
    code(
        "X, y = make_classification(n_samples=100, random_state=1)\n"
        "model = LogisticRegression().fit(X, y)\n"
        "print(model.score(X, y))",
        count=2,
    ),
)


def _generated_tests(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "tests/test_pipeline.py"],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PYTHONPATH": str(folder / "src"), "MPLBACKEND": "Agg"},
    )  # fmt: skip


def test_named_features_are_served_like_the_model_predicts(tmp_path):
    """The churn example trains on a DataFrame: the request rows have its columns."""
    result = convert_notebook(read_notebook(EXAMPLES / "churn_tidy.ipynb"), serve=True)
    assert result.plan.serve
    folder = tmp_path / "churn"
    write_package(result.package, folder)
    shutil.copy(EXAMPLES / "customers.csv", folder / "customers.csv")
    completed = _generated_tests(folder)
    assert completed.returncode == 0, completed.stdout
    assert "2 passed" in completed.stdout, completed.stdout  # none skipped


def test_unnamed_features_are_lists_of_numbers(tmp_path):
    result = convert_notebook(notebook(*ARRAYS, path="tiny.ipynb"), serve=True)
    folder = tmp_path / "tiny"
    write_package(result.package, folder)
    completed = _generated_tests(folder)
    assert completed.returncode == 0, completed.stdout
    assert "2 passed" in completed.stdout, completed.stdout
    requirements = result.package["requirements.txt"]
    for name in ("fastapi", "prometheus-client", "uvicorn"):
        assert name in requirements
    assert '"httpx"' in result.package["pyproject.toml"]


def test_the_image_has_a_serve_target_and_stays_hadolint_clean(tmp_path):
    result = convert_notebook(notebook(*ARRAYS, path="tiny.ipynb"), serve=True)
    dockerfile = result.package["Dockerfile"]
    stages = [line for line in dockerfile.splitlines() if line.startswith("FROM")]
    assert stages == [
        "FROM python:3.11-slim AS base",
        "FROM base AS serve",
        "FROM base AS pipeline",  # the last stage: `docker build` builds the pipeline
    ]
    assert 'ENTRYPOINT ["python", "-m", "tiny.serve"' in dockerfile
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed")
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile, encoding="utf-8")
    completed = subprocess.run(
        [hadolint, str(path)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_serve_without_a_model_warns_and_writes_no_service(tmp_path):
    write_nb(tmp_path / "plain.ipynb", nb(md("# Sums"), code("print(sum([1, 2]))")))
    completed = _cli("convert", "plain.ipynb", "-o", "out", "--serve", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "--serve: the notebook trains no model" in completed.stderr
    assert not list((tmp_path / "out").rglob("serve.py"))


def test_a_served_package_is_not_stale_for_check(tmp_path):
    path = tmp_path / "tiny.ipynb"
    write_nb(path, nb(*ARRAYS))
    written = _cli("convert", "tiny.ipynb", "-o", "pkg", "--serve", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "pkg" / "src" / "tiny" / "serve.py").is_file()
    check = _cli("convert", "tiny.ipynb", "-o", "pkg", "--check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_serve_takes_one_notebook(tmp_path):
    for name in ("a", "b"):
        write_nb(tmp_path / f"{name}.ipynb", nb(*ARRAYS))
    completed = _cli("convert", "a.ipynb", "b.ipynb", "--serve", cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stderr.strip() == "error: --serve takes one notebook"
