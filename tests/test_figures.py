"""Figures a cell leaves open: Jupyter shows and closes them when the cell ends, so the
package saves them there (one PNG each), and the next cell draws on a figure of its
own, as in the notebook."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nb2prod.convert import convert_notebook, plan_notebook
from nb2prod.testing import code, md, notebook
from nb2prod.writer import write_package

IMPORTS = "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt"


def _figure_cells(*cells: str) -> tuple[int, ...]:
    plan = plan_notebook(notebook(md("# Plots"), code(IMPORTS), *map(code, cells))).plan
    return plan.figure_cells


def test_cells_that_draw_without_showing_save_what_they_left_open():
    assert _figure_cells(
        "plt.plot([1, 2, 3])",  # drawn, shown by Jupyter at the end of the cell
        "x = [1, 2]\nprint(len(x))",  # no drawing
        "fig, ax = plt.subplots()\nax.hist([1, 1, 2])\nplt.show()",  # shown: saved
        "import pandas as pd\npd.Series([1, 2]).plot(kind='bar')",
        "def draw(values):\n    plt.scatter(values, values)",  # defines, draws not
        "draw([1, 2])",  # calls a function that draws
    ) == (2, 5, 7)


def test_a_training_step_is_no_drawing():
    assert (
        _figure_cells("import torch\nopt = torch.optim.SGD([], lr=0.1)\nopt.step()")
        == ()
    )


@pytest.mark.slow  # starts an interpreter
def test_each_cells_figures_are_saved_apart_as_the_notebook_showed_them(tmp_path):
    result = convert_notebook(
        notebook(
            md("# Plots"),
            code(IMPORTS),
            md("## First"),
            code("plt.plot([1, 2, 3])"),
            code("plt.plot([3, 2, 1])\nplt.figure()\nplt.bar([0], [1])"),
            path=str(tmp_path / "plots.ipynb"),
        )
    )
    write_package(result.package, tmp_path / "pkg")
    completed = subprocess.run(
        [sys.executable, "-m", "plots"],
        cwd=tmp_path / "pkg",
        env={**os.environ, "PYTHONPATH": str(tmp_path / "pkg" / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    saved = sorted(path.name for path in (tmp_path / "pkg" / "outputs").iterdir())
    assert saved == ["first_1.png", "first_2.png", "first_3.png"]  # not 2: no merging


@pytest.mark.parametrize(
    "call",
    [
        "import torch\ntorch.zeros(3).scatter(0, torch.tensor([0]), 1.0)",
        "import cv2\ncv2.imshow('w', image)",
        "from keras.utils import plot_model\nplot_model(model)",
        "from bokeh.plotting import figure\np = figure()",
        "values.sort()",
    ],
)
def test_calls_that_draw_nothing_jupyter_shows_are_no_drawing(call):
    assert _figure_cells(f"image = model = values = None\n{call}") == ()


@pytest.mark.parametrize(
    "call",
    [
        "import seaborn as sns\nsns.heatmap([[1, 2], [3, 4]])",
        "fig, axes = plt.subplots(2)\naxes[0].imshow([[1]])",
        "import pandas as pd\npd.DataFrame({'a': [1]}).plot.bar()",
        "import pandas as pd\npd.Series([1, 2]).hist()",
    ],
)
def test_pyplot_seaborn_pandas_and_axes_draw(call):
    assert _figure_cells(call) == (2,)


@pytest.mark.parametrize(
    "call", ["ax.hexbin(x, y)", "axes.loglog(x, y)", "ax.spy(m)", "ax.pie(sizes)"]
)
def test_a_call_that_draws_makes_a_plots_cell_whose_last_value_is_not_logged(call):
    """One table of plotting calls (analysis/plotting_calls.py) for the decisions that
    read it: an axes method that draws made a "features" step whose last line was
    logged as `logger.debug("ax.hexbin(x, y) = %s", ax.hexbin(x, y))`."""
    from nb2prod.planning.steps import cell_role
    from nb2prod.reading.parsing import parse_notebook
    from nb2prod.transforms.effect_calls import displays_a_value

    (parsed,) = parse_notebook(notebook(code(call)))
    assert cell_role(parsed) == "plots"
    (statement,) = parsed.tree.body
    assert not displays_a_value(statement.value)


def test_a_stemmer_is_no_plot():
    """`ps.stem(word)` (nltk's PorterStemmer) made a text-cleaning cell a "plots"
    step: matplotlib has a `stem` plot too."""
    from nb2prod.planning.steps import cell_role
    from nb2prod.reading.parsing import parse_notebook

    (parsed,) = parse_notebook(
        notebook(code("words = ['running']\nstems = [ps.stem(w) for w in words]"))
    )
    assert cell_role(parsed) != "plots"
