"""Bad input: one clear line on stderr naming the file (and cell, line), exit code 2."""

from __future__ import annotations

import json
import re

import pytest

from nb2prod.testing import PYTHON_METADATA, code, md, nb, write_nb


def _inspect_error(run_cli, path, code=2):
    """inspect's error line: exit 2 for a file that is no notebook, 1 for a cell that
    is not Python (the other cells are still reported)."""
    result = run_cli("inspect", str(path))
    assert result.exit_code == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def test_missing_file(run_cli, tmp_path):
    path = tmp_path / "gone.ipynb"
    assert _inspect_error(run_cli, path) == f"error: {path}: no such file\n"


def test_directory(run_cli, tmp_path):
    assert _inspect_error(run_cli, tmp_path) == (
        f"error: {tmp_path}: is a directory, not a notebook file\n"
    )


def test_empty_file(run_cli, tmp_path):
    path = write_nb(tmp_path / "empty.ipynb", "")
    assert (
        _inspect_error(run_cli, path) == f"error: {path}: empty file, not a notebook\n"
    )


def test_whitespace_only_file_is_empty(run_cli, tmp_path):
    path = write_nb(tmp_path / "blank.ipynb", "  \n\n")
    assert (
        _inspect_error(run_cli, path) == f"error: {path}: empty file, not a notebook\n"
    )


def test_not_json(run_cli, tmp_path):
    path = write_nb(tmp_path / "script.ipynb", "import numpy as np\nprint(np.pi)\n")
    assert _inspect_error(run_cli, path) == (
        f"error: {path}: not valid JSON (line 1, column 1: Expecting value)\n"
    )


def test_truncated_json(run_cli, tmp_path):
    text = json.dumps(nb("x = 1", "y = 2"), indent=1)
    path = write_nb(tmp_path / "cut.ipynb", text[: text.index('"y = 2"')])
    stderr = _inspect_error(run_cli, path)
    assert stderr.startswith(f"error: {path}: truncated JSON (line ")
    assert stderr.count("\n") == 1


def test_json_that_is_not_a_notebook(run_cli, tmp_path):
    path = write_nb(tmp_path / "package.ipynb", {"name": "left-pad", "version": "1.0"})
    assert _inspect_error(run_cli, path) == (
        f'error: {path}: not a notebook: the JSON has no "cells" and no "nbformat" field\n'
    )


def test_json_array_is_not_a_notebook(run_cli, tmp_path):
    path = write_nb(tmp_path / "list.ipynb", "[1, 2, 3]")
    assert _inspect_error(run_cli, path) == (
        f"error: {path}: not a notebook: the JSON is a list, not an object\n"
    )


@pytest.mark.parametrize("major", [5, 2, 1])
def test_unknown_nbformat_major_version(run_cli, tmp_path, major):
    document = nb("x = 1")
    document["nbformat"] = major
    path = write_nb(tmp_path / "future.ipynb", document)
    assert _inspect_error(run_cli, path) == (
        f"error: {path}: nbformat {major} is not supported (nb2prod reads nbformat 3 and 4)\n"
    )


def test_non_utf8_bytes(run_cli, tmp_path):
    text = json.dumps(nb("name = 'Jos\u00e9'"), ensure_ascii=False)
    raw = text.encode("utf-8").replace("\u00e9".encode(), b"\xe9")
    path = write_nb(tmp_path / "latin1.ipynb", raw)
    offset = raw.index(b"\xe9")
    assert _inspect_error(run_cli, path) == (
        f"error: {path}: not UTF-8 text (byte 0xe9 at offset {offset})\n"
    )


@pytest.mark.parametrize(
    ("source", "what"),
    [
        (42, "not a number"),
        ({"text": "x"}, "not an object"),
        (["x = 1\n", 7], "but holds a number"),
    ],
)
def test_cell_source_of_wrong_type(run_cli, tmp_path, source, what):
    document = nb(md("# Title"), code("x = 1"), code("y = 2"))
    document["cells"][2]["source"] = source
    path = write_nb(tmp_path / "odd.ipynb", document)
    stderr = _inspect_error(run_cli, path)
    assert stderr.startswith(
        f"error: {path}: cell 3: `source` must be a string or a list of strings, "
    )
    assert stderr.endswith(f"{what}\n")


