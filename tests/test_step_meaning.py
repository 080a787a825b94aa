"""Issue 15, steps with meaning: a heading level of balanced work, names cut at word
boundaries or taken from what a step does (never `_step_4`), no step without work,
only the values later steps need, and a named record past eight values."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.engineering_checks import FUNCTION_WORDS
from nb2prod.convert import convert_notebook, plan_notebook
from nb2prod.planning.naming import snake_case
from nb2prod.testing import code, md, notebook


def plan_of(*cells):
    return plan_notebook(notebook(*cells, path="analysis.ipynb")).plan


def _vague(name: str) -> bool:
    last = name.rsplit("_", 1)[-1]
    return last in FUNCTION_WORDS or (last.isdigit() and "_step_" in name)


def test_a_single_h1_title_over_h2_sections_splits_at_h2():
    plan = plan_of(
        md("# Churn study"),
        code("import pandas as pd"),
        md("## Load"),
        code("df = pd.read_csv('d.csv')\ndf = df.dropna()"),
        md("## Clean"),
        code("df = df[df.x > 0]\ndf['y'] = df.x * 2"),
        md("## Report"),
        code("print(df.describe())\nprint(len(df))"),
    )
    assert [s.title for s in plan.steps] == ["Load", "Clean", "Report"]


def test_heading_names_keep_a_whole_phrase_and_their_numbers():
    plan = plan_of(
        md("## Question 1"),
        code("a = compute()"),
        md("## Question 2"),
        code("b = a + 1"),
        md("## Using the best parameters to make predictions with"),
        code("c = b * 2"),
        md("## What"),
        code("d = c - 1"),
    )
    names = [s.name for s in plan.steps]
    assert names[:3] == ["question_1", "question_2", "using_the_best_parameters"]
    assert names[3] == "prepare_features"  # a heading of one function word says nothing
    assert not any(_vague(name) for name in names)
    assert snake_case("Split into train and test", numbers=True) == (
        "split_into_train_and_test"
    )


def test_steps_without_headings_are_told_apart_by_what_they_work_on():
    plan = plan_of(
        code("import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier"),
        code("train = pd.read_csv('train.csv')"),
        code("model = RandomForestClassifier().fit(train[['a']], train.b)"),
        code("test = pd.read_csv('test.csv')"),
        code("from sklearn.linear_model import LogisticRegression\n"
             "other = LogisticRegression().fit(test[['a']], test.b)"),
        code("print(model.score(test[['a']], test.b), other.score(train[['a']], train.b))"),
    )  # fmt: skip
    names = [s.name for s in plan.steps]
    assert names == [
        "load_train_data",
        "train_random_forest",
        "load_test_data",
        "train_logistic_regression",
        "evaluate_model",
    ]


def test_a_heading_that_names_a_notebook_variable_gets_the_step_s_verb():
    plan = plan_of(
        md("## Model"),
        code("model = make()\nmodel.fit([[1]], [1])"),
        md("## Total"),
        code("total = sum([1, 2])\nprint(total, model)"),
    )
    assert [s.name for s in plan.steps] == ["train_model", "prepare_total"]


def test_steps_without_work_merge_into_a_neighbour():
    plan = plan_of(
        md("## Setup"),
        code("import numpy as np\n'''A string standing for a comment.'''\nN = 3"),
        md("## Compute"),
        code("x = np.ones(N)\nprint(x.sum())"),
    )
    assert len(plan.steps) == 1 and plan.steps[0].cells == (1, 3)


def test_a_notebook_without_work_or_definitions_has_no_step():
    plan = plan_of(code("import os"), code("!pip install nose"))
    assert plan.steps == ()


def test_values_no_later_step_reads_are_not_returned():
    plan = plan_of(
        md("## Plot"),
        code(
            "import matplotlib.pyplot as plt\nwidth = len([1, 2]) * 0.3\n"
            "rects = plt.bar([1, 2], [3, 4], width)\nheights = [r for r in rects]\n"
            "auc = roc_auc_score([0, 1], [0.2, 0.8])"
        ),
        md("## Use"),
        code("print(heights)"),
    )
    first = plan.steps[0]
    assert first.returns == ("heights", "auc")  # read later; a metric for run()


WIDE = notebook(
    md("## Make"),
    code("\n".join(f"v{n} = len('{'x' * n}')" for n in range(10))),
    md("## Sum"),
    code("total = " + " + ".join(f"v{n}" for n in range(10)) + "\nprint(total)"),
    path="wide.ipynb",
)


def test_a_step_returning_more_than_eight_values_returns_a_named_record():
    result = convert_notebook(WIDE)
    module = next(
        text for path, text in result.package.items() if path.endswith("/make.py")
    )
    assert "class MakeResult(typing.NamedTuple):" in module
    assert "v0=v0, v1=v1," in module.split("return MakeResult(")[1]
    assert "    v9: typing.Any" in module


@pytest.mark.slow
def test_the_pipeline_runs_with_a_named_record(tmp_path):
    result = convert_notebook(WIDE)
    for relative, text in result.package.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    package = result.plan.package
    script = (
        f"from {package}.pipeline import run\n"
        "values = run()\n"
        "assert values['total'] == sum(range(10)), values\n"
        "assert values['v9'] == 9\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr


def test_a_module_docstring_names_each_section_once():
    """karpathy's bigrams notebook has no headings: nine steps titled "prepare
    features" made the module docstring repeat it nine times."""
    from nb2prod.convert import convert_notebook
    from nb2prod.testing import notebook

    cells = [
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt",
        *(f"x{i} = [{i}, 2]\nprint(x{i})\n" for i in range(3)),
    ]
    cells[2:2] = ["plt.plot(x0)\nplt.show()"]
    cells[4:4] = ["plt.plot(x1)\nplt.show()"]
    result = convert_notebook(notebook(*cells, path="steps.ipynb"))
    assert len(result.plan.steps) >= 4
    docstrings = [
        text.split('"""')[1]
        for path, text in result.package.items()
        if path.startswith("src/steps/") and text.startswith('"""Notebook sections')
    ]
    assert docstrings
    for docstring in docstrings:
        titles = docstring.removeprefix("Notebook sections ").rstrip(".").split(", ")
        assert len(titles) == len(set(titles)), docstring
