"""Parsing code cells: libcst trees for Python, per-cell problems for the rest."""

from __future__ import annotations

import ast

import libcst
import pytest

from nb2prod.errors import CellSyntaxError
from nb2prod.reading.notebook import Cell, CellKind
from nb2prod.reading.parsing import cst_module, parse_cell, parse_notebook
from nb2prod.testing import code, md, notebook


def test_python_cell_gets_an_ast_tree():
    parsed = parse_cell(notebook("import os\n\nx = os.sep  # keep me\n").cells[0])
    assert parsed.parsed
    assert isinstance(parsed.tree, ast.Module)
    assert [type(node).__name__ for node in parsed.tree.body] == ["Import", "Assign"]


def test_libcst_module_round_trips_the_translation_with_comments():
    parsed = parse_cell(notebook("%matplotlib inline\nx = 1  # keep me\n").cells[0])
    module = cst_module(parsed, "a.ipynb")
    assert isinstance(module, libcst.Module)
    assert (
        module.code
        == "get_ipython().run_line_magic('matplotlib', 'inline')\nx = 1  # keep me\n"
    )


def test_libcst_module_of_a_broken_cell_is_a_cell_syntax_error():
    parsed = parse_cell(notebook("x = 1", code("y = (", count=4)).cells[1])
    with pytest.raises(CellSyntaxError) as caught:
        cst_module(parsed, "a.ipynb")
    assert caught.value.error_line() == (
        "error: a.ipynb: cell 2, line 1, column 5: '(' was never closed"
    )


def test_ipython_cell_is_parsed_through_its_translation():
    parsed = parse_cell(notebook("%matplotlib inline\n!ls\nfiles = !ls").cells[0])
    assert parsed.parsed
    assert parsed.tree is not None


def test_problem_names_cell_execution_count_line_and_column():
    nb = notebook(md("# t"), code("x = 1", count=1), code("def f(:\n    pass", count=7))
    first, second = parse_notebook(nb)
    assert first.problem is None
    assert second.problem is not None
    assert (second.problem.cell, second.problem.execution_count) == (2, 7)
    assert (second.problem.line, second.problem.column) == (1, 6)
    assert second.problem.message == "invalid syntax"
    assert second.tree is None


def test_problem_after_an_ipython_line_keeps_the_cell_line_number():
    parsed = parse_cell(notebook("!ls\n%time x = 1\nprint 'x'").cells[0])
    assert parsed.problem is not None
    assert parsed.problem.line == 3


def test_null_byte_is_a_problem_not_a_crash():
    parsed = parse_cell(notebook("x = 1\ny = '\0'").cells[0])
    assert parsed.problem is not None
    assert (parsed.problem.line, parsed.problem.message) == (
        2,
        "source contains a null byte",
    )


def test_empty_and_comment_only_cells_parse():
    assert all(
        p.parsed for p in parse_notebook(notebook("", "# only a comment", "\n\n"))
    )


def test_non_python_cell_magic_parses_as_a_magic_call():
    parsed = parse_cell(notebook("%%bash\nfor f in *; do echo $f; done").cells[0])
    assert parsed.parsed


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_three_thousand_cells_and_a_twenty_thousand_line_cell_parse():
    many = notebook(*[f"x{i} = {i}\nprint(x{i})" for i in range(3000)])
    assert sum(p.parsed for p in parse_notebook(many)) == 3000
    long_cell = "\n".join(
        f"v{i} = f(v{i - 1}, 'a', {i})  # step {i}" for i in range(20000)
    )
    parsed = parse_cell(notebook(long_cell).cells[0])
    assert parsed.parsed
    assert parsed.cell.line_count == 20000


def test_lone_surrogate_in_a_cell_built_in_code_is_a_problem_not_a_crash():
    # read from a file, `read_notebook` refuses it first (tests/test_robustness.py)
    parsed = parse_cell(Cell(0, CellKind.CODE, "x = 1\ny = '\ud800'"))
    assert parsed.problem is not None
    assert parsed.problem.line == 2
    assert parsed.problem.message == "source contains an invalid character '\\ud800'"
