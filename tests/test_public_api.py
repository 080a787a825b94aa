"""The library's public API, as `nb2prod/__init__.py` documents it: every exported name
resolves, importing the package stays cheap, and the documented example works."""

from __future__ import annotations

import subprocess
import sys

import pytest

import nb2prod
from nb2prod.testing import code, md, nb, write_nb


def test_every_exported_name_resolves():
    for name in nb2prod.__all__:
        assert getattr(nb2prod, name) is not None, name


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        nb2prod.no_such_thing  # noqa: B018


@pytest.mark.slow  # starts an interpreter
def test_importing_nb2prod_loads_no_heavy_library():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, nb2prod; print(' '.join(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not {"libcst", "black", "rich", "typer", "jinja2"} & set(loaded)


def test_the_documented_example(tmp_path):
    path = write_nb(
        tmp_path / "analysis.ipynb",
        nb(
            md("# Sales"),
            code("import pandas as pd\nimport os"),
            code("df = pd.DataFrame({'a': [1, 2, 3]})\nprint(df['a'].sum())"),
        ),
    )
    notebook = nb2prod.read_notebook(path)
    found = nb2prod.lint_notebook(notebook)
    assert "NB307" in {finding.code for finding in found}  # `os` is never used
    assert all(isinstance(finding, nb2prod.Finding) for finding in found)
    only = nb2prod.lint_notebook(notebook, [])
    assert only == []

    result = nb2prod.convert_notebook(notebook)
    assert isinstance(result.plan, nb2prod.Plan)
    back = nb2prod.plan_from_json(nb2prod.render_plan_json(result.plan))
    assert nb2prod.render_package(back) == result.package

    target = tmp_path / "analysis_pkg"
    nb2prod.write_package(result.package, target)
    package = result.plan.package
    assert (target / "src" / package / "pipeline.py").is_file()
    assert package in (target / "pyproject.toml").read_text(encoding="utf-8")
