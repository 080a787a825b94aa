"""A package records what made it (options, pins, Python, star-import names) in
`[tool.nb2prod.generated]`; `convert --check` plans again from that record, so its
answer does not depend on the environment it runs in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.convert import check_packages, convert_notebook, convert_with_options
from nb2prod.planning.plan import ConvertOptions, RecordedEnvironment
from nb2prod.settings import recorded_options, toml_parser
from nb2prod.testing import code, nb, notebook, write_nb
from nb2prod.writer import write_package

CELLS = (
    code("import pandas as pd\nfrom sklearn.linear_model import LinearRegression"),
    code("frame = pd.DataFrame({'x': [1.0, 2.0, 3.0], 'y': [2.0, 4.0, 6.1]})"),
    code(
        "model = LinearRegression().fit(frame[['x']], frame['y'])\nprint(model.coef_)"
    ),
)
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _written(tmp_path: Path) -> tuple[Path, Path]:
    path = write_nb(tmp_path / "fit.ipynb", nb(*CELLS))
    folder = tmp_path / "fit"
    write_package(convert_notebook(notebook(*CELLS, path=str(path))).package, folder)
    return path, folder


def test_the_package_records_its_options_pins_and_python(tmp_path):
    _, folder = _written(tmp_path)
    table = toml_parser().loads((folder / "pyproject.toml").read_text())
    generated = table["tool"]["nb2prod"]["generated"]
    assert generated["python"] == PYTHON and generated["serve"] is False
    requirements = (folder / "requirements.txt").read_text()
    for line in generated["requirements"].values():  # what requirements.txt pins
        assert line in requirements
    assert generated["requirements"]["sklearn"].startswith("scikit-learn==")


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_check_plans_from_the_record_not_from_this_environment(tmp_path, monkeypatch):
    path, folder = _written(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert check_packages([str(path)], str(folder))[0].stale == ()
    pyproject = folder / "pyproject.toml"
    text = pyproject.read_text()
    recorded = toml_parser().loads(text)["tool"]["nb2prod"]["generated"]
    pin = recorded["requirements"]["sklearn"]
    pyproject.write_text(text.replace(pin, "scikit-learn==1.0.2"))
    (report,) = check_packages([str(path)], str(folder))
    # planned with the recorded pin: requirements.txt on disk no longer matches it
    assert "requirements.txt" in report.stale


def test_a_recorded_star_import_is_not_looked_up():
    """The names a star import gave, recorded where its module was importable, are
    used where it is not."""
    cells = (code("from helpers_made_elsewhere import *"), code("print(scale(2))"))
    options = ConvertOptions(
        recorded=RecordedEnvironment(
            PYTHON, star_imports=(("helpers_made_elsewhere", ("scale", "shift")),)
        )
    )
    plan = convert_with_options(notebook(*cells), None, options).plan
    (star,) = plan.star_imports
    assert (star.names, star.inferred) == (("scale",), False)
    assert recorded_options(Path("/nonexistent")) is None


@pytest.mark.slow  # makes a venv and pip-installs nb2prod alone into it
def test_check_from_a_venv_holding_only_nb2prod(tmp_path):
    """The package was made here (scikit-learn, pandas installed); pre-commit's venv
    holds nb2prod alone, and finds it up to date."""
    path, folder = _written(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(root)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    bare = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('sklearn'))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert bare.stdout.strip() == "None"
    check = subprocess.run(
        [str(venv / "bin" / "nb2prod"), "convert", str(path), "-o", str(folder),
         "--check"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