@pytest.mark.parametrize(
    ("kernelspec", "shown"),
    [
        ({"name": "ir", "display_name": "R", "language": "R"}, "R (language 'R')"),
        (
            {"name": "julia-1.9", "display_name": "Julia 1.9.3", "language": "julia"},
            "Julia 1.9.3 (language 'julia')",
        ),
    ],
)
def test_non_python_kernel(run_cli, tmp_path, kernelspec, shown):
    document = nb("x <- 1", metadata={"kernelspec": kernelspec})
    path = write_nb(tmp_path / "other.ipynb", document)
    assert _inspect_error(run_cli, path) == (
        f"error: {path}: unsupported kernel: {shown}; nb2prod reads Python notebooks\n"
    )


def test_kernel_language_guessed_from_kernelspec_name(run_cli, tmp_path):
    document = nb("1 + 1", metadata={"kernelspec": {"name": "ir", "display_name": "R"}})
    path = write_nb(tmp_path / "r.ipynb", document)
    assert "unsupported kernel: R (language 'R')" in _inspect_error(run_cli, path)


def test_cell_with_syntax_error_is_reported_and_the_rest_inspected(run_cli, tmp_path):
    document = nb(
        code("x = 1", count=1), code("y = (x +\n", count=2), code("z = x", count=3)
    )
    path = write_nb(tmp_path / "broken.ipynb", document)
    result = run_cli("inspect", str(path), "--format", "json")
    assert result.exit_code == 1  # a cell that is not Python; the JSON is printed
    assert (
        result.stderr
        == f"error: {path}: cell 2, line 1, column 5: '(' was never closed\n"
    )
    cells = json.loads(result.stdout)["cells"]
    assert [cell["parse"]["status"] for cell in cells] == ["ok", "error", "ok"]
    assert cells[1]["problems"] == [
        {"kind": "syntax", "line": 1, "column": 4, "message": "'(' was never closed"}
    ]


def test_python2_print_statement_names_cell_and_line(run_cli, tmp_path):
    path = write_nb(tmp_path / "py2.ipynb", nb("x = 1", "for i in x:\n    print i"))
    assert _inspect_error(run_cli, path, code=1) == (
        f"error: {path}: cell 2, line 2, column 5: "
        "Missing parentheses in call to 'print'. Did you mean print(...)?\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "(" * 300 + "1" + ")" * 300,
        "x = " + "-" * 5000 + "1",
        "x = " + " + ".join(["a"] * 5000),
        "x = a" + "[0]" * 4000,
    ],
    ids=["parentheses", "unary", "binary-chain", "subscripts"],
)
def test_deeply_nested_expression_is_a_cell_problem_not_a_crash(
    run_cli, tmp_path, source
):
    path = write_nb(tmp_path / "deep.ipynb", nb("import numpy", source))
    stderr = _inspect_error(run_cli, path, code=1)
    assert re.fullmatch(
        rf"error: {re.escape(str(path))}: cell 2, line 1, column \d+: "
        r"too deeply nested to parse \(Python's own parser gives up on it too\)\n",
        stderr,
    ), stderr


def test_error_outputs_name_the_cell_not_nested_deeper(run_cli, tmp_path):
    document = nb("x = 1")
    document["cells"].append("not a cell")
    path = write_nb(tmp_path / "junk.ipynb", document)
    assert _inspect_error(run_cli, path) == (
        f"error: {path}: cell 2: cell is a string, not a JSON object\n"
    )


def test_cells_not_a_list(run_cli, tmp_path):
    document = nb("x = 1")
    document["cells"] = {"0": "x"}
    path = write_nb(tmp_path / "dict.ipynb", document)
    assert _inspect_error(run_cli, path) == (
        f'error: {path}: not a notebook: "cells" is not a list\n'
    )


def test_verbose_shows_traceback_for_bad_input(run_cli, tmp_path):
    path = tmp_path / "gone.ipynb"
    result = run_cli("-v", "inspect", str(path))
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert result.stderr.endswith(f"error: {path}: no such file\n")


@pytest.mark.slow  # starts an interpreter
def test_python_metadata_is_enough(run_cli, tmp_path):
    path = write_nb(tmp_path / "ok.ipynb", nb("x = 1", metadata=PYTHON_METADATA))
    assert run_cli("inspect", str(path)).exit_code == 0


@pytest.mark.slow
def test_a_terminal_that_cannot_encode_the_text_gets_escapes_not_a_traceback(
    tmp_path,
):
    import os
    import subprocess
    import sys

    path = write_nb(
        tmp_path / "u.ipynb", nb(md("# Übung ✓"), code("x = 'héllo ✓'\nprint(x)"))
    )
    for command in (["inspect", str(path)], ["lint", "--no-cache", str(path)]):
        done = subprocess.run(
            [sys.executable, "-m", "nb2prod", *command],
            env={**os.environ, "PYTHONIOENCODING": "ascii"},
            capture_output=True,
            text=True,
        )
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr
