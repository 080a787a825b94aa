"""No command copies or prints a secret (issue 12, problems 4 and 5).

One notebook holds a fake secret of each kind in each place a notebook can hold one:
a code literal, a comment, markdown, `%env`, `%set_env`, a `!curl` line, a stored
stream, a stored error and an execute_result. It is converted with the CLI; then every
file under the output folder, and what convert, convert --dry-run (text and JSON),
inspect (text and JSON) and lint (text, JSON, SARIF, GitHub) print, is searched for
each secret: none may appear, not even cut short. Every fake secret is built here at
test time from a seed, so this file holds none that a secret scanner would flag.
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from click.testing import Result
from typer.testing import CliRunner

from nb2prod.cli import app
from nb2prod.testing import code, md, nb, result, stream, write_nb

PLACES = (
    "literal",
    "comment",
    "markdown",
    "env",
    "set_env",
    "curl",
    "stream",
    "error",
    "result",
)
KINDS = (
    "aws",
    "github",
    "slack",
    "openai",
    "jwt",
    "private_key",
    "bearer",
    "password",
    "api_key",
)
#: A private key block spans lines: no shell line, `%env` or comment holds one.
_ONE_LINE_PLACES = ("comment", "env", "set_env", "curl")


def _chars(seed: str, alphabet: str, count: int) -> str:
    """`count` characters of `alphabet`, different for every seed, never 8 alike."""
    digest = b"".join(hashlib.sha256(f"{seed}:{n}".encode()).digest() for n in range(8))
    return "".join(alphabet[byte % len(alphabet)] for byte in digest[:count])


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def fake_secret(kind: str, place: str) -> str:
    """A format-valid fake credential of `kind`, unique to `place`."""
    seed = f"{kind}-{place}"
    if kind == "aws":
        return "AK" + "IA" + _chars(seed, _UPPER, 16)
    if kind == "github":
        return "gh" + "p_" + _chars(seed, _ALNUM, 36)
    if kind == "slack":
        return (
            "xo"
            + "xb-"
            + _chars(seed, "0123456789", 12)
            + "-"
            + _chars(seed, _ALNUM, 24)
        )
    if kind == "openai":
        return "sk" + "-proj-" + _chars(seed, _ALNUM, 40)
    if kind == "jwt":
        header = "ey" + "J" + _chars(seed + "h", _ALNUM, 20)
        payload = "ey" + "J" + _chars(seed + "p", _ALNUM, 30)
        return f"{header}.{payload}.{_chars(seed + 's', _ALNUM, 43)}"
    if kind == "private_key":
        body = "\n".join(_chars(f"{seed}{n}", _ALNUM + "+/", 64) for n in range(4))
        label = "RSA " + "PRIVATE KEY"
        return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"
    if kind == "bearer":
        return _chars(seed, _ALNUM, 32)
    if kind == "password":
        return _chars(seed, _ALNUM, 10) + "#7"
    return _chars(seed, _ALNUM, 28)  # api_key


def _text_form(kind: str, value: str) -> str:
    """How the secret reads in prose, logs and shell lines."""
    if kind == "bearer":
        return f"Authorization: Bearer {value}"
    if kind == "password":
        return f"password={value}"
    if kind == "api_key":
        return f"api_key: {value}"
    return f"the {kind} credential {value}"


def _literal_line(kind: str, value: str, number: int) -> str:
    if kind == "bearer":
        return f"headers_{number} = {{'Authorization': 'Bearer {value}'}}"
    if kind == "password":
        return f"db_password_{number} = {value!r}"
    if kind == "api_key":
        return f"api_key_{number} = {value!r}"
    if kind == "private_key":
        return f"PRIVATE_KEY_{number} = '''{value}'''"
    return f"SERVICE_TOKEN_{number} = {value!r}"


def _env_line(magic: str, kind: str, value: str, number: int) -> str:
    names = {"password": "DB_PASSWORD", "api_key": "SERVICE_API_KEY"}
    name = f"{names.get(kind, 'SERVICE_TOKEN')}_{number}"
    shown = f"Bearer {value}" if kind == "bearer" else value
    separator = "=" if magic == "env" else " "
    return f"%{magic} {name}{separator}{shown}"


def _curl_line(kind: str, value: str) -> str:
    if kind == "bearer":
        return f'!curl -s -H "Authorization: Bearer {value}" https://api.example.org/v1'
    if kind == "password":
        return f'!curl -s "https://api.example.org/login?password={value}"'
    if kind == "api_key":
        return f'!curl -s "https://api.example.org/v1?api_key={value}"'
    return f'!curl -s -H "X-Service-Key: {value}" https://api.example.org/v1'


def _secrets() -> dict[tuple[str, str], str]:
    return {
        (kind, place): fake_secret(kind, place)
        for kind in KINDS
        for place in PLACES
        if not (kind == "private_key" and place in _ONE_LINE_PLACES)
    }


def _notebook(secrets: dict[tuple[str, str], str]) -> dict:
    def of(place: str) -> list[tuple[str, str]]:
        return [(kind, value) for (kind, at), value in secrets.items() if at == place]

    cells = [
        md(
            "# Service report\n\nThe report calls the service.\n\n"
            + "\n\n".join(_text_form(kind, value) for kind, value in of("markdown"))
        ),
        code(
            "import os\n"
            + "\n".join(
                _literal_line(kind, value, n)
                for n, (kind, value) in enumerate(of("literal"))
            ),
            count=1,
        ),
        code(
            "\n".join(f"# {_text_form(kind, value)}" for kind, value in of("comment"))
            + "\nrows = 3",
            count=2,
        ),
    ]
    count = 3
    for magic in ("env", "set_env"):
        for number, (kind, value) in enumerate(of(magic)):
            cells.append(code(_env_line(magic, kind, value, number), count=count))
            count += 1
    for kind, value in of("curl"):
        cells.append(code(_curl_line(kind, value), count=count))
        count += 1
    printed = "".join(_text_form(kind, value) + "\n" for kind, value in of("stream"))
    cells.append(code("print(os.environ)", count=count, outputs=[stream(printed)]))
    count += 1
    evalue = " ".join(_text_form(kind, value) for kind, value in of("error"))
    error = {
        "output_type": "error",
        "ename": "ValueError",
        "evalue": evalue,
        "traceback": [f"ValueError: {evalue}"],
    }
    cells.append(code("check_settings(rows)", count=count, outputs=[error]))
    count += 1
    # a pure function whose displayed value would become a golden test
    shown = {kind: value for kind, value in of("result")}
    cells.append(
        code(
            "def service_settings():\n    return 'see the vault'\n\nservice_settings()",
            count=count,
            outputs=[result(repr(shown), count)],
        )
    )
    return nb(*cells)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Every command's output and every file written, for one notebook of secrets
    (the commands run once for the module's tests, in its own folder)."""
    folder = tmp_path_factory.mktemp("secrets")
    secrets = _secrets()
    notebook = write_nb(folder / "service.ipynb", _notebook(secrets))
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args), prog_name="nb2prod")

    previous = os.getcwd()
    os.chdir(folder)  # lint's cache and relative outputs land in the folder searched
    try:
        runs = {
            "convert": run("convert", str(notebook), "-o", "pkg"),
            "dry-run": run("convert", str(notebook), "-o", "dry", "--dry-run"),
            "dry-run-json": run(
                "convert", str(notebook), "-o", "dry", "--dry-run", "--format", "json"
            ),
            "inspect": run("inspect", str(notebook)),
            "inspect-json": run("inspect", str(notebook), "--format", "json"),
        }
        for form in ("text", "json", "sarif", "github"):
            runs[f"lint-{form}"] = run(
                "lint", "--select", "ALL", "--format", form, str(notebook)
            )
    finally:
        os.chdir(previous)
    return secrets, runs, folder


