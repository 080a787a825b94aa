"""`nb2prod convert` through the CLI: writing, refusing, --force, --check, --dry-run."""

from __future__ import annotations

import json

import pytest

from nb2prod.testing import code, md, nb, write_nb

NOTEBOOK = nb(
    md("# Sales"),
    code("import math\nRATE = 0.2\nvalues = [1, 2, 3]", count=1),
    md("## Total"),
    code("total = sum(values) * (1 + RATE)\nprint('total', total)", count=2),
    md("## Report"),
    code("print(f'{math.floor(total)} units')", count=3),
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_nb(tmp_path / "sales.ipynb", NOTEBOOK)
    return tmp_path


def test_convert_writes_the_package(run_cli, project):
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg")
    assert outcome.exit_code == 0, outcome.stderr
    written = [
        path
        for path in (project / "pkg").rglob("*")
        if path.is_file() and path.name != ".nb2prod-manifest.json"
    ]
    assert outcome.stdout == (
        f"wrote pkg/: package sales, 2 steps in 2 modules, {len(written)} files\n"
    )
    assert (project / "pkg" / "src" / "sales" / "pipeline.py").is_file()


def test_default_folder_is_the_package_name(run_cli, project):
    assert run_cli("convert", "sales.ipynb").exit_code == 0
    assert (project / "sales" / "pyproject.toml").is_file()


def test_non_empty_folder_needs_force(run_cli, project):
    assert run_cli("convert", "sales.ipynb", "-o", "pkg").exit_code == 0
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg")
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        f"error: {project / 'pkg'}: is not empty; use --force to replace the files "
        "nb2prod wrote there\n"
    )
    assert run_cli("convert", "sales.ipynb", "-o", "pkg", "--force").exit_code == 0


def test_a_folder_nb2prod_did_not_write_is_refused_even_with_force(run_cli, project):
    (project / "pkg").mkdir()
    (project / "pkg" / "notes.txt").write_text("keep me")
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg", "--force")
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        f"error: {project / 'pkg'}: holds files nb2prod did not write (notes.txt); "
        "choose a new or empty folder\n"
    )
    assert [path.name for path in (project / "pkg").iterdir()] == ["notes.txt"]


def test_check_reports_stale_files(run_cli, project):
    run_cli("convert", "sales.ipynb", "-o", "pkg")
    assert run_cli("convert", "sales.ipynb", "-o", "pkg", "--check").exit_code == 0
    module = project / "pkg" / "src" / "sales" / "total.py"
    module.write_text(module.read_text() + "# edited\n")
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg", "--check")
    assert outcome.exit_code == 1
    assert outcome.stdout == "sales.ipynb: would change pkg/src/sales/total.py\n"


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_check_uses_the_configured_folder_and_skips_unconverted_notebooks(
    run_cli, project
):
    (project / "pyproject.toml").write_text(
        '[tool.nb2prod.convert.packages]\n"sales.ipynb" = "packages/sales"\n'
    )
    write_nb(project / "other.ipynb", NOTEBOOK)
    assert run_cli("convert", "sales.ipynb", "-o", "packages/sales").exit_code == 0
    assert run_cli("convert", "--check", "sales.ipynb", "other.ipynb").exit_code == 0
    write_nb(project / "sales.ipynb", nb(md("# Sales"), code("print(2)", count=1)))
    outcome = run_cli("convert", "--check", "sales.ipynb", "other.ipynb")
    assert outcome.exit_code == 1
    assert "sales.ipynb: would change packages/sales/" in outcome.stdout


def test_dry_run_prints_the_plan_and_writes_nothing(run_cli, project):
    outcome = run_cli("convert", "sales.ipynb", "--dry-run")
    assert outcome.exit_code == 0
    assert "step prepare_total" in outcome.stdout and "RATE = 0.2" in outcome.stdout
    assert sorted(p.name for p in project.iterdir()) == ["sales.ipynb"]
    plan = json.loads(
        run_cli("convert", "sales.ipynb", "--dry-run", "-f", "json").stdout
    )
    assert plan["schema"] == 1
    steps = plan["plan"]["steps"]
    assert [(s["name"], s["params"], s["returns"]) for s in steps] == [
        ("prepare_total", ["RATE"], ["total"]),
        ("report", ["total"], []),
    ]


@pytest.mark.slow  # starts an interpreter
def test_python2_cell_is_one_clear_error(run_cli, project):
    write_nb(project / "old.ipynb", nb(code("x = 1"), code("print x")))
    outcome = run_cli("convert", "old.ipynb")
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        "error: old.ipynb: cell 2, line 1, column 1: Python 2 code (`print` statement); "
        "convert it to Python 3 first\n"
    )


def test_missing_notebook_and_several_notebooks(run_cli, project):
    outcome = run_cli("convert", "nope.ipynb")
    assert (outcome.exit_code, outcome.stderr) == (
        2,
        "error: nope.ipynb: no such file\n",
    )
    outcome = run_cli("convert", "sales.ipynb", "./sales.ipynb", "-o", "pkg")
    assert (outcome.exit_code, outcome.stderr) == (
        2,
        "error: ./sales.ipynb: given twice\n",
    )


def test_warnings_name_the_cell(run_cli, project):
    write_nb(
        project / "magic.ipynb", nb(md("# M"), code("!wget https://x.org/d.csv\nx = 1"))
    )
    outcome = run_cli("convert", "magic.ipynb", "-o", "out")
    assert outcome.exit_code == 0
    assert outcome.stderr == (
        "warning: magic.ipynb: cell 2: `!wget https://x.org/d.csv`: a shell command; run it "
        "outside Python or use subprocess; kept as a TODO comment\n"
    )


def test_headings_with_brackets_are_shown_as_written(run_cli, tmp_path):
    """`## Load [/data]` is a heading, not rich markup: the plan shows it, no crash."""
    notebook = tmp_path / "brackets.ipynb"
    notebook.write_text(
        json.dumps(
            nb(
                md("## Load [/data]"),
                code("x = 1\nprint(x)"),
                md("## Use [bold]x[/bold]"),
                code("print(x + 1)"),
            )
        )
    )
    outcome = run_cli("convert", str(notebook), "--dry-run")
    assert outcome.exit_code == 0, outcome.stderr
    assert '"Load [/data]"' in outcome.stdout
    assert '"Use [bold]x[/bold]"' in outcome.stdout
