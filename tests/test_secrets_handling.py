"""What convert, inspect and lint do with each kind of secret: a `%env` secret is read
from the environment, a comment keeps its words without the secret, a secret the
notebook displayed is no golden test, an install line with a token is no requirement,
a data file holding one is reported, and no message or excerpt repeats one, not even
cut short. Fake tokens are built at test time."""

from __future__ import annotations

import json

from nb2prod.convert import convert_notebook, plan_notebook
from nb2prod.inspection import inspect_notebook
from nb2prod.reporters.inspection_json import render_inspection_json
from nb2prod.testing import code, md, nb, notebook, result, write_nb

GITHUB = "ghp_" + "Zq8Wc3Lr9Tx2Vb7Nm4Kp1Hs6Jd5Gf0AaQ1w2"
PASSWORD = "Tr0ub4dor" + "#3x!"


def _code(files: dict[str, str]) -> str:
    return "\n".join(text for path, text in files.items() if path.endswith(".py"))


def _everything(files: dict[str, str]) -> str:
    return "\n".join(files.values())


def test_env_secret_is_read_never_set_and_plain_env_stays():
    model = notebook(
        code(f"%env GITHUB_TOKEN={GITHUB}\n%env MODE=prod\nimport os"),
        path="env.ipynb",
    )
    result = convert_notebook(model)
    code_text = _code(result.package)
    assert 'secret("GITHUB_TOKEN")' in code_text
    assert 'os.environ["MODE"] = "prod"' in code_text
    assert [(s.variable, s.source) for s in result.plan.secrets] == [
        ("GITHUB_TOKEN", "environment")
    ]
    assert "`GITHUB_TOKEN`" in result.package["README.md"]
    assert GITHUB not in _everything(result.package)


def test_set_env_with_a_secret_named_variable_is_read_from_the_environment():
    model = notebook(code(f"%set_env DB_PASSWORD {PASSWORD}"), path="setenv.ipynb")
    result = convert_notebook(model)
    assert 'secret("DB_PASSWORD")' in _code(result.package)
    assert PASSWORD not in _everything(result.package)


def test_comment_keeps_its_words_without_the_secret():
    model = notebook(
        code(f"x = 1  # old token {GITHUB}, rotated in May\nprint(x)"),
        path="comment.ipynb",
    )
    code_text = _code(convert_notebook(model).package)
    assert "# old token ghp_... (40 characters), rotated in May" in code_text
    assert GITHUB not in code_text


def test_markdown_secret_is_redacted_in_the_readme_and_step_names():
    model = notebook(
        md(f"# Report\n\nCall the API with {GITHUB} first."),
        code("x = 1"),
        md(f"## Load with {GITHUB}"),
        code("y = x + 1"),
        path="md.ipynb",
    )
    files = convert_notebook(model).package
    assert "Call the API with ghp_... (40 characters) first." in files["README.md"]
    assert GITHUB not in _everything(files)


def test_displayed_secret_is_no_golden_test_even_when_the_literal_became_secret():
    """The notebook's own function returned the token; its code reads it from the
    environment now, and its stored output must not become an expected value."""
    model = notebook(
        code(f"def service_token():\n    return {GITHUB!r}\n", count=1),
        code("service_token()", count=2, outputs=[result(repr(GITHUB), 2)]),
        code("def double(n):\n    return 2 * n\n", count=3),
        code("double(21)", count=4, outputs=[result("42", 4)]),
        path="golden.ipynb",
    )
    converted = convert_notebook(model)
    assert [case.function for case in converted.plan.golden] == ["double"]
    assert GITHUB not in _everything(converted.package)


def test_value_of_a_password_literal_is_redacted_where_an_output_repeats_it():
    model = notebook(
        code(f"db_password = {PASSWORD!r}", count=1),
        code("def show():\n    return 'connected'\n", count=2),
        code("show()", count=3, outputs=[result(repr(f"connected as {PASSWORD}"), 3)]),
        path="known.ipynb",
    )
    converted = convert_notebook(model)
    assert converted.plan.golden == ()
    assert PASSWORD not in _everything(converted.package)


def test_install_line_with_a_token_is_a_todo_not_a_requirement():
    url = f"git+https://user:{GITHUB}@github.com/acme/private.git"
    model = notebook(code(f"!pip install {url}\nimport os"), path="install.ipynb")
    converted = convert_notebook(model)
    assert GITHUB not in _everything(converted.package)
    assert "private" not in converted.package["requirements.txt"]
    (decision,) = converted.plan.decisions
    assert decision.action == "todo" and "credential" in decision.detail


