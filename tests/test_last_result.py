"""IPython's `_` (the last displayed value) becomes an ordinary variable in packages."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

from nb2prod.convert import convert_notebook, plan_notebook
from nb2prod.testing import code, md, notebook
from nb2prod.writer import write_package

READS_LAST = notebook(
    md("# Roots"),
    code("def half(x):\n    return x / 2\n\nhalf(9)  # shown, so `_` is 4.5"),
    md("## Use it"),
    code("y = _ + 1\nprint('y', y)"),
)


def test_the_displaying_cell_binds_underscore_and_the_reader_receives_it():
    plan = plan_notebook(READS_LAST).plan
    first, second = plan.steps
    assert "_" in first.returns and "_" in second.params
    assert not plan.warnings


@pytest.mark.slow  # starts an interpreter
def test_package_computes_what_the_notebook_did(tmp_path):
    result = convert_notebook(READS_LAST)
    write_package(result.package, tmp_path / "pkg")
    ran = subprocess.run(
        [sys.executable, "-m", result.plan.package],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "pkg" / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert "y 5.5" in ran.stderr


def test_a_notebook_that_defines_underscore_is_left_alone():
    defines = notebook(code("for _ in range(2):\n    pass\n3"), code("z = _ * 2"))
    plan = plan_notebook(defines).plan
    module = convert_notebook(defines).package
    assert "_ = 3" not in "".join(module.values())
    assert plan.steps  # converted as it is: `_` is the loop's variable


def test_a_call_made_for_its_effect_stays_a_statement(tmp_path):
    """A cell ending in `model.fit(...)`, `df.to_csv(...)` or a seed shows its result
    only because Jupyter shows the last expression: no log record of it."""
    from nb2prod.reading.notebook import read_notebook
    from nb2prod.testing import nb, write_nb

    cells = [
        "import random\nrandom.seed(0)",
        "values = [3, 1, 2]\nvalues.sort()",
        "import json\nfrom pathlib import Path\nPath('out.json').write_text(json.dumps(1))",
        "values.append(4)",
        "counts = {}\ncounts.update(a=1)",
        "len(values)",  # a value: still logged
    ]
    write_nb(tmp_path / "fx.ipynb", nb(md("# T"), *[code(c) for c in cells]))
    result = convert_notebook(read_notebook(str(tmp_path / "fx.ipynb")))
    source = "\n".join(
        text for path, text in result.package.items() if path.startswith("src/fx/")
    )
    assert "random.seed(SEED)\n" in source  # the seed is a setting
    assert "values.sort()\n" in source
    assert "values.append(4)\n" in source
    assert 'logger.debug("len(values) = %s", len(values))' in source
    # the one displayed value
    assert len(re.findall(r'logger\.\w+\("[^"]* = %s"', source)) == 1


def test_the_value_a_notebook_ends_by_showing_is_returned():
    """`pd.get_dummies(df)` as the last cell is the notebook's result: the last step
    returns it (and logs it); previews, variables and effect calls stay as they are."""
    from nb2prod.convert import plan_notebook
    from nb2prod.testing import notebook

    cells = ("import pandas as pd\ndf = pd.DataFrame({'a': ['x', 'y']})",)
    plan = plan_notebook(notebook(md("# T"), *cells, "pd.get_dummies(df)")).plan
    assert plan.steps[-1].returns[-1] == "result"
    assert "result" in plan.outputs
    endings = (
        "df.head()",
        "df",
        "df.to_csv('out.csv')",
        "pd.get_dummies(df);",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.set_axis_off()",
    )
    for ending in endings:
        plan = plan_notebook(notebook(md("# T"), *cells, ending)).plan
        assert "result" not in plan.outputs, ending


@pytest.mark.slow  # runs the generated package
def test_the_notebook_result_is_saved_as_a_table(tmp_path):
    import os

    import pandas as pd

    from nb2prod.testing import notebook
    from nb2prod.writer import write_package

    cells = (
        "import pandas as pd\ndf = pd.DataFrame({'a': ['x', 'y', 'x']})",
        "pd.get_dummies(df)",
    )
    result = convert_notebook(notebook(md("# T"), *cells, path="dummies.ipynb"))
    assert result.plan.result == "result"
    assert "`outputs/result.csv`" in result.package["README.md"]
    # no import the requirements do not cover (numpy is not one of this notebook's)
    assert "import numpy" not in result.package["src/dummies/results.py"]
    write_package(result.package, tmp_path / "pkg")
    run = subprocess.run(
        [sys.executable, "-m", "dummies", "--output-dir", "out"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "pkg" / "src")},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    saved = pd.read_csv(tmp_path / "out" / "result.csv", index_col=0)
    assert list(saved.columns) == ["a_x", "a_y"] and saved["a_x"].tolist() == [1, 0, 1]


@pytest.mark.parametrize(
    "call",
    [
        "notebook_login()",
        "trainer.push_to_hub()",
        "mlflow.log_metric('rmse', 0.5)",
        "save_checkpoint(model, 'ckpt.pt')",
        "plot_history(history)",
    ],
)
def test_signing_in_publishing_and_helpers_named_for_an_effect_are_no_values(call):
    """`logger.debug("notebook_login() = %s", notebook_login())` signed in from a debug
    log call, and `trainer.push_to_hub()` uploaded a model from one."""
    from nb2prod.transforms.effect_calls import displays_a_value

    (statement,) = ast.parse(call).body
    assert isinstance(statement, ast.Expr)
    assert not displays_a_value(statement.value)


@pytest.mark.parametrize("call", ["trainer.evaluate()", "df.set_index('a')", "len(x)"])
def test_calls_that_return_what_the_cell_shows_are_values(call):
    from nb2prod.transforms.effect_calls import displays_a_value

    (statement,) = ast.parse(call).body
    assert isinstance(statement, ast.Expr)
    assert displays_a_value(statement.value)
