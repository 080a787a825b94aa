"""`nb2prod lint`, `rules` and `explain` end to end through the CLI."""

from __future__ import annotations

import json
import re
from importlib.resources import files

import jsonschema
import pytest

from nb2prod.lint.runner import lint_files
from nb2prod.settings import LintSettings
from nb2prod.testing import code, md, nb, write_nb

CLEAN = nb(md("# Clean"), code("x = 1", count=1), code("y = x + 1", count=2))
PRINTS = nb(
    md("# Prints"), code(["x = 1\n", "print(x)"], count=1)
)  # as Jupyter saves it


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_clean_notebook_passes(run_cli, project):
    write_nb(project / "clean.ipynb", CLEAN)
    outcome = run_cli("lint", "clean.ipynb")
    assert outcome.exit_code == 0, outcome.stdout
    assert outcome.stdout.strip() == "All checks passed! (1 notebook)"


def test_findings_exit_1_with_location_and_excerpt(run_cli, project):
    write_nb(project / "prints.ipynb", PRINTS)
    outcome = run_cli("lint", "prints.ipynb")
    assert outcome.exit_code == 1
    lines = outcome.stdout.splitlines()
    assert (
        "prints.ipynb:cell 2:2:1: NB401 `print` call; use a module logger instead  [1]"
        in lines
    )
    assert "     2 | print(x)" in lines
    assert lines[-1] == "Found 1 finding in 1 of 1 notebook."


def test_exit_zero(run_cli, project):
    write_nb(project / "prints.ipynb", PRINTS)
    assert run_cli("lint", "--exit-zero", "prints.ipynb").exit_code == 0


def test_folders_are_searched_and_junk_skipped(run_cli, project):
    (project / "nbs" / "sub").mkdir(parents=True)
    (project / "nbs" / ".ipynb_checkpoints").mkdir()
    (project / ".hidden").mkdir()
    (project / "nbs" / "ignored").mkdir()
    (project / ".gitignore").write_text("nbs/ignored/\n")
    write_nb(project / "nbs" / "a.ipynb", PRINTS)
    write_nb(project / "nbs" / "sub" / "b.ipynb", PRINTS)
    for skipped in ("nbs/.ipynb_checkpoints/a-checkpoint.ipynb", ".hidden/c.ipynb",
                    "nbs/ignored/d.ipynb"):  # fmt: skip
        write_nb(project / skipped, PRINTS)
    outcome = run_cli("lint", "--format", "json")
    assert {f["filename"] for f in json.loads(outcome.stdout)} == {
        "nbs/a.ipynb",
        "nbs/sub/b.ipynb",
    }


def test_globs(run_cli, project):
    write_nb(project / "one.ipynb", PRINTS)
    write_nb(project / "two.ipynb", PRINTS)
    outcome = run_cli("lint", "--format", "json", "*.ipynb")
    assert sorted({f["filename"] for f in json.loads(outcome.stdout)}) == [
        "one.ipynb",
        "two.ipynb",
    ]


def test_unreadable_notebook_is_exit_2_and_the_rest_still_linted(run_cli, project):
    write_nb(project / "prints.ipynb", PRINTS)
    write_nb(project / "broken.ipynb", "{")
    outcome = run_cli("lint", "--format", "json", ".")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("error: broken.ipynb: truncated JSON")
    assert [f["code"] for f in json.loads(outcome.stdout)] == ["NB401"]


def test_missing_path_is_exit_2(run_cli, project):
    outcome = run_cli("lint", "nope.ipynb")
    assert outcome.exit_code == 2
    assert outcome.stderr == "error: nope.ipynb: no such file or directory\n"


def test_select_ignore_extend_select(run_cli, project):
    write_nb(
        project / "a.ipynb",
        nb(code("import os\nprint(1)", count=2), code("x = 1", count=1)),
    )

    def codes(*args):
        return sorted(
            {f["code"] for f in json.loads(run_cli("lint", "-f", "json", *args).stdout)}
        )

    assert {"NB101", "NB401"} <= set(codes("a.ipynb"))
    assert codes("--select", "NB401,NB101", "a.ipynb") == ["NB101", "NB401"]
    assert codes("--select", "NB40", "a.ipynb") == ["NB401"]
    assert codes("--select", "NB101,NB401", "--ignore", "NB1", "a.ipynb") == ["NB401"]
    assert "NB401" not in codes("--ignore", "NB401", "a.ipynb")
    assert codes("--select", "NB101", "--extend-select", "NB401", "a.ipynb") == [
        "NB101",
        "NB401",
    ]


def test_unknown_code_is_a_usage_error(run_cli, project):
    write_nb(project / "a.ipynb", CLEAN)
    outcome = run_cli("lint", "--select", "XY9", "a.ipynb")
    assert outcome.exit_code == 2
    assert outcome.stderr == "error: nb2prod: `XY9` matches no rule code\n"