def test_data_file_holding_a_secret_is_redacted_and_reported():
    model = notebook(
        code(f"%%writefile settings.ini\n[service]\ntoken = {GITHUB}\n"),
        code("x = 1"),
        path="datafile.ipynb",
    )
    converted = convert_notebook(model)
    assert GITHUB not in _everything(converted.package)
    assert any(
        "settings.ini" in w.message and "secret" in w.message
        for w in converted.plan.warnings
    )


def test_dry_run_plan_holds_no_secret():
    model = notebook(
        md(f"# T\n\n{GITHUB}"),
        code(
            f"%env TOKEN={GITHUB}\n!curl -H 'Authorization: Bearer {GITHUB[4:28]}' x.org"
        ),
        path="plan.ipynb",
    )
    plan = plan_notebook(model).plan
    assert GITHUB[4:28] not in repr(plan) and GITHUB not in repr(plan)


def test_inspect_json_redacts_literals_magics_and_sources():
    model = notebook(
        code(f"DB_PASSWORD = {PASSWORD!r}\nprint(DB_PASSWORD)", count=1),
        code(f"%env API_TOKEN={GITHUB}", count=2),
        path="inspect.ipynb",
    )
    text = render_inspection_json(inspect_notebook(model))
    assert PASSWORD not in text and GITHUB not in text
    document = json.loads(text)
    (literal,) = document["cells"][0]["literals"]
    assert literal["name"] == "DB_PASSWORD" and "characters)" in literal["value"]
    places = [s["place"] for c in document["cells"] for s in c.get("secrets", [])]
    assert places == ["literal", "magic"]


def test_lint_message_cut_short_and_excerpts_hold_no_secret(tmp_path, run_cli):
    """NB406 quotes 120 characters of an error: the token it cuts is still redacted."""
    evalue = "x" * 100 + " " + GITHUB
    error = {
        "output_type": "error",
        "ename": "ValueError",
        "evalue": evalue,
        "traceback": ["ValueError"],
    }
    path = write_nb(
        tmp_path / "lint.ipynb",
        nb(
            code(f"api_key = {PASSWORD!r}", count=1),
            code("fail()", count=2, outputs=[error]),
        ),
    )
    for form in ("text", "json"):
        run = run_cli(
            "lint", "--no-cache", "--select", "ALL", "--format", form, str(path)
        )
        assert run.exit_code == 1
        assert GITHUB[:12] not in run.stdout and PASSWORD not in run.stdout
    codes = {f["code"] for f in json.loads(run.stdout)}
    assert {"NB406", "NB701", "NB702"} <= codes


def test_secret_in_an_fstring_is_redacted_and_reported():
    model = notebook(
        code("q = 'churn'\nurl = f'https://x.org/?token=" + GITHUB + "&q={q}'"),
        path="fstring.ipynb",
    )
    converted = convert_notebook(model)
    assert GITHUB not in _everything(converted.package)
    assert any("f-string holds a secret" in w.message for w in converted.plan.warnings)
    assert "&q={q}" in _code(converted.package)  # the rest of the f-string stays


def test_a_secret_bound_in_one_cell_is_redacted_in_the_excerpts_of_another(
    tmp_path, monkeypatch, run_cli
):
    """The value `db_password` holds, printed by a later cell that lint flags: its
    excerpt shows no password, in a fresh run or a cached one, and the cache that
    keeps the excerpts holds none."""
    monkeypatch.chdir(tmp_path)
    write_nb(
        tmp_path / "login.ipynb",
        nb(
            md("# Login"),
            code(f"db_password = {PASSWORD!r}", count=1),
            code(f'import os\nprint("login", {PASSWORD!r})\nos.chdir("/tmp")', count=2),
        ),
    )
    fresh = run_cli("lint", "login.ipynb")
    cached = run_cli("lint", "login.ipynb")
    assert fresh.exit_code == cached.exit_code == 1
    assert fresh.stdout == cached.stdout
    assert "     2 | print(\"login\", 'Tr0... (13 characters)')" in fresh.stdout
    assert PASSWORD not in fresh.stdout
    stored = [p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.json")]
    assert stored and not any(PASSWORD in text for text in stored)
    assert any("Tr0... (13 characters)" in text for text in stored)
