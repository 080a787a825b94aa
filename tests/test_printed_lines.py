"""The lines a notebook printed become the pipeline test's expectations: only lines
that can repeat, and the generated test catches a run that prints something else."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nb2prod.convert import convert_notebook, plan_notebook
from nb2prod.testing import code, md, notebook, result, stream
from nb2prod.writer import write_package


def _printed(*cells):  # type: ignore[no-untyped-def]
    return [
        (line.cell, line.text) for line in plan_notebook(notebook(*cells)).plan.printed
    ]


def _displayed(*cells):  # type: ignore[no-untyped-def]
    plan = plan_notebook(notebook(*cells)).plan
    return [(line.cell, line.text) for line in plan.printed if line.displayed]


def test_printed_lines_of_kept_cells_are_expected():
    assert _printed(
        code("x = 2\nprint('x is', x)", outputs=[stream("x is 2\n")]),
        code("print(x / 3)", outputs=[stream("0.6666666666666666\n")]),
    ) == [(0, "x is 2"), (1, "0.6666666666666666")]


def test_lines_that_cannot_repeat_are_left_out():
    lines = _printed(
        code(
            "import time\nprint('took', 1.5, 'seconds')\nprint(object())\nprint(10)",
            outputs=[
                stream("took 1.5 seconds\n<object object at 0x7f3a2c1e4b20>\n10L\n")
            ],
        ),
        code("%%time\nprint(3)", outputs=[stream("3\nWall time: 5 ms\n")]),
        code("!echo hi", outputs=[stream("hi\n")]),
    )
    assert lines == []


def test_nothing_after_an_unseeded_draw_is_expected():
    before = code("print('start')", outputs=[stream("start\n")])
    draw = code(
        "import numpy as np\nx = np.random.rand(3)\nprint(x.sum())",
        outputs=[stream("1.43\n")],
    )
    after = code("print('end')", outputs=[stream("end\n")])
    assert _printed(before, draw, after) == [(0, "start")]
    seeded = code(
        "import numpy as np\nnp.random.seed(0)\nx = np.random.rand(3)\nprint(x.sum())",
        outputs=[stream("1.8")],
    )
    assert _printed(before, seeded, after) == [(0, "start"), (1, "1.8"), (2, "end")]


def test_an_output_holding_a_secret_is_not_copied_into_a_test():
    """Not a line of it: a private key spans lines that look harmless one by one."""
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    lines = _printed(
        code("import os\nprint(os.environ['TOKEN'])\nprint(1)",
             outputs=[stream(f"{token}\n1\n")]),
        code("print(2)", outputs=[stream("2\n")]),
    )  # fmt: skip
    assert lines == [(1, "2")]


def test_values_cells_displayed_are_expected_when_the_log_shows_them_alike():
    """Jupyter shows `repr`, the package logs `str`: numbers, shapes and literal
    containers agree (numpy 2's `np.float64(...)` wrapper aside), a string is expected
    without its quotes, and tables, arrays and objects are left out."""
    lines = _displayed(
        code("rows = [(1, 2.5), (2, 3.5)]\nlen(rows)", outputs=[result("2", 1)]),
        code("import numpy as np\nnp.float64(0.93)", outputs=[result("np.float64(0.93)", 2)]),
        code("(len(rows), 2)", outputs=[result("(2, 2)", 3)]),
        code("'ready'", outputs=[result("'ready'", 4)]),
        code("np.arange(3)", outputs=[result("array([0, 1, 2])", 5)]),
        code("object()", outputs=[result("<object object at 0x7f3a2c1e4b20>", 6)]),
        code("x = 1; x;", outputs=[]),
        code("{'a': [1, 2]}", outputs=[result("{'a': [1, 2]}", 7)]),
    )  # fmt: skip
    assert lines == [
        (0, "2"),
        (1, "0.93"),
        (2, "(2, 2)"),
        (3, "ready"),
        (7, "{'a': [1, 2]}"),
    ]


def test_displays_the_package_does_not_log_alike_are_not_expected():
    """A set (IPython sorts its items, `str` does not), a call made for its effect
    (`add(1, 2)` reads like `set.add`, `ax.set_xlim(...)` draws): not logged as values.
    """
    lines = _displayed(
        code("{n ** 2 for n in range(12)}",
             outputs=[result("{0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121}", 1)]),
        code("add = lambda x, y: x + y\nadd(1, 2)", outputs=[result("3", 2)]),
        code("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n"
             "ax.set_xlim(-5, 5)", outputs=[result("(-5.0, 5.0)", 3)]),
        code("len([1, 2, 3])", outputs=[result("3", 4)]),
    )  # fmt: skip
    assert lines == [(3, "3")]


def test_a_last_expression_the_stored_run_showed_as_none_is_not_logged():
    """`learn.fit_one_cycle(...)` and `df.info()` return None: the cell ran and left no
    result, so the package runs the call and logs no `... = None`. A cell that never
    ran (no count) or showed a value keeps its log line."""
    cells = (
        code("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})", count=1),
        code("df.info()", count=2, outputs=[stream("<class 'pandas.core.frame.DataFrame'>\n")]),
        code("df.sum()", count=3, outputs=[result("a    3\ndtype: int64", 3)]),
        code("df.mean()"),
        code("df.max()", count=5, outputs=[
            {"output_type": "error", "ename": "E", "evalue": "", "traceback": []}]),
    )  # fmt: skip
    converted = convert_notebook(notebook(*cells))
    assert converted.plan.logged_displays == (2, 3, 4)
    code_text = "\n".join(module.code for module in converted.plan.code)
    assert "df.info()" in code_text
    assert "'df.info() = %s'" not in code_text
    assert "'df.sum() = %s'" in code_text


def test_what_shows_the_environment_is_not_expected():
    """Library versions and the platform differ on the machine that runs the package
    (a notebook stored with numpy 1.11 displays '1.11.1')."""
    lines = _printed(
        code("import numpy\nnumpy.__version__", outputs=[result("'1.11.1'", 1)]),
        code("import sys\nprint(sys.version)", outputs=[stream("3.6.1\n")]),
        code("import platform\nprint(platform.python_version())",
             outputs=[stream("3.6.1\n")]),
        code("print('rows', 3)", outputs=[stream("rows 3\n")]),
    )  # fmt: skip
    assert lines == [(3, "rows 3")]


def test_a_displayed_value_after_an_unseeded_draw_is_not_expected():
    lines = _displayed(
        code("import numpy as np\nx = np.random.rand(3)\nround(x.sum(), 3)",
             outputs=[result("1.432", 1)]),
    )  # fmt: skip
    assert lines == []


@pytest.mark.slow  # runs the generated tests
def test_the_generated_test_passes_on_the_package_and_fails_on_other_output(tmp_path):
    model = notebook(
        md("# Sums"),
        code("values = [1.5, 2.25, 3.0]\nprint('total', sum(values))",
             outputs=[stream("total 6.75\n")]),
        md("## Mean"),
        code("print('mean', round(sum(values) / len(values), 6))",
             outputs=[stream("mean 2.25\n")]),
        code("len(values), max(values)", outputs=[result("(3, 3.0)", 3)]),
        path="sums.ipynb",
    )  # fmt: skip
    folder = tmp_path / "pkg"
    write_package(convert_notebook(model).package, folder)
    test = folder / "tests" / "test_pipeline.py"

    def generated_tests():  # type: ignore[no-untyped-def]
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
            cwd=folder, capture_output=True, text=True, timeout=300, check=False,
            env={**os.environ, "PYTHONPATH": str(folder / "src")},
        )  # fmt: skip

    passed = generated_tests()
    assert passed.returncode == 0, passed.stdout
    assert "test_the_run_prints_what_the_notebook_printed" in test.read_text()
    test.write_text(test.read_text().replace('"mean 2.25"', '"mean 2.5"'))
    failed = generated_tests()
    assert failed.returncode == 1
    assert "cell 4: mean 2.5" in failed.stdout
    assert '"(3, 3.0)"' in test.read_text()
    test.write_text(test.read_text().replace('"(3, 3.0)"', '"(3, 3.5)"'))
    failed = generated_tests()
    assert "cell 5: ... = (3, 3.5)" in failed.stdout


def test_nothing_after_a_network_is_built_without_a_seed_is_expected():
    """A torch.nn layer draws its initial weights: the losses printed after it vary."""
    data = code("print('rows', 3)", outputs=[stream("rows 3\n")])
    network = code(
        "import torch\nfrom torch import nn\nclass Net(nn.Module):\n    pass\n"
        "net = Net()\nprint('loss', 0.79)",
        outputs=[stream("loss 0.79\n")],
    )
    assert _printed(data, network) == [(0, "rows 3")]
    seeded = code("import torch\ntorch.manual_seed(0)", outputs=[])
    assert _printed(data, seeded, network) == [(0, "rows 3"), (2, "loss 0.79")]


def test_a_draw_in_a_networks_own_code_counts_where_the_network_is_built():
    """mrdbourke's `nn.Parameter(torch.randn(1))` in `__init__` of a class defined
    before `torch.manual_seed(42)`: the draw runs when a seeded cell builds the network,
    not where the class is defined. Every seeded loss the notebook printed was left
    out of the generated test."""
    network = code(
        "import torch\nfrom torch import nn\nclass Net(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.w = nn.Parameter(torch.randn(1))"
    )
    built = code("net = Net()\nprint('loss', 0.79)", outputs=[stream("loss 0.79\n")])
    seeded = code("torch.manual_seed(42)")
    assert _printed(network, seeded, built) == [(2, "loss 0.79")]
    assert _printed(network, built) == []  # built unseeded: its weights vary


@pytest.mark.parametrize(
    "cells",
    [
        ("import torch", "def make():\n    return torch.nn.Linear(3, 1)", "m = make()"),
        (
            "import torch",
            "class Net(torch.nn.Module):\n    def __init__(self):\n"
            "        super().__init__()\n        self.fc = torch.nn.Linear(3, 1)",
            "def train():\n    return Net()",
            "net = train()",
        ),
        (  # torch seeded, numpy not: the network's numpy draw varies
            "import torch\nimport numpy as np\ntorch.manual_seed(0)",
            "class Net(torch.nn.Module):\n    def __init__(self):\n"
            "        super().__init__()\n        self.noise = np.random.rand()",
            "net = Net()",
        ),
    ],
)
def test_a_network_a_function_builds_or_a_draw_of_another_library_varies(cells):
    """The draws a network's class makes are counted where a cell builds it only for
    its own library's weights; a function building one counts where it is defined."""
    printed = code("print('weights', 0.1234)", outputs=[stream("weights 0.1234\n")])
    assert _printed(*map(code, cells), printed) == []


@pytest.mark.parametrize(
    ("seed", "draw", "repeats"),
    [
        ("import random\nrandom.seed(42)", "torch.randint(0, 10, (32,))", False),
        ("np.random.seed(0)", "torch.randn(3)", False),
        ("torch.cuda.manual_seed(0)", "torch.rand(2)", False),  # the GPU's only
        ("torch.manual_seed(0)", "torch.randint(0, 10, (32,))", True),
        ("import random\nrandom.seed(1)", "random.shuffle(items)", True),
        ("np.random.seed(0)", "np.random.default_rng().normal()", False),
        ("import transformers\ntransformers.set_seed(0)", "torch.randn(3)", True),
    ],
)  # fmt: skip
def test_a_seed_makes_only_its_own_generators_draws_repeat(seed, draw, repeats):
    """`random.seed(42)` then minibatches from `torch.randint`: the model and every
    line printed after differ from run to run (the karpathy makemore notebooks)."""
    cells = (
        code("import numpy as np\nimport torch\nitems = [1, 2, 3]"),
        code(seed),
        code(f"{draw}\nprint('done')", outputs=[stream("done\n")]),
    )
    assert _printed(*cells) == ([(2, "done")] if repeats else [])


def test_lines_naming_the_device_are_left_out():
    """`cuda` where the notebook ran, `cpu` on the machine running the tests."""
    lines = _printed(
        code(
            "import torch\ndevice = 'cuda' if torch.cuda.is_available() else 'cpu'\n"
            "print(device)\nprint('Using GPU:', True)\nprint(28, 'ok')",
            outputs=[stream("cuda\nUsing GPU: True\n28 ok\n")],
        )
    )
    assert lines == [(0, "28 ok")]


def test_a_draw_from_a_generator_it_is_given_repeats():
    """`torch.randint(..., generator=g)` with `g = torch.Generator().manual_seed(...)`
    (karpathy's makemore): no global seed is needed."""
    cells = (
        code("import torch\ng = torch.Generator().manual_seed(2147483647)"),
        code(
            "ix = torch.randint(0, 10, (32,), generator=g)\nprint('batch', 32)",
            outputs=[stream("batch 32\n")],
        ),
    )
    assert _printed(*cells) == [(1, "batch 32")]
