"""The tests `convert` writes into a package: golden cases found only where a call can
recompute a stored output, and the generated suite run with the real pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.convert import convert_notebook, plan_notebook
from nb2prod.reading.notebook import read_notebook
from nb2prod.testing import code, md, nb, result, stream, write_nb
from nb2prod.writer import write_package

PRICES = nb(
    md("# Prices"),
    code("RATE = 0.2\nbasket = [1.5, 2.25]", count=1),
    code("def with_tax(price):\n    return round(price * (1 + RATE), 2)", count=2),
    code("with_tax(10)", count=3, outputs=[result("12.0", 3)]),
    code("print(with_tax(2.5))", count=4, outputs=[stream("3.0\n")]),
    code(
        "def summary(xs):\n    return {'n': len(xs), 'top': max(xs)}\nsummary([1, 2])",
        count=5,
        outputs=[result("{'n': 2,\n 'top': 2}", 5)],
    ),
    code("summary(basket)", count=6, outputs=[result("{'n': 2, 'top': 2.25}", 6)]),
)


def _plan(tmp_path: Path, document: dict) -> object:  # type: ignore[type-arg]
    path = write_nb(tmp_path / "prices.ipynb", document)
    return plan_notebook(read_notebook(path)).plan


def _cases(tmp_path: Path, document: dict) -> list[tuple[int, str, str]]:  # type: ignore[type-arg]
    plan = _plan(tmp_path, document)
    return [(case.cell, case.call, case.kind) for case in plan.golden]  # type: ignore[attr-defined]


def test_golden_cases_for_calls_with_literal_and_config_arguments(tmp_path):
    assert _cases(tmp_path, PRICES) == [
        (3, "with_tax(10, RATE=config.RATE)", "display"),
        (4, "with_tax(2.5, RATE=config.RATE)", "print"),
        (5, "summary([1, 2])", "display"),
    ]


@pytest.mark.parametrize(
    "function",
    [
        "def f(x):\n    print(x)\n    return x",
        "import random\ndef f(x):\n    return x + random.random()",
        "import time\ndef f(x):\n    return x + time.time()",
        "def f(x):\n    return open('a.txt').read() + str(x)",
        "total = []\ndef f(x):\n    total.append(x)\n    return x",
        "n = 0\ndef f(x):\n    global n\n    n = x\n    return x",
    ],
    ids=["prints", "random", "clock", "io", "mutates", "global"],
)
def test_no_golden_case_for_impure_functions(tmp_path, function):
    document = nb(code(function), code("f(1)", count=2, outputs=[result("1", 2)]))
    assert _cases(tmp_path, document) == []


@pytest.mark.parametrize(
    "cell",
    [
        code("f(y)", count=2, outputs=[result("1", 2)]),  # y is not a constant
        code("f(1)\n", count=2),  # nothing stored
        code(
            "print('x')\nf(1)", count=2, outputs=[stream("x\n"), result("1", 2)]
        ),  # the cell printed more than the value
        code(
            "print(f(1))",
            count=2,
            outputs=[stream("1\n"), {"output_type": "error", "ename": "E"}],
        ),
        code("print(f(1), f(2))", count=2, outputs=[stream("1 2\n")]),
        code(
            "%time print(f(1))",
            count=2,
            outputs=[stream("1\nCPU times: user 5 us\nWall time: 0 ns\n")],
        ),  # %time's timings are part of the stored text
        code("f(10)", count=2, outputs=[result("10L", 2)]),  # a Python 2 kernel's long
    ],
    ids=[
        "variable-argument",
        "no-output",
        "extra-stdout",
        "error",
        "two-values",
        "timed",
        "python2-long",
    ],
)
def test_no_golden_case_when_the_output_is_not_the_call(tmp_path, cell):
    document = nb(code("y = [1, 2]\ny.append(3)\ndef f(x):\n    return x"), cell)
    if "error" in str(cell):
        cell["outputs"][1].update({"evalue": "", "traceback": []})
    assert _cases(tmp_path, document) == []


def _convert(notebook: Path, folder: Path) -> None:
    write_package(convert_notebook(read_notebook(notebook)).package, folder)


def _run_pytest(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-rs", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow  # starts an interpreter
def test_generated_suite_passes_and_golden_tests_catch_a_change(tmp_path):
    notebook = write_nb(tmp_path / "prices.ipynb", PRICES)
    package = tmp_path / "pkg"
    _convert(notebook, package)
    tests = {path.name for path in (package / "tests").iterdir()}
    assert {
        "conftest.py",
        "test_smoke.py",
        "test_golden.py",
        "test_pipeline.py",
    } <= tests
    passed = _run_pytest(package)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    for test in (
        "test_golden.py::test_cell_4_with_tax PASSED",
        "test_golden.py::test_cell_5_with_tax PASSED",
        "test_golden.py::test_cell_6_summary PASSED",
        "test_pipeline.py::test_run_returns_every_result PASSED",
        "test_smoke.py::test_command_line_help PASSED",
    ):
        assert test in passed.stdout
    assert "SKIPPED" in passed.stdout and "TODO: " in passed.stdout

    (module,) = [
        path
        for path in (package / "src" / "prices").glob("*.py")
        if "def with_tax" in path.read_text()
    ]
    module.write_text(
        module.read_text().replace("round(price * (1 + RATE), 2)", "price")
    )
    failed = _run_pytest(package)
    assert failed.returncode == 1
    assert "test_golden.py::test_cell_4_with_tax FAILED" in failed.stdout
    assert "test_golden.py::test_cell_6_summary PASSED" in failed.stdout


READER = nb(
    code("with open('data/input.txt') as handle:\n    words = handle.read().split()"),
    code("count = len(words)\nprint(count)"),
)


@pytest.mark.slow  # starts an interpreter
def test_pipeline_test_skips_with_the_reason_without_data_and_runs_with_it(tmp_path):
    notebook = write_nb(tmp_path / "reader.ipynb", READER)
    package = tmp_path / "pkg"
    _convert(notebook, package)
    skipped = _run_pytest(package)
    assert skipped.returncode == 0, skipped.stdout
    assert "input data not found under" in skipped.stdout
    assert "data/input.txt" in skipped.stdout

    (package / "data").mkdir()
    (package / "data" / "input.txt").write_text("one two three\n")
    ran = _run_pytest(package)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "input data not found" not in ran.stdout
    assert not (package / "outputs").exists()  # the run wrote into a temporary folder
