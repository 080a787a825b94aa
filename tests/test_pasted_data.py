"""Pasted data (literal containers of 100 kB or more) goes through `convert` verbatim,
without libcst, rewrites or the formatter touching it, and with the same values.

The size threshold is lowered here so that the fixture literals stay small.
"""

from __future__ import annotations

import ast

import pytest

from nb2prod import pasted_data
from nb2prod.convert import convert_notebook
from nb2prod.emit.formatting import format_file
from nb2prod.pasted_data import mask_pasted_data, restore_pasted_data
from nb2prod.testing import notebook

RECORDS = "".join(
    f"    {{'id': {k}, 'name': 'item {k}', 'price': {k}.25}},\n" for k in range(12)
)


@pytest.fixture(autouse=True)
def _small_threshold(monkeypatch):
    monkeypatch.setattr(pasted_data, "MIN_SIZE", 300)


def _module(result, needle):
    """The package module whose code holds `needle`."""
    return next(
        text
        for path, text in sorted(result.package.items())
        if path.startswith("src/") and path.endswith(".py") and needle in text
    )


def _literal_value(code, name):
    """The value `name = <literal>` has in `code` (anywhere, at any depth)."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == name:
            return ast.literal_eval(node.value)
    raise AssertionError(f"no assignment to {name}")


def test_pasted_records_are_kept_verbatim_format_stable_and_equal():
    source = f"RECORDS = [\n{RECORDS}]\nprint(len(RECORDS), 'records')"
    result = convert_notebook(notebook(source))
    code = _module(result, "RECORDS = [")
    assert "    # fmt: off\n    RECORDS = [\n        {'id': 0, 'name': 'item 0'" in code
    assert "    ]\n    # fmt: on\n" in code
    assert _literal_value(code, "RECORDS") == _literal_value(source, "RECORDS")
    assert format_file("src/pkg/module.py", code) == code
    assert not result.problems


def test_the_masked_cell_keeps_every_other_position():
    source = f"import json\nDATA = [\n{RECORDS}]; n = len(DATA)\nprint(n)"
    masked = mask_pasted_data(notebook(source))
    assert masked is not None
    new = masked.notebook.cells[0].source
    assert new.count("\n") == source.count("\n")
    assert new.splitlines()[-2].index("; n") == source.splitlines()[-2].index("; n")
    assert "'item 3'" not in new


@pytest.mark.parametrize(
    ("literal", "kind"),
    [
        (f"({RECORDS})", tuple),
        ("{\n" + "".join(f"    ('item {k}', {k}),\n" for k in range(20)) + "}", set),
        ("{" + ", ".join(f"'k{k}': [{k}, -{k}]" for k in range(40)) + "}", dict),
        ("[" + ", ".join(f"'label {k}'" for k in range(40)) + "]", list),
    ],
)
@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_every_kind_of_display_comes_back_with_its_value(literal, kind):
    source = f"def show(x):\n    return len(x)\n\n\nDATA = {literal}\nprint(show(DATA))"
    result = convert_notebook(notebook(source))
    code = _module(result, "DATA = ")
    value = _literal_value(code, "DATA")
    assert isinstance(value, kind) and value == _literal_value(source, "DATA")
    assert "# fmt: off" in code
    assert format_file("src/pkg/module.py", code) == code


def test_an_unparenthesised_tuple_gets_parentheses():
    source = "DATA = " + ", ".join(str(k) for k in range(200)) + "\nprint(DATA)"
    code = _module(convert_notebook(notebook(source)), "DATA = ")
    assert _literal_value(code, "DATA") == tuple(range(200))


@pytest.mark.parametrize(
    "source",
    [
        # names, calls and f-strings are code, not data
        "DATA = [" + ", ".join(f"f({k})" for k in range(80)) + "]",
        "DATA = [" + ", ".join(f"x{k}" for k in range(80)) + "]",
        "DATA = [" + ", ".join(f"f'{{x}}{k}'" for k in range(60)) + "]",
        # a value bound to a credential name, or a credential-named key, is a secret
        "PASSWORD_LIST = [" + ", ".join(f"'pw{k}xyz{k}'" for k in range(60)) + "]",
        "DATA = [" + ", ".join(f"{{'token': 'tk{k}'}}" for k in range(40)) + "]",
        "DATA = [\n" + "    'AKIAIOSFODNN7EXAMPL0',\n" * 20 + "]",
        # small literals stay code
        "DATA = [1, 2, 3]",
    ],
)
def test_what_is_not_pasted_data_is_left_to_the_usual_conversion(source):
    assert mask_pasted_data(notebook(source)) is None


def test_a_literal_on_ipython_lines_is_not_masked():
    source = "%time DATA = [" + ", ".join(str(k) for k in range(200)) + "]"
    assert mask_pasted_data(notebook(source)) is None


def test_the_same_literal_twice_has_one_marker():
    source = f"A = [\n{RECORDS}]\nB = [\n{RECORDS}]\nprint(A == B)"
    masked = mask_pasted_data(notebook(source))
    assert masked is not None and len(masked.literals) == 1


def test_a_marker_reshaped_by_a_rewrite_gives_up_so_the_caller_converts_plainly():
    masked = mask_pasted_data(notebook(f"RECORDS = [\n{RECORDS}]\nprint(RECORDS)"))
    assert masked is not None
    (name,) = masked.literals
    files = {"src/p/run.py": f"def run():\n    RECORDS = ['{name}'] + []\n"}
    assert restore_pasted_data(files, masked.literals) is not None  # quotes may vary
    reshaped = {"src/p/run.py": f'def run():\n    RECORDS = "{name}"\n'}
    assert restore_pasted_data(reshaped, masked.literals) is None
    assert restore_pasted_data({"README.md": name}, masked.literals) is None


def test_data_in_a_default_or_a_call_keeps_its_statement_unformatted():
    values = ", ".join(f"{k}.5" for k in range(80))
    source = (
        f"def scale(x, factors=({values})):\n"
        "    return [x * f for f in factors]\n\n\n"
        f"out = scale(2, factors=[{values}])\nprint(len(out))"
    )
    result = convert_notebook(notebook(source))
    for path, code in result.package.items():
        if path.endswith(".py") and "fmt: off" in code:
            assert format_file("src/pkg/module.py", code) == code
            compile(code, path, "exec")
    assert sum(code.count("# fmt: off") for code in result.package.values()) == 2
