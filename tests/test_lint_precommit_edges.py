"""`nb2prod lint` as a pre-commit hook meets it (issue 17): honest summaries, line-level
suppression, safe fixes, and reports machines can read."""

from __future__ import annotations

import json

import pytest

from nb2prod.testing import code, md, nb, write_nb


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _json(run_cli, *args):
    outcome = run_cli("lint", "--format", "json", "--no-cache", *args)
    return [
        (f["code"], f["cell"], f["location"]["line"])
        for f in json.loads(outcome.stdout)
    ]


# 1. A file that cannot be read is never "All checks passed!"


def test_unreadable_notebook_summary_does_not_claim_success(run_cli, project):
    write_nb(project / "broken.ipynb", '{"cells": [')
    outcome = run_cli("lint", "broken.ipynb")
    assert outcome.exit_code == 2
    assert "All checks passed" not in outcome.stdout
    assert outcome.stdout.strip() == "1 notebook could not be read."
    assert outcome.stderr.startswith("error: broken.ipynb:")


def test_summary_counts_findings_and_unreadable_files(run_cli, project):
    write_nb(project / "broken.ipynb", "{")
    write_nb(project / "prints.ipynb", nb(md("# P"), code("print(1)", count=1)))
    outcome = run_cli("lint", "--select", "NB401", ".")
    assert outcome.exit_code == 2
    assert outcome.stdout.splitlines()[-1] == (
        "Found 1 finding in 1 of 2 notebooks; 1 notebook could not be read."
    )


# 2. Suppression: line-level by default, cell-level visibly, unused ones reported


def _prints(*cells):
    return nb(md("# Prints"), *cells)


def test_noqa_on_a_line_silences_that_line_only(run_cli, project):
    source = (
        "print(1)  # noqa: NB401\n"
        "print(2)  # nb2prod: noqa: NB401\n"
        "print(3)  # noqa\n"
        "print(4)  # nb2prod: noqa\n"
        "print(5)\n"
        "print(6)  # noqa: E501\n"
    )
    write_nb(project / "a.ipynb", _prints(code(source, count=1)))
    assert _json(run_cli, "--select", "NB401", "a.ipynb") == [
        ("NB401", 1, 5),
        ("NB401", 1, 6),
    ]


def test_noqa_for_another_code_does_not_silence(run_cli, project):
    write_nb(project / "a.ipynb", _prints(code("print(1)  # noqa: NB402", count=1)))
    assert _json(run_cli, "--select", "NB401", "a.ipynb") == [("NB401", 1, 1)]


def test_cell_level_forms_silence_the_whole_cell(run_cli, project):
    write_nb(
        project / "a.ipynb",
        _prints(
            code("# nb2prod: noqa-cell: NB401\nprint(1)\nprint(2)", count=1),
            code("print(3)\nprint(4)", count=2, tags=["nb2prod:noqa:NB401"]),
            code("# nb2prod: noqa NB401\nprint(5)", count=3),  # the old spelling
            code("print(6)", count=4),
        ),
    )
    assert _json(run_cli, "--select", "NB401", "a.ipynb") == [("NB401", 4, 1)]


def test_unused_suppressions_are_reported(run_cli, project):
    write_nb(
        project / "a.ipynb",
        _prints(
            code(
                "x = 1  # noqa: NB401\n"
                "print(x)  # noqa: NB401\n"
                "y = 2  # nb2prod: noqa\n"
                "z = 3  # noqa: NB999\n"
                "w = 4  # noqa: NB603\n"  # NB603 did not run: nothing to judge
                "v = 5  # noqa\n",  # may serve flake8
                count=1,
            ),
            code("# nb2prod: noqa-cell: NB401\nq = 1", count=2),
        ),
    )
    outcome = run_cli(
        "lint", "-f", "json", "--no-cache", "--select", "NB401,NB009", "a.ipynb"
    )
    found = [
        (f["code"], f["cell"], f["location"]["line"], f["message"])
        for f in json.loads(outcome.stdout)
    ]
    assert found == [
        ("NB009", 1, 1, "unused suppression (no NB401 on this line); remove it"),
        ("NB009", 1, 3, "unused suppression (nothing found on this line); remove it"),
        ("NB009", 1, 4, "unused suppression (NB999 is no rule code); remove it"),
        ("NB009", 2, 1, "unused suppression (no NB401 in this cell); remove it"),
    ]


def test_unused_suppression_can_itself_be_silenced(run_cli, project):
    write_nb(project / "a.ipynb", _prints(code("x = 1  # noqa: NB401, NB009", count=1)))
    assert _json(run_cli, "--select", "NB401,NB009", "a.ipynb") == []