def test_noqa_comment_tag_and_metadata(run_cli, project):
    document = nb(
        code("print(1)  # nb2prod: noqa NB401", count=1),
        code("print(2)  # nb2prod: noqa", count=2),
        code("print(3)", count=3, tags=["nb2prod:noqa:NB401"]),
        code("print(4)", count=4),
    )
    write_nb(project / "a.ipynb", document)
    found = json.loads(
        run_cli("lint", "-f", "json", "--select", "NB4", "a.ipynb").stdout
    )
    assert [(f["code"], f["cell"]) for f in found] == [("NB401", 3)]
    document["metadata"]["nb2prod"] = {"ignore": ["NB4"]}
    write_nb(project / "a.ipynb", document)
    assert run_cli("lint", "--select", "NB4", "a.ipynb").exit_code == 0


def test_pyproject_settings_and_per_file_ignores(run_cli, project):
    (project / "pyproject.toml").write_text(
        '[tool.nb2prod.lint]\nextend-select = ["NB2"]\nexclude = ["drafts/"]\n'
        '[tool.nb2prod.lint.per-file-ignores]\n"reports/*.ipynb" = ["NB401"]\n'
    )
    (project / "reports").mkdir()
    (project / "drafts").mkdir()
    write_nb(project / "reports" / "r.ipynb", PRINTS)
    write_nb(project / "drafts" / "d.ipynb", PRINTS)
    write_nb(project / "main.ipynb", PRINTS)
    found = json.loads(run_cli("lint", "-f", "json").stdout)
    assert sorted({(f["filename"], f["code"]) for f in found}) == [
        ("main.ipynb", "NB401")
    ]


def test_invalid_pyproject_setting_is_exit_2(run_cli, project):
    (project / "pyproject.toml").write_text('[tool.nb2prod]\nmax-cells = "many"\n')
    write_nb(project / "a.ipynb", CLEAN)
    outcome = run_cli("lint", "a.ipynb")
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith(
        "pyproject.toml: [tool.nb2prod] max-cells must be a positive integer\n"
    )


def test_a_pyproject_without_nb2prod_settings_is_not_read(run_cli, project):
    """Another tool's pyproject.toml (even one that is not valid TOML) sets nothing and
    stops nothing; a broken `[tool.nb2prod]` table is still one error line."""
    (project / "pyproject.toml").write_text(
        "[tool.black]\nline-length = 88\n[[broken\n"
    )
    write_nb(project / "a.ipynb", CLEAN)
    assert run_cli("lint", "a.ipynb").exit_code == 0
    (project / "pyproject.toml").write_text("[tool.nb2prod]\nmax-cells = \n")
    outcome = run_cli("lint", "a.ipynb")
    assert outcome.exit_code == 2
    assert "pyproject.toml: invalid TOML" in outcome.stderr


def test_json_output_matches_schema(run_cli, project):
    write_nb(project / "prints.ipynb", PRINTS)
    found = json.loads(run_cli("lint", "-f", "json", "prints.ipynb").stdout)
    schema = json.loads(
        files("nb2prod").joinpath("schemas/lint.schema.json").read_text()
    )
    jsonschema.validate(found, schema)
    assert found[0] == {
        "code": "NB401",
        "name": "print-call",
        "message": "`print` call; use a module logger instead",
        "url": "https://github.com/nb2prod/nb2prod/blob/main/docs/rules/NB401.md",
        "filename": "prints.ipynb",
        "cell": 1,
        "execution_count": 1,
        "location": {"line": 2, "column": 0},
        "fix": None,
    }


