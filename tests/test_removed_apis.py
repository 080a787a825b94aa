"""Imports that today's releases no longer have (issue 13): reported by lint (NB311)
and, against the installed version, by convert's self-check."""

from __future__ import annotations

import pytest

from nb2prod.analysis.removed_apis import _as_tuple, removal
from nb2prod.convert import convert_notebook
from nb2prod.reading.notebook import read_notebook
from nb2prod.testing import code, md, nb, write_nb


def test_a_removed_name_is_a_self_check_problem_with_the_installed_version(tmp_path):
    from importlib import metadata

    notebook = tmp_path / "old.ipynb"
    write_nb(
        notebook,
        nb(
            md("# Old"),
            code("from sklearn.datasets import load_boston\nprint(load_boston)"),
        ),
    )
    problems = convert_notebook(read_notebook(str(notebook))).problems
    installed = metadata.version("scikit-learn")
    assert [p.message for p in problems] == [
        f"`sklearn.datasets.load_boston` was removed in scikit-learn 1.2 ({installed} "
        "is installed); use another data set, e.g. `fetch_california_housing`"
    ]


def test_a_removed_module_says_what_to_use(tmp_path):
    notebook = tmp_path / "old.ipynb"
    write_nb(
        notebook,
        nb(
            md("# Old"),
            code("from sklearn.grid_search import GridSearchCV\nGridSearchCV"),
        ),
    )
    [problem] = convert_notebook(read_notebook(str(notebook))).problems
    assert problem.message.endswith(
        "it was removed in scikit-learn 0.20, use `sklearn.model_selection`"
    )


def test_lint_reports_a_removed_module_once_per_import(run_cli, tmp_path):
    notebook = tmp_path / "old.ipynb"
    write_nb(
        notebook,
        nb(code("from sklearn.cross_validation import KFold, cross_val_score\nKFold")),
    )
    outcome = run_cli(
        "lint", "--select", "NB311", "--no-cache", "--format", "json", str(notebook)
    )
    assert outcome.exit_code == 1
    import json

    findings = json.loads(outcome.stdout)
    assert [f["code"] for f in findings] == ["NB311"]


@pytest.mark.parametrize(
    ("module", "name", "found"),
    [
        ("sklearn.cross_validation", "KFold", True),
        ("sklearn.grid_search.sub", None, True),
        ("sklearn.datasets", "load_boston", True),
        ("sklearn.datasets", "load_iris", False),
        ("sklearn.model_selection", None, False),
        ("datasets", "load_metric", True),  # huggingface notebooks of 2021-2023
        ("datasets", "load_dataset", False),
    ],
)
def test_removal(module, name, found):
    assert (removal(module, name) is not None) == found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.9.1", (1, 9, 1)),
        ("2.0.0rc1", (2, 0, 0)),
        ("0.20", (0, 20)),
        ("3.1.post1", (3, 1)),
    ],
)
def test_version_tuples(text, expected):
    assert _as_tuple(text) == expected
