"""`convert --schedule`: `python -m PKG train` and `predict` halves of the pipeline when
the steps after the training step need nothing from it but the model; a warning, and
the usual single command, when the boundary is not clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.reading.notebook import read_notebook
from nb2prod.testing import code, md, nb, notebook, write_nb
from nb2prod.writer import write_package

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FORECAST = (
    md("# Forecast"),
    md("## Data"),
    code(
        "import numpy as np\n"
        "from sklearn.linear_model import LinearRegression\n"
        "X = np.arange(20).reshape(-1, 1)\n"
        "y = 2 * X.ravel() + 1\n"
        "X_new = np.array([[30], [40]])"
    ),
    md("## Train"),
    code(
        "model = LinearRegression()\n"
        "model.fit(X, y)\n"
        "r2 = model.score(X, y)\n"
        "print(f'r2 {r2:.3f}')"
    ),
    md("## Predict"),
    code("preds = model.predict(X_new)\nprint('predictions', preds.round(1).tolist())"),
)


@pytest.fixture(scope="module")
def package(tmp_path_factory):  # type: ignore[no-untyped-def]
    result = convert_notebook(notebook(*FORECAST, path="forecast.ipynb"), schedule=True)
    folder = tmp_path_factory.mktemp("pkg") / "forecast"
    write_package(result.package, folder)
    return result, folder


def _command(folder: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forecast", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(folder / "src")},
    )


@pytest.mark.slow  # starts an interpreter
def test_train_then_predict_with_the_saved_model(package, tmp_path):
    result, folder = package
    assert result.plan.train_step == "train"
    assert not result.plan.warnings
    before = _command(folder, "predict", cwd=tmp_path)
    assert before.returncode == 2
    assert "no saved model under models; run `train` first" in before.stderr

    train = _command(folder, "train", cwd=tmp_path)
    assert train.returncode == 0, train.stderr
    assert "r2 1.000" in train.stderr
    assert "predictions" not in train.stderr  # the predict half did not run
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == [
        "CURRENT",
        "v0001",
    ]

    predict = _command(folder, "predict", cwd=tmp_path)
    assert predict.returncode == 0, predict.stderr
    assert "predictions [61.0, 81.0]" in predict.stderr
    assert "r2" not in predict.stderr  # no training
    assert not (tmp_path / "models" / "v0002").exists()

    whole = _command(folder, cwd=tmp_path)  # no command: the whole pipeline, as before
    assert whole.returncode == 0, whole.stderr
    assert "r2 1.000" in whole.stderr and "predictions [61.0, 81.0]" in whole.stderr
    assert (tmp_path / "models" / "v0002").is_dir()


@pytest.mark.slow  # starts an interpreter
def test_the_generated_tests_pass(package):
    _, folder = package
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(folder / "src")},
    )
    assert completed.returncode == 0, completed.stdout


def test_no_clean_boundary_keeps_one_command_and_says_why():
    """The churn example splits its data in the training step: evaluating needs the
    test split as well as the model."""
    result = convert_notebook(
        read_notebook(EXAMPLES / "churn_tidy.ipynb"), schedule=True
    )
    assert result.plan.train_step is None
    messages = [warning.message for warning in result.plan.warnings]
    assert any(
        "no clear train/predict boundary" in m and "X_test" in m for m in messages
    )
    pipeline = result.package["src/churn_tidy/pipeline.py"]
    assert "def run_training" not in pipeline


def test_no_model_no_schedule():
    result = convert_notebook(
        notebook(md("# Sums"), code("print(1 + 1)")), schedule=True
    )
    assert result.plan.train_step is None
    assert any("--schedule" in w.message for w in result.plan.warnings)


@pytest.mark.slow  # starts an interpreter
def test_a_scheduled_package_is_not_stale_for_check(tmp_path):
    write_nb(tmp_path / "forecast.ipynb", nb(*FORECAST))
    cli = [sys.executable, "-m", "nb2prod", "convert", "forecast.ipynb", "-o", "pkg"]
    written = subprocess.run(
        [*cli, "--schedule"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert written.returncode == 0, written.stderr
    check = subprocess.run(
        [*cli, "--check"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
