"""The one secret detector (nb2prod/analysis/secrets.py) and where it looks: what is a
secret in free text and in a value bound to a name, what is a placeholder, and how
secrets are redacted wherever they reappear. Fake tokens are built at test time, so
that this file holds none."""

from __future__ import annotations

import pickle

import pytest

from nb2prod.analysis.secret_places import (
    notebook_redactor,
    output_secrets,
    text_cell_secrets,
)
from nb2prod.analysis.secrets import (
    Redactor,
    SecretText,
    redact,
    text_secrets,
    value_secret,
)
from nb2prod.testing import code, md, notebook, result, stream

ALNUM = "q7RtW3x9Yb2K5m8PzL4nV6cJ0hG1sD"
AWS = "AKIA" + "Q7RTW3X9YB2K5M8P"
GITHUB = "ghp_" + ALNUM + "a1B2c3"
SLACK = "xoxb-" + "2048" + "61-" + ALNUM[:20]
OPENAI = "sk-" + "proj-" + ALNUM + "Zq8Wc3Lr9T"
JWT = "eyJ" + "hbGciOiJIUzI1NiJ9" + ".eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0" + "." + ALNUM
BODY = "\n".join(["MIIEow" + ALNUM * 2] * 3)
PRIVATE_KEY = (
    "-----BEGIN RSA " + "PRIVATE KEY-----\n" + BODY + "\n-----END RSA PRIVATE KEY-----"
)


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.kind, text[m.start : m.end]) for m in text_secrets(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (f"key id {AWS} in the log", "aws_access_key_id", AWS),
        (f"GITHUB_TOKEN={GITHUB}", "github_token", GITHUB),
        (f"slack: {SLACK}", "slack_token", SLACK),
        (f"use {OPENAI} here", "openai_api_key", OPENAI),
        (f"Cookie: jwt={JWT};", "jwt", JWT),
        (f"key:\n{PRIVATE_KEY}\nend", "private_key", PRIVATE_KEY),
        (
            "curl -H 'Authorization: Bearer " + ALNUM[:24] + "' x.org",
            "authorization_header",
            ALNUM[:24],
        ),
        (
            "-H 'Authorization: Basic dXNlcjpwYXNzd29yZA=='",
            "authorization_header",
            "dXNlcjpwYXNzd29yZA==",
        ),
        ("password=Tr0ub4dor#3x and more", "assigned_secret", "Tr0ub4dor#3x"),
        ('{"api_key": "' + ALNUM[:20] + '"}', "assigned_secret", ALNUM[:20]),
        ("DB_PASSWORD: 'hunter22'", "assigned_secret", "hunter22"),
        ("%set_env DB_PASSWORD hunter22", "assigned_secret", "hunter22"),
        ("%env DB_PASSWORD hunter22", "assigned_secret", "hunter22"),
        ("postgresql://ana:s3cr3t-Pw@db:5432/x", "url_with_password", "s3cr3t-Pw"),
    ],
)
def test_each_family_is_found_with_the_exact_span(text, kind, value):
    assert _found(text) == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "api_key = 'your-api-key'",
        "export API_KEY=<TOKEN>",
        "token: xxxxxxxxxxxxxxxxxxxx",
        "password: ******",
        "AKIAIOSFODNN7EXAMPLE",  # AWS's documented sample key
        "ghp_" + "x" * 36,
        "token = tokenizer.eos_token",
        "password=getpass()",
        "password = os.environ['DB_PASSWORD']",
        "Authorization: Bearer $TOKEN",
        "Authorization: Bearer {token}",
        "the bearer token is in the vault",
        "max_tokens=4096, pad_token=[PAD]",
        "key=lambda row: row[0]",
        "https://x.s3.amazonaws.com/f?X-Amz-Credential=AKIAIWNJYAX4CSVEH53A%2F2021",
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        "password=Tr0... (12 characters)",  # a preview is not a secret again
        "Set `OPENAI_API_KEY` to your key; see https://example.org/docs?token=abc",
    ],
)
def test_placeholders_references_and_samples_are_not_secrets(text):
    assert _found(text) == []


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("db_password", "hunter2!x", "assigned_secret"),
        ("client_secret", ALNUM[:16], "assigned_secret"),
        (None, GITHUB, "github_token"),
        ("headers", "Bearer " + ALNUM[:20], "authorization_header"),
        ("dsn", "host=db password=Tr0ub4dor#3x", "assigned_secret"),
        ("password", "", None),
        ("secret_note", "see the wiki page", None),
        ("tokenizer", "bert-base-uncased", None),
        ("name", "hunter2!x", None),
    ],
)
def test_value_bound_to_a_name(name, value, kind):
    assert value_secret(name, value) == kind


def test_preview_shows_little_of_short_values_and_the_length():
    assert redact(GITHUB) == "ghp_... (40 characters)"
    assert redact("hunter22") == "hu... (8 characters)"
    assert "hunter22" not in redact("hunter22")


def test_secret_text_never_prints_its_value_but_survives_pickling():
    value = SecretText(GITHUB)
    assert GITHUB not in f"{value} {value!r} {[value]}"
    assert pickle.loads(pickle.dumps(value)) == value
    assert pickle.loads(pickle.dumps(value)).reveal() == GITHUB


def test_redactor_replaces_patterns_known_values_and_cut_tails():
    redactor = Redactor([SecretText("hunter22-Password")])
    text = f"token {GITHUB}; pw hunter22-Password; cut: {'x' * 3} hunter22-Pa..."
    redacted = redactor(text)
    assert GITHUB not in redacted and "hunter22-Pa" not in redacted
    assert redacted.count("characters)") == 3
    assert repr(redactor) == "Redactor(1 known values)"


def test_redactor_for_code_leaves_key_value_text_alone():
    code_redactor = Redactor(key_values=False)
    assert code_redactor("connect(password='Tr0ub4dor#3x')") == (
        "connect(password='Tr0ub4dor#3x')"
    )
    assert GITHUB not in code_redactor(f"x = f'{GITHUB}{{y}}'")


def test_places_markdown_and_outputs():
    model = notebook(
        md(f"# Title\n\nUse {OPENAI}."),
        code(
            "print(env)",
            count=1,
            outputs=[
                stream(f"T={GITHUB}\n"),
                result(repr({"password": "Tr0ub4dor#3x"}), 1),
                {
                    "output_type": "error",
                    "ename": "ValueError",
                    "evalue": AWS,
                    "traceback": [f"ValueError: {AWS}"],
                },
            ],
        ),
    )
    (in_markdown,) = text_cell_secrets(model.cells[0])
    assert (in_markdown.place, in_markdown.line, in_markdown.column) == (
        "markdown",
        3,
        4,
    )
    kinds = [secret.kind for secret in output_secrets(model.cells[1])]
    assert kinds == ["github_token", "assigned_secret", "aws_access_key_id"]
    redactor = notebook_redactor(model.cells)
    assert all(
        value not in redactor(f"{OPENAI} {GITHUB} {AWS}")
        for value in (OPENAI, GITHUB, AWS)
    )


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_detection_is_linear_in_the_text():
    """A 5 MB output of identifiers and `key=` pairs is searched in well under a
    second per megabyte (the regular expressions never backtrack quadratically)."""
    import time

    text = ("api_key_name = value_of_a_setting; token: x\n" * 120_000)[:5_000_000]
    start = time.perf_counter()
    assert text_secrets(text) == []
    assert time.perf_counter() - start < 5
