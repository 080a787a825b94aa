"""Formatting of generated files with ruff's formatter: black's style, stable, the
files kept in order, a file that does not compile reported by name, and nothing of
the user's configuration or code read or written outside the call."""

from __future__ import annotations

import subprocess

import pytest

from nb2prod.convert import plan_notebook
from nb2prod.emit import formatting
from nb2prod.emit.code import with_module_code
from nb2prod.emit.formatting import GeneratedCodeError, format_files
from nb2prod.emit.package import template_renderer


def _module(index: int, lines: int) -> str:
    """Unformatted but valid Python: single quotes, long calls, crowded operators."""
    body = "\n".join(
        f"def f_{index}_{n}(a,b = {n}):\n    return {{'k':a+b*{n}, 'name':'x{n}'}}"
        for n in range(lines // 2)
    )
    return f"import os\n{body}\n"


def _files() -> dict[str, str]:
    files = {f"src/pkg/m{i}.py": _module(i, 6 + 2 * i) for i in range(6)}
    files["README.md"] = "# pkg\n\nsome  'text'   kept as written\n"
    files["Dockerfile"] = "FROM python:3.11-slim\n"
    return files


def test_python_files_are_formatted_in_black_style_and_others_kept_in_order():
    files = _files()
    done = format_files(files)
    assert list(done) == list(files)
    assert done["README.md"] == files["README.md"]
    assert done["Dockerfile"] == files["Dockerfile"]
    assert done["src/pkg/m0.py"] == (
        "import os\n\n\n"
        "def f_0_0(a, b=0):\n"
        '    return {"k": a + b * 0, "name": "x0"}\n\n\n'
        "def f_0_1(a, b=1):\n"
        '    return {"k": a + b * 1, "name": "x1"}\n\n\n'
        "def f_0_2(a, b=2):\n"
        '    return {"k": a + b * 2, "name": "x2"}\n'
    )


def test_formatting_is_stable():
    once = format_files(_files())
    assert format_files(once) == once


def test_long_lines_are_split_at_88_columns():
    call = "result = compute(" + ", ".join(f"argument_{n}" for n in range(12)) + ")\n"
    done = format_files({"src/pkg/long.py": call})["src/pkg/long.py"]
    assert max(len(line) for line in done.splitlines()) <= 88
    assert done.startswith("result = compute(\n")


def test_the_users_configuration_is_not_read(tmp_path, monkeypatch):
    """A ruff.toml where convert runs (line length 40, single quotes) changes nothing."""
    (tmp_path / "ruff.toml").write_text(
        'line-length = 40\n[format]\nquote-style = "single"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    done = format_files(_files())["src/pkg/m1.py"]
    assert '{"k": a + b * 0, "name": "x0"}' in done  # double quotes, one line


@pytest.mark.parametrize("broken", ["src/pkg/m0.py", "src/pkg/m5.py"])
def test_code_that_does_not_compile_is_an_error_naming_the_file(broken):
    files = _files()
    files[broken] = files[broken] + "def g(:\n    pass\n"
    with pytest.raises(GeneratedCodeError, match=broken):
        format_files(files)


def test_code_ruff_parses_but_python_rejects_is_an_error():
    """ruff's parser accepts `return` outside a function; compiling it does not."""
    with pytest.raises(GeneratedCodeError, match=r"src/pkg/top\.py"):
        format_files({"src/pkg/top.py": "return 1\n"})


def test_a_written_data_file_that_is_not_python_is_kept():
    files = {"data/script.py": "echo 'not python' && exit 1\n", **_files()}
    assert format_files(files)["data/script.py"] == files["data/script.py"]


def test_a_written_data_file_that_is_python_is_formatted():
    done = format_files({"data/script.py": "x=[1,2]\n"})
    assert done["data/script.py"] == "x = [1, 2]\n"


def test_a_big_file_goes_through_the_pipes_whole():
    """Larger than a pipe's buffer both ways (64 KiB on Linux)."""
    text = _module(0, 6000)
    assert len(text) > 128 * 1024
    done = format_files({"src/pkg/big.py": text})["src/pkg/big.py"]
    assert done.count("\ndef f_0_") == 3000
    assert done.endswith('"name": "x2999"}\n')


def test_ruff_is_the_one_installed_with_nb2prod():
    program = formatting.ruff_program()
    version = subprocess.run(
        [program, "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("ruff ")


@pytest.mark.parametrize("template", ["logs.py.j2", "figures.py.j2", "conftest.py.j2"])
def test_templates_without_notebook_data_are_already_formatted(template):
    """Templates are written in the style they come out in."""
    text = template_renderer()(template, package="a_package")
    assert format_files({"src/a_package/t.py": text})["src/a_package/t.py"] == text


def _as_a_file(path: str, text: str) -> str:
    """ruff's formatting of `text` as the file `path`, one process (the oracle)."""
    completed = subprocess.run(
        [
            formatting.ruff_program(),
            *formatting.RUFF_FORMAT,
            "--stdin-filename",
            path,
            "-",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


#: Modules ruff formats differently as a notebook cell than as a file, and near misses.
CELL_VERSUS_FILE = {
    "docstring_then_code": "'''Doc.'''\nimport os\nx=1\n",
    "docstring_then_two_blank_lines": "'''Doc.'''\n\n\nx=1\n",
    "docstring_then_comment": "'''Doc.'''\n# a note\nx=1\n",
    "comment_docstring_code": "# lead\n'''Doc.'''\nimport os\n",
    "trailing_semicolon": "import os\nx = 1  ;  # c\n",
    "semicolon_before_comment_lines": "x = 1;\n# the end\n",
    "blank_lines_only": "\n\n",
    "empty": "",
    "docstring_alone": "'''Doc.'''\n\n\n\n",
    "docstring_then_def": "'''Doc.'''\ndef f(): pass\n",
    "semicolon_in_a_string": 'QUERY = """\nselect 1;\n"""\n',
    "docstring_blank_comment_code": "'''Doc.'''\n\n# note\nx = 1\n",
    "raw_docstring_with_quotes": 'r"""A \\""" quote."""\nx = 1\n',
    "one_quote_docstring": "'Doc.'\nx = 1\n",
    "string_that_is_no_docstring": "'a' + b\nx = 1\n",
    "docstring_then_class": '"""Doc."""\n\nclass A:\n    pass\n',
    # a file normalises its docstring; a cell has none
    "docstring_with_spaces": '""" spaced name """\n\nx = 1\n',
    "docstring_ending_in_blank_lines": '"""Doc.\n\n"""\n\nx = 1\n',
    "docstring_with_indented_lines": '"""Doc:\n    - one\n"""\n\nx = 1\n',
    "parenthesised_docstring": '("""Doc.""")\n\nx = 1\n',
    "multi_line_docstring": '"""Doc.\n\nMore.\n"""\n\nx = 1\n',
    # a cell with IPython's syntax is left alone by ruff, even inside a string
    "cell_magic_in_a_string": "x = '''\n%%bash\n'''\n",
    "shell_line_in_a_string": "x = '''\n!ls\n'''\ny=1\n",
}


@pytest.mark.parametrize("name", sorted(CELL_VERSUS_FILE))
def test_every_module_comes_out_as_ruff_formats_it_as_a_file(name):
    source = CELL_VERSUS_FILE[name]
    files = {f"src/pkg/{name}.py": source, "src/pkg/other.py": "y=[1,2]\n"}
    done = format_files(files)
    assert done[f"src/pkg/{name}.py"] == _as_a_file(f"src/pkg/{name}.py", source)
    assert done["src/pkg/other.py"] == "y = [1, 2]\n"


def test_the_examples_modules_come_out_as_ruff_formats_each_file():
    """One process formats the modules as notebook cells: the text is a file's."""
    from pathlib import Path

    from nb2prod.emit.package import render_files
    from nb2prod.reading.notebook import read_notebook

    examples = Path(__file__).resolve().parent.parent / "examples"
    for notebook in ("churn_messy.ipynb", "churn_tidy.ipynb"):
        planned = plan_notebook(read_notebook(examples / notebook))
        plan = with_module_code(planned.plan, planned.parsed, planned.facts)
        files = render_files(plan)
        done = format_files(files)
        for path, text in files.items():
            if path.endswith(".py"):
                assert done[path] == _as_a_file(path, text), path


def test_closing_stops_the_processes_and_a_result_is_made_once():
    pending = formatting.start_formatting(_files())
    pending.close()  # e.g. the check beside it failed: no process is left running
    once = format_files(_files())
    pending = formatting.start_formatting(_files())
    assert pending.result() == once
    assert pending.result() is pending.result()


def test_a_refused_result_is_refused_again():
    files = {"src/pkg/bad.py": "def g(:\n    pass\n"}
    pending = formatting.start_formatting(files)
    for _ in range(2):
        with pytest.raises(GeneratedCodeError, match=r"src/pkg/bad\.py"):
            pending.result()
