"""A credential written in a notebook: the package reads it from the environment when
the notebook uses it, and leaves it out when nothing does; the pipeline test skips,
saying which variable to set, on a machine without it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.testing import code, md, notebook
from nb2prod.writer import write_package

KEY = "sk-live-51HqLyjWDarjtT1zdp7dc9f2a"


def _converted(*cells):  # type: ignore[no-untyped-def]
    return convert_notebook(notebook(md("# Keys"), *cells, path="keys.ipynb"))


def _code(result) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(module.code for module in result.plan.code)


def test_a_credential_nothing_reads_is_left_out():
    """The binding goes before planning: no setting, no step value, no README row."""
    result = _converted(
        code("import math"),
        code(f'API_KEY = "{KEY}"\nRADIUS = 2.0'),
        code("area = math.pi * RADIUS ** 2\nprint(round(area, 2))"),
    )
    assert result.plan.secrets == ()
    assert "secret(" not in _code(result)
    assert "API_KEY" not in _code(result)
    assert not any(KEY in text for text in result.package.values())
    readme = result.package["README.md"]
    assert "| environment | `API_KEY`" not in readme
    assert "-e API_KEY" not in result.package["Dockerfile"]
    (warning,) = [w for w in result.plan.warnings if "credential" in w.message]
    assert warning.cell == 2 and "`API_KEY`" in warning.message
    assert result.problems == ()
    assert "API_KEY" not in result.package["src/keys/pipeline.py"]


def test_a_credential_sharing_its_line_or_mentioned_in_a_comment_stays():
    """Only a binding alone on its lines is left out; any other mention keeps it."""
    shared = _converted(code(f'API_KEY = "{KEY}"; RADIUS = 2\nprint(RADIUS)'))
    commented = _converted(
        code(f'API_KEY = "{KEY}"'), code("# pass API_KEY to the client later\nx = 1")
    )
    for result in (shared, commented):
        assert [secret.variable for secret in result.plan.secrets] == ["API_KEY"]
        assert not any(KEY in text for text in result.package.values())


@pytest.mark.parametrize(
    "cells",
    [
        # read by a later cell
        [
            f'API_KEY = "{KEY}"',
            "headers = {'Authorization': API_KEY}\nprint(len(headers))",
        ],
        # read in an f-string of the same cell
        [
            f'API_KEY = "{KEY}"\nurl = f"https://api.example.com/?key={{API_KEY}}"\nprint(len(url))'
        ],
        # read by a function
        [f'API_KEY = "{KEY}"', "def auth():\n    return API_KEY\n\nprint(len(auth()))"],
        # expanded by IPython in a shell line
        [f'API_KEY = "{KEY}"', '!curl -s -H "X-Key: $API_KEY" https://example.com'],
    ],
    ids=["later cell", "f-string", "function", "shell line"],
)
def test_a_credential_the_notebook_reads_is_read_from_the_environment(cells):
    result = _converted(*(code(cell) for cell in cells))
    (secret,) = result.plan.secrets
    assert secret.variable == "API_KEY"
    assert "secret('API_KEY')" in _code(result)
    assert "| environment | `API_KEY`" in result.package["README.md"]
    assert not any(KEY in text for text in result.package.values())


def test_a_credential_passed_as_an_argument_stays_a_setting_of_the_environment():
    result = _converted(
        code("import os"),
        code(f'client = dict(password="{KEY}", user="ann")\nprint(len(client))'),
    )
    assert [secret.name for secret in result.plan.secrets] == ["password"]
    assert "secret(" in _code(result)


@pytest.mark.slow  # runs the generated tests
def test_the_pipeline_test_skips_naming_the_variable_to_set(tmp_path):
    result = _converted(
        code(f'API_KEY = "{KEY}"'),
        code("print('key length', len(API_KEY))"),
    )
    folder = tmp_path / "pkg"
    write_package(result.package, folder)
    environment = {
        key: value for key, value in os.environ.items() if key != "API_KEY"
    } | {"PYTHONPATH": str(folder / "src")}

    def generated_tests(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
             str(folder / "tests" / "test_pipeline.py")],
            cwd=folder, capture_output=True, text=True, timeout=300, check=False,
            env=environment | extra,
        )  # fmt: skip

    skipped = generated_tests({})
    assert skipped.returncode == 0, skipped.stdout
    assert "set the environment variable API_KEY" in skipped.stdout
    assert "failed" not in skipped.stdout
    ran = generated_tests({"API_KEY": "x" * 33})
    assert ran.returncode == 0, ran.stdout
    assert "skipped" not in ran.stdout
