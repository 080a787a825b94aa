"""Exploration kept apart: a `parameters` cell, a `skip` cell and a hyper-parameter
search the saved model does not use, each shown in the plan and the package; the
search left out with one option, which the package records for `--check`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nb2prod.convert import check_packages, convert_notebook, plan_notebook
from nb2prod.planning.plan import ConvertOptions
from nb2prod.settings import recorded_options
from nb2prod.testing import code, md, nb, notebook, write_nb
from nb2prod.writer import write_package

IMPORTS = code(
    "from sklearn.datasets import load_iris\n"
    "from sklearn.ensemble import RandomForestClassifier\n"
    "from sklearn.model_selection import GridSearchCV, train_test_split"
)
DATA = code(
    "X, y = load_iris(return_X_y=True, as_frame=True)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)"
)
SEARCH = code(
    "param_grid = {'n_estimators': [10, 50], 'max_depth': [2, 4]}\n"
    "grid = GridSearchCV(RandomForestClassifier(random_state=0), param_grid, cv=3)\n"
    "grid.fit(X_train, y_train)"
)
SHOWN = code("print('best', grid.best_params_)\nprint('score', grid.best_score_)")
HAND_TUNED = code(
    "model = RandomForestClassifier(n_estimators=n_estimators, max_depth=max_depth,"
    " random_state=0)\nmodel.fit(X_train, y_train)\n"
    "print('accuracy', round(model.score(X_test, y_test), 4))"
)


def _cells():  # type: ignore[no-untyped-def]
    return [
        md("# Iris"),
        IMPORTS,
        code("n_estimators = 50\nmax_depth = 4", tags=["parameters"]),
        DATA,
        code("X.describe()", tags=["skip"]),
        md("## Tuning"),
        SEARCH,
        SHOWN,
        md("## Model"),
        HAND_TUNED,
    ]


def _plan(*cells, skip=False):  # type: ignore[no-untyped-def]
    options = ConvertOptions(skip_unused_searches=skip)
    return plan_notebook(notebook(*cells), options=options).plan


def test_each_decision_is_in_the_plan_and_the_package():
    result = convert_notebook(notebook(*_cells()))
    plan, files = result.plan, result.package
    assert plan.parameters_cells == (2,)
    assert {value.name for value in plan.config} >= {"n_estimators", "max_depth"}
    assert [(item.cell, item.reason) for item in plan.left_out] == [(4, "skip")]
    (search,) = plan.searches
    assert (search.name, search.use, search.cells, search.left_out) == (
        "grid",
        "unused",
        (6, 7),
        False,
    )
    # kept by default, and the user is told it runs for nothing
    assert any(
        "grid.fit(" in text for path, text in files.items() if path.endswith(".py")
    )
    assert any("--skip-unused-searches" in w.message for w in plan.warnings)
    readme = files["README.md"]
    assert "Cell 3 of the notebook is tagged `parameters`" in readme
    assert "- cell 5: marked as exploration" in readme
    assert "GridSearchCV `grid` (cell 7): the saved model does not use it" in readme


def test_one_option_leaves_the_unused_search_out():
    result = convert_notebook(notebook(*_cells()), skip_unused_searches=True)
    plan, files = result.plan, result.package
    assert [(item.cell, item.reason) for item in plan.left_out] == [
        (4, "skip"),
        (6, "unused_search"),
        (7, "unused_search"),
    ]
    code_files = "\n".join(t for p, t in files.items() if p.endswith(".py"))
    assert "GridSearchCV" not in code_files and "best_params_" not in code_files
    assert "CV" not in {value.name for value in plan.config}  # its `cv=3` went too
    assert plan.model is not None and plan.model.name == "model"
    assert not result.problems
    assert "skip-unused-searches = true" in files["pyproject.toml"]


def test_a_search_the_saved_model_comes_from_is_kept():
    best_estimator = code(
        "model = grid.best_estimator_\nprint(model.score(X_test, y_test))"
    )
    (search,) = _plan(IMPORTS, DATA, SEARCH, best_estimator, skip=True).searches
    assert (search.use, search.left_out) == ("deployed", False)
    refit = code(
        "best = grid.best_params_\nmodel = RandomForestClassifier(**best)\n"
        "model.fit(X_train, y_train)"
    )
    (search,) = _plan(IMPORTS, DATA, SEARCH, refit, skip=True).searches
    assert search.use == "deployed"
    (search,) = _plan(IMPORTS, DATA, SEARCH, skip=True).searches  # the search is all
    assert search.use == "deployed"


def test_a_search_whose_results_leave_it_is_kept():
    written = code(
        "import pandas as pd\n" "pd.DataFrame(grid.cv_results_).to_csv('search.csv')"
    )
    plan = _plan(IMPORTS, DATA, SEARCH, written, HAND_TUNED, skip=True)
    assert [(s.use, s.left_out) for s in plan.searches] == [("read", False)]
    read_by_a_function = code(
        "def best_depth():\n    return grid.best_params_['max_depth']"
    )
    plan = _plan(IMPORTS, DATA, SEARCH, read_by_a_function, HAND_TUNED, skip=True)
    assert plan.searches[0].use == "read" and not plan.left_out


def test_what_only_the_search_feeds_goes_with_it():
    """`depth` read from the search and a subset nothing else reads: exploration."""
    read = code("depth = grid.best_params_['max_depth']")
    dead_end = code("print(depth * 2)\nX_small = X_train.iloc[:depth]")
    plan = _plan(IMPORTS, DATA, SEARCH, read, dead_end, HAND_TUNED, skip=True)
    assert plan.searches[0].use == "unused"
    assert [item.cell for item in plan.left_out] == [2, 3, 4]
    fed = code("small = RandomForestClassifier(max_depth=depth).fit(X_train, y_train)")
    plan = _plan(IMPORTS, DATA, SEARCH, read, fed, skip=True)
    assert plan.searches[0].use == "deployed" and not plan.left_out


def test_a_search_sharing_a_cell_with_other_work_is_kept_and_said_so():
    mixed = code("print(grid.best_params_)\nX_small = X_train.head()")
    uses_small = code("print(len(X_small))")
    plan = _plan(IMPORTS, DATA, SEARCH, mixed, uses_small, HAND_TUNED, skip=True)
    (search,) = plan.searches
    assert (search.use, search.left_out, search.mixed) == ("unused", False, (3,))
    assert any("shares cells 4" in w.message for w in plan.warnings)


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_check_converts_again_with_the_options_the_package_records(
    tmp_path, monkeypatch
):
    """A package made with --skip-unused-searches is up to date for `--check`, which
    reads the option from its pyproject.toml instead of guessing it."""
    path = write_nb(tmp_path / "iris.ipynb", nb(*_cells()))
    folder = tmp_path / "iris"
    model = notebook(*_cells(), path=str(path))
    write_package(convert_notebook(model, skip_unused_searches=True).package, folder)
    recorded = recorded_options(folder)
    assert recorded is not None and recorded.skip_unused_searches
    assert recorded.recorded is not None and recorded.recorded.requirements
    monkeypatch.chdir(tmp_path)
    (report,) = check_packages([str(path)], str(folder))
    assert report.stale == ()
    # made without the option: up to date too; recording the option makes the
    # modules that still run the search stale
    write_package(convert_notebook(model).package, folder, force=True)
    (report,) = check_packages([str(path)], str(folder))
    assert report.stale == ()
    pyproject = folder / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "skip-unused-searches = false", "skip-unused-searches = true"
        )
    )
    (report,) = check_packages([str(path)], str(folder))
    assert any(name.endswith(".py") for name in report.stale)


def test_a_generated_package_does_not_set_lint_options_for_its_folder(tmp_path):
    """`[tool.nb2prod.generated]` records; it is no settings table for lint."""
    from nb2prod.settings import find_pyproject

    folder = tmp_path / "pkg"
    write_package(convert_notebook(notebook(*_cells())).package, folder)
    assert find_pyproject(folder) is None


@pytest.mark.slow  # installs nothing, but runs the generated tests
def test_the_package_without_its_search_passes_its_own_tests(tmp_path):
    folder = tmp_path / "pkg"
    result = convert_notebook(notebook(*_cells()), skip_unused_searches=True)
    write_package(result.package, folder)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PYTHONPATH": str(folder / "src")},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout
