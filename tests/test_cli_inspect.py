"""`nb2prod inspect`: the table, the versioned JSON schema, and the CLI conventions."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files

import jsonschema
import pytest

from nb2prod import __version__
from nb2prod.testing import code, md, nb, result, stream, write_nb

SCHEMA = json.loads(
    files("nb2prod").joinpath("schemas/inspect.schema.json").read_text()
)


@pytest.fixture
def messy(tmp_path):
    document = nb(
        md("# Churn"),
        code("%matplotlib inline\nimport pandas as pd", count=2),
        code("!pip install -q seaborn\nfiles = !ls *.csv", count=1),
        code(
            "%%time\ndf = pd.read_csv(files[0])\nprint(len(df))",
            count=3,
            outputs=[stream("10\n")],
        ),
        code("df?", count=5),
        code("df.head()", count=4, outputs=[result("   a\n0  1", 4)]),
        code("", count=None),
    )
    return write_nb(tmp_path / "messy.ipynb", document)


def test_json_output_matches_the_documented_schema(run_cli, messy):
    outcome = run_cli("inspect", str(messy), "--format", "json")
    assert outcome.exit_code == 0, outcome.stderr
    document = json.loads(outcome.stdout)
    jsonschema.validate(document, SCHEMA)
    assert document["schema"] == 1
    assert document["notebook"] == str(messy)
    assert document["tool"] == {"name": "nb2prod", "version": __version__}


@pytest.mark.slow  # starts an interpreter
def test_json_reports_each_cell_and_its_ipython_syntax(run_cli, messy):
    document = json.loads(run_cli("inspect", str(messy), "-f", "json").stdout)
    cells = document["cells"]
    assert [c["kind"] for c in cells] == ["markdown"] + ["code"] * 6
    assert [c["execution_count"] for c in cells] == [None, 2, 1, 3, 5, 4, None]
    assert [c["lines"] for c in cells] == [1, 2, 2, 3, 1, 1, 0]
    assert cells[0]["parse"] is None
    assert [c["index"] for c in cells] == list(range(7))
    kinds = [
        [(f["kind"], f["name"], f["line"]) for f in c["ipython_syntax"]] for c in cells
    ]
    assert kinds == [
        [],
        [("line_magic", "matplotlib", 1)],
        [("shell", "pip", 1), ("shell_capture", "ls", 2)],
        [("cell_magic", "time", 1)],
        [("help", "pinfo", 1)],
        [],
        [],
    ]
    assert cells[2]["ipython_syntax"][1]["target"] == "files"
    assert cells[3]["outputs"] == ["stream"]
    assert document["summary"] == {
        "cells": 7,
        "cells_by_kind": {"code": 6, "markdown": 1, "raw": 0},
        "code_cells_parsed": 6,
        "problems": 0,
        "ipython_syntax": {
            "cell_magic": 1,
            "help": 1,
            "line_magic": 1,
            "shell": 1,
            "shell_capture": 1,
        },
    }


def test_text_output_is_a_table_with_a_summary(run_cli, messy):
    outcome = run_cli("inspect", str(messy))
    assert outcome.exit_code == 0
    lines = outcome.stdout.splitlines()
    assert str(messy) in lines[0]
    assert "nbformat 4.5" in lines[0] and "Python 3.11.7" in lines[0]
    header = next(line for line in lines if "IPython syntax" in line)
    assert all(
        word in header for word in ("cell", "kind", "in", "lines", "parse", "source")
    )
    row = next(line for line in lines if "!pip" in line)
    assert "files = !ls" in row and "ok" in row
    assert lines[-1] == (
        "7 cells (6 code, 1 markdown, 0 raw); 6 of 6 code cells parse; IPython syntax: "
        "1 cell_magic, 1 help, 1 line_magic, 1 shell, 1 shell_capture"
    )
    assert "\x1b[" not in outcome.stdout  # no colour codes when not on a terminal


def test_text_output_marks_the_broken_cell(run_cli, tmp_path):
    path = write_nb(tmp_path / "b.ipynb", nb("x = 1", "print x"))
    outcome = run_cli("inspect", str(path))
    assert outcome.exit_code == 1
    row = next(line for line in outcome.stdout.splitlines() if "print x" in line)
    assert "line 1, col 1: Missing parentheses" in row
    assert outcome.stdout.splitlines()[-1].endswith("; 1 with syntax errors")


def test_unknown_format_is_a_usage_error(run_cli, messy):
    outcome = run_cli("inspect", str(messy), "--format", "yaml")
    assert outcome.exit_code == 2
    assert "yaml" in outcome.stderr


def test_version_option(run_cli):
    outcome = run_cli("--version")
    assert (outcome.exit_code, outcome.stdout) == (0, f"nb2prod {__version__}\n")


def test_help_lists_inspect(run_cli):
    outcome = run_cli("--help")
    assert outcome.exit_code == 0
    assert "inspect" in outcome.stdout


def test_no_arguments_shows_help_and_exits_2(run_cli):
    outcome = run_cli()
    assert outcome.exit_code == 2
    assert "Usage" in outcome.stdout + outcome.stderr


def test_internal_error_is_one_line_asking_for_a_report(run_cli, messy, monkeypatch):
    import nb2prod.inspection

    def broken(notebook):
        raise KeyError("surprise")

    monkeypatch.setattr(nb2prod.inspection, "inspect_notebook", broken)
    outcome = run_cli("inspect", str(messy))
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        f"error: internal error in nb2prod {__version__} (KeyError: 'surprise'); please "
        "report it at https://github.com/nb2prod/nb2prod/issues (run with -v for the "
        "traceback)\n"
    )


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_python_m_nb2prod_runs_the_cli(messy):
    version = _run("--version")
    assert (version.returncode, version.stdout) == (0, f"nb2prod {__version__}\n")
    inspected = _run("inspect", str(messy), "--format", "json")
    assert inspected.returncode == 0
    assert json.loads(inspected.stdout)["summary"]["cells"] == 7


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    path = write_nb(tmp_path / "bad.ipynb", "{")
    completed = _run("inspect", str(path))
    assert completed.returncode == 2
    assert completed.stderr == (
        f"error: {path}: truncated JSON (line 1, column 2: "
        "Expecting property name enclosed in double quotes)\n"
    )


@pytest.mark.slow  # starts an interpreter
def test_version_does_not_import_heavy_modules():
    probe = (
        "import sys, runpy; sys.argv = ['nb2prod', '--version'];"
        "runpy.run_module('nb2prod', run_name='__main__');"
        "heavy = {'libcst', 'nbformat', 'black', 'jinja2', 'typer', 'rich'} & set(sys.modules);"
        "print(sorted(heavy), file=sys.stderr)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert completed.stderr.strip() == "[]"


@pytest.mark.slow  # starts an interpreter
def test_cli_module_does_not_import_libcst_or_nbformat_until_needed():
    probe = (
        "import sys, nb2prod.cli;"
        "print(sorted({'libcst', 'nbformat', 'black', 'jinja2'} & set(sys.modules)))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_json_carries_analysis_facts_and_dataflow(run_cli, tmp_path):
    path = write_nb(
        tmp_path / "flow.ipynb",
        nb(
            md("# Flow"),
            code("print(total)", count=1),
            code("import pandas as pd\ndf = pd.read_csv('d.csv')\ntotal = 1", count=2),
            code("def clean():\n    return df.dropna()\nout = clean()", count=3),
        ),
    )
    outcome = run_cli("inspect", str(path), "--format", "json")
    document = json.loads(outcome.stdout)
    jsonschema.validate(document, SCHEMA)
    markdown, first, second, third = document["cells"]
    assert "defines" not in markdown
    assert (first["reads"], first["providers"]) == (["total"], {"total": None})
    assert second["defines"] == ["df", "pd", "total"]
    assert second["io"][0]["name"] == "pandas.read_csv"
    assert second["live_out"] == ["df"]
    assert third["functions"][0]["globals_read"] == ["df"]
    assert third["needs"] == ["df"] and third["providers"] == {"df": 2}
    assert document["dataflow"]["undefined_before_use"] == [
        {"name": "total", "cell": 1, "defined_in": [2]}
    ]
    assert document["dataflow"]["functions_reading_state"] == [
        {"cell": 3, "function": "clean", "names": ["df"]}
    ]
    text = run_cli("inspect", str(path)).stdout.splitlines()
    assert "cell 2 needs `total` before cell 3 defines it" in text
    assert "function `clean` (cell 4) reads notebook variables: df" in text