def test_notebook_level_findings_ignore_cell_comments(run_cli, project):
    write_nb(project / "Untitled.ipynb", _prints(code("x = 1  # noqa", count=1)))
    assert ("NB801", None, 1) in _json(run_cli, "--select", "NB801", "Untitled.ipynb")


# 4. --statistics respects --format json


def test_statistics_as_json(run_cli, project):
    write_nb(
        project / "a.ipynb",
        _prints(code("print(1)\nprint(2)", count=1), code("", count=None), "x = 1"),
    )
    outcome = run_cli(
        "lint", "--statistics", "-f", "json", "--select", "NB401,NB203", "a.ipynb"
    )
    assert outcome.exit_code == 1
    assert json.loads(outcome.stdout) == {"NB203": 1, "NB401": 2}


# 5. SARIF file URIs are percent-encoded


def test_sarif_uris_are_percent_encoded(run_cli, project):
    folder = project / "my notebooks #1"
    folder.mkdir()
    write_nb(folder / "100% données.ipynb", _prints(code("print(1)", count=1)))
    outcome = run_cli("lint", "-f", "sarif", "--select", "NB401", ".")
    result = json.loads(outcome.stdout)["runs"][0]["results"][0]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20notebooks%20%231/100%25%20donn%C3%A9es.ipynb"


# 6. One cell-numbering convention: `cell` 0-based, "cell N" in words 1-based


def test_messages_number_cells_from_one_and_the_field_from_zero(run_cli, project):
    write_nb(
        project / "a.ipynb",
        nb(
            md("# Order"),
            code("df = load()", count=1),
            code("df = df.dropna()"),
            code("df.describe()", count=2),
        ),
    )
    outcome = run_cli("lint", "-f", "json", "--select", "NB104", "a.ipynb")
    (finding,) = json.loads(outcome.stdout)
    assert finding["cell"] == 2
    assert finding["message"] == "cell never ran, but cell 4 below it ran as [2]"
    text = run_cli("lint", "--select", "NB104", "a.ipynb").stdout
    assert "a.ipynb:cell 3:1:1: NB104 cell never ran, but cell 4 below" in text


def test_leakage_message_numbers_the_split_cell_from_one(run_cli, project):
    write_nb(
        project / "a.ipynb",
        nb(
            code(
                "from sklearn.preprocessing import StandardScaler\n"
                "from sklearn.model_selection import train_test_split\n"
                "X = StandardScaler().fit_transform(X)",
                count=1,
            ),
            code("a, b = train_test_split(X)", count=2),
        ),
    )
    outcome = run_cli("lint", "-f", "json", "--select", "NB611", "a.ipynb")
    (finding,) = json.loads(outcome.stdout)
    assert "before the split in cell 2;" in finding["message"]


# 7. A notebook without code is reported


def test_notebook_without_code_is_reported(run_cli, project):
    write_nb(project / "empty.ipynb", nb(md("# Churn"), code("")))
    write_nb(project / "none.ipynb", nb())
    outcome = run_cli("lint", "-f", "json", "--no-cache", "empty.ipynb", "none.ipynb")
    assert outcome.exit_code == 1
    found = [(f["filename"], f["code"], f["cell"]) for f in json.loads(outcome.stdout)]
    assert ("empty.ipynb", "NB211", None) in found
    assert ("none.ipynb", "NB211", None) in found


# 8. Misses: a name used after `del`, a model fitted on test data


def test_name_used_after_del_in_a_later_cell(run_cli, project):
    write_nb(
        project / "a.ipynb",
        nb(md("# Del"), code("x = [1]", count=1), code("del x", count=2),
           code("print(len(x))", count=3)),
    )  # fmt: skip
    outcome = run_cli("lint", "-f", "json", "--select", "NB112", "a.ipynb")
    (finding,) = json.loads(outcome.stdout)
    assert (finding["cell"], finding["location"]) == (3, {"line": 1, "column": 10})
    assert finding["message"] == "`x` is used after `del x` in cell 3"


def test_name_used_after_del_in_the_same_cell(run_cli, project):
    write_nb(project / "a.ipynb", nb(code("x = [1]\ndel x\nx.append(2)", count=1)))
    outcome = run_cli("lint", "-f", "json", "--select", "NB112", "a.ipynb")
    assert [f["message"] for f in json.loads(outcome.stdout)] == [
        "`x` is used after `del x` in cell 1"
    ]