def test_sarif_has_what_github_code_scanning_needs(run_cli, project):
    path = write_nb(project / "prints.ipynb", PRINTS)
    log = json.loads(run_cli("lint", "-f", "sarif", "prints.ipynb").stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "nb2prod"
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert rules["NB401"]["shortDescription"]["text"]
    assert "## Why is this bad?" in rules["NB401"]["help"]["markdown"]
    (result,) = run["results"]
    assert result["ruleId"] == "NB401"
    assert driver["rules"][result["ruleIndex"]]["id"] == "NB401"
    assert (
        result["message"]["text"]
        == "cell 2, line 2, column 1: `print` call; use a module logger instead"
    )
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "prints.ipynb"
    file_line = path.read_text().splitlines()[location["region"]["startLine"] - 1]
    assert '"print(x)"' in file_line
    assert result["properties"] == {
        "cell": 1,
        "cellNumber": 2,
        "line": 2,
        "column": 0,
        "executionCount": 1,
    }
    assert result["partialFingerprints"]


def test_github_annotations_point_at_the_file_line(run_cli, project):
    path = write_nb(project / "prints.ipynb", PRINTS)
    line = run_cli("lint", "-f", "github", "prints.ipynb").stdout.strip()
    match = re.fullmatch(
        r"::error file=prints\.ipynb,line=(\d+),title=NB401 print-call::(.*)", line
    )
    assert match, line
    assert '"print(x)"' in path.read_text().splitlines()[int(match.group(1)) - 1]
    assert (
        match.group(2)
        == "cell 2, line 2, column 1: NB401 `print` call; use a module logger instead"
    )


def test_statistics_and_output_file(run_cli, project):
    write_nb(project / "a.ipynb", nb(code("print(1)\nprint(2)", count=1)))
    outcome = run_cli("lint", "--statistics", "--select", "NB401", "a.ipynb")
    assert re.search(
        r"^\s*2\s+│\s+NB401\s+│\s+print-call\s*$", outcome.stdout, flags=re.MULTILINE
    )
    assert (
        run_cli(
            "lint", "-f", "json", "-o", "report.json", "--select", "NB401", "a.ipynb"
        ).stdout
        == ""
    )
    assert len(json.loads((project / "report.json").read_text())) == 2


def test_rules_and_explain(run_cli):
    listed = run_cli("rules")
    assert (
        listed.exit_code == 0
        and "NB401" in listed.stdout
        and "print-call" in listed.stdout
    )
    catalogue = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {"NB001", "NB401", "NB701"} <= {rule["code"] for rule in catalogue}
    explained = run_cli("explain", "nb401")
    assert explained.stdout.startswith(
        "# NB401 print-call\n\non by default\n\n## What it does"
    )
    unknown = run_cli("explain", "NB999")
    assert (unknown.exit_code, unknown.stderr) == (
        2,
        "error: nb2prod: unknown rule code `NB999`\n",
    )


def test_cache_is_used_and_invalidated(project):
    paths = [str(write_nb(project / f"n{i}.ipynb", PRINTS)) for i in range(3)]
    settings = LintSettings(root=str(project))
    first = lint_files(paths, ["NB401"], settings)
    second = lint_files(paths, ["NB401"], settings)
    assert [r.cached for r in first] == [False] * 3 and [r.cached for r in second] == [
        True
    ] * 3
    assert [r.findings for r in first] == [r.findings for r in second]
    write_nb(project / "n0.ipynb", CLEAN)
    third = lint_files(paths, ["NB401"], settings)
    assert [r.cached for r in third] == [False, True, True]
    assert third[0].findings == ()
    assert (project / ".nb2prod_cache" / "CACHEDIR.TAG").exists()


def test_process_pool_gives_the_same_findings(project):
    paths = [
        str(write_nb(project / f"n{i:02}.ipynb", PRINTS if i % 2 else CLEAN))
        for i in range(12)
    ]
    settings = LintSettings(root=str(project))
    parallel = lint_files(paths, ["NB401", "NB101"], settings, use_cache=False, jobs=2)
    serial = lint_files(paths, ["NB401", "NB101"], settings, use_cache=False, jobs=1)
    assert parallel == serial
    assert sum(len(r.findings) for r in parallel) == 6


@pytest.mark.slow  # starts interpreters
def test_a_lint_process_ends_with_its_exit_status_and_all_its_output(project):
    """`lint` ends its process without the interpreter's teardown (__main__.py):
    what it printed is all there, and the exit status is the command's."""
    import subprocess
    import sys

    many = nb(md("# Prints"), *(code(f"print({k})", count=k + 1) for k in range(300)))
    write_nb(project / "prints.ipynb", many)

    def lint(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "nb2prod", "lint", "--no-cache", *arguments],
            capture_output=True,
            text=True,
            check=False,
        )

    found = lint("prints.ipynb")
    assert found.returncode == 1
    assert found.stdout.count("NB401") == 300  # far more than a pipe's buffer
    assert found.stdout.endswith("Found 302 findings in 1 of 1 notebook.\n")
    assert lint("--exit-zero", "prints.ipynb").returncode == 0
    missing = lint("missing.ipynb")
    assert missing.returncode == 2
    assert missing.stderr == "error: missing.ipynb: no such file or directory\n"
    bad = lint("--select", "NB9999", "prints.ipynb")
    assert bad.returncode == 2 and bad.stderr.startswith("error: ")


@pytest.mark.slow  # starts an interpreter
def test_code_calling_main_in_its_own_process_keeps_its_exit_handlers(project):
    """Only the `nb2prod` program ends without the teardown: a program calling
    `main()` (a benchmark harness writing its peak memory at exit) still gets its
    atexit handlers run."""
    import subprocess
    import sys

    write_nb(project / "prints.ipynb", PRINTS)
    script = (
        "import atexit, sys\natexit.register(lambda: print('handler ran'))\n"
        "sys.argv = ['nb2prod', 'lint', '--no-cache', 'prints.ipynb']\n"
        "from nb2prod.__main__ import main\nmain()"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 1
    assert ran.stdout.rstrip().endswith("handler ran")