def _leaks(secret: str, texts: dict[str, str]) -> list[str]:
    """Where `secret`, or 12 characters of it past its first four, shows."""
    pieces = {secret[i : i + 12] for i in range(4, max(5, len(secret) - 11))}
    pieces.add(secret)
    return sorted(
        where for where, text in texts.items() if any(p in text for p in pieces)
    )


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_no_file_and_no_command_output_holds_a_secret(converted):
    secrets, runs, folder = converted
    assert runs["convert"].exit_code == 0, runs["convert"].stderr
    assert runs["inspect-json"].exit_code == 0 and runs["dry-run-json"].exit_code == 0
    texts = {
        str(path.relative_to(folder)): path.read_text(
            encoding="utf-8", errors="replace"
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "service.ipynb"
    }
    assert any(name.startswith("pkg/src/") for name in texts)
    for command, run in runs.items():
        texts[f"{command} stdout"] = run.stdout
        texts[f"{command} stderr"] = run.stderr
    leaks = {
        f"{kind} in {place}": _leaks(value, texts)
        for (kind, place), value in secrets.items()
    }
    assert {found: where for found, where in leaks.items() if where} == {}


def test_lint_reports_each_place_with_its_own_rule(converted):
    _, runs, _ = converted
    findings = json.loads(runs["lint-json"].stdout)
    codes = {finding["code"] for finding in findings}
    # literal, output, comment, markdown, magic and shell lines
    assert {"NB701", "NB702", "NB703", "NB708", "NB709"} <= codes
    per_rule = {code: sum(f["code"] == code for f in findings) for code in codes}
    one_line_kinds = len(KINDS) - 1  # no private key on one line
    assert per_rule["NB703"] == one_line_kinds
    assert per_rule["NB709"] == 3 * one_line_kinds  # %env, %set_env, !curl
    assert per_rule["NB708"] == len(KINDS)
    assert per_rule["NB701"] == len(KINDS)


def test_env_secrets_are_read_from_the_environment_never_set(converted):
    _, _, folder = converted
    package = folder / "pkg"
    code = "\n".join(
        path.read_text(encoding="utf-8") for path in (package / "src").rglob("*.py")
    )
    assert "os.environ[" not in code  # no `%env` value is set by the package
    assert 'secret("SERVICE_TOKEN_0")' in code and 'secret("DB_PASSWORD_' in code
    readme = (package / "README.md").read_text(encoding="utf-8")
    environment = readme.split("set these", 1)[1].split("## ", 1)[0]
    assert "`SERVICE_TOKEN_0`" in environment and "`SERVICE_API_KEY_" in environment
    dockerfile = (package / "Dockerfile").read_text(encoding="utf-8")
    assert "-e SERVICE_TOKEN_0" in dockerfile
    # the displayed secret is no golden test; the function gets a TODO stub instead
    assert not (package / "tests" / "test_golden.py").exists()
    assert "service_settings" in (package / "tests" / "test_todo.py").read_text()