def test_fitting_on_test_data(run_cli, project):
    write_nb(
        project / "a.ipynb",
        nb(
            code(
                "model.fit(X_test, y_test)\nscaler.fit(X_test)\n"
                "X_val = scaler.fit_transform(X_val)\nmodel.fit(X_train, y_train)",
                count=1,
            )
        ),
    )
    assert _json(run_cli, "--select", "NB615", "a.ipynb") == [
        ("NB615", 0, 1),
        ("NB615", 0, 2),
        ("NB615", 0, 3),
    ]


# 3. --fix and --diff: safe fixes only, atomic, never over a newer file

_ERROR = {"output_type": "error", "ename": "KeyError", "evalue": "'a'",
          "traceback": ["KeyError: 'a'"]}  # fmt: skip
_SECRET = {"output_type": "stream", "name": "stdout",
           "text": "T=ghp_" + "R4nd0mL00k1ngT0k3n" * 2 + "\n"}  # fmt: skip


def _fixable(project):
    path = project / "a.ipynb"
    document = nb(
        md("# Fixable"),
        code("df['a'].mean()", count=1, outputs=[_ERROR]),
        code(""),
        code("print(env)", count=2, outputs=[_SECRET]),
        "",
    )
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    path.chmod(0o640)
    return path


SELECTED = ("--select", "NB406,NB702,NB203,NB401", "--no-cache")


def test_json_fix_field_describes_the_fix(run_cli, project):
    _fixable(project)
    found = json.loads(run_cli("lint", "-f", "json", *SELECTED, "a.ipynb").stdout)
    fixes = {f["code"]: f["fix"] for f in found}
    assert fixes["NB406"] == {"description": "clear the cell's outputs", "cell": 1,
                              "action": "clear-outputs", "source": None}  # fmt: skip
    assert fixes["NB203"]["action"] == "delete-cell"
    assert fixes["NB702"]["action"] == "clear-outputs"
    assert fixes["NB401"] is None


def test_diff_prints_the_change_and_writes_nothing(run_cli, project):
    path = _fixable(project)
    before = path.read_bytes()
    outcome = run_cli("lint", "--diff", *SELECTED, "a.ipynb")
    assert outcome.exit_code == 1
    assert path.read_bytes() == before
    assert outcome.stdout.startswith("--- a/a.ipynb\n+++ b/a.ipynb\n")
    removed = [line for line in outcome.stdout.splitlines() if line.startswith("-")]
    assert any('"output_type": "error"' in line for line in removed)
    assert '+   "outputs": [],' in outcome.stdout.splitlines()


def test_fix_writes_safe_fixes_and_reports_what_remains(run_cli, project):
    path = _fixable(project)
    outcome = run_cli("lint", "--fix", "-f", "json", *SELECTED, "a.ipynb")
    assert outcome.exit_code == 1  # NB401 has no safe fix
    assert outcome.stderr == "Fixed 3 findings in 1 notebook.\n"
    assert [(f["code"], f["cell"]) for f in json.loads(outcome.stdout)] == [
        ("NB401", 2)
    ]
    text = path.read_text()
    document = json.loads(text)
    assert [c["source"] for c in document["cells"]] == [
        "# Fixable", "df['a'].mean()", "print(env)", ""
    ]  # fmt: skip
    assert [c.get("outputs") for c in document["cells"]][1:3] == [[], []]
    assert (
        text == json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    )  # layout kept
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in project.iterdir()] == ["a.ipynb"]  # no temporary left
    again = run_cli("lint", "--fix", "--select", "NB406,NB702,NB203", "a.ipynb")
    assert (again.exit_code, again.stderr) == (0, "")


def test_fix_never_replaces_a_notebook_changed_since_it_was_read(project):
    from nb2prod.lint.session import LintRequest, fix_notebooks, run_lint

    path = _fixable(project)
    report = run_lint(
        LintRequest(paths=("a.ipynb",), select=("NB406",), use_cache=False)
    )
    path.write_text(path.read_text().replace("mean", "median"))  # saved meanwhile
    edited = path.read_bytes()
    outcome = fix_notebooks(report, write=True)
    assert outcome.skipped == ("a.ipynb",) and outcome.fixed == ()
    assert path.read_bytes() == edited


def test_replace_refuses_when_the_bytes_moved_under_it(tmp_path):
    from nb2prod.lint.fixes import replace_if_unchanged

    path = tmp_path / "a.ipynb"
    path.write_bytes(b"new content")
    assert not replace_if_unchanged(str(path), b"old content", b"fixed")
    assert path.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["a.ipynb"]
