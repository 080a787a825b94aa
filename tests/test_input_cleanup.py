"""IPython's input clean-up (issue 13): a cell IPython runs is read as IPython reads
it, checked against IPython's own TransformerManager, with the original text kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nb2prod.reading.input_cleanup import clean_input
from nb2prod.reading.magics import (
    SyntaxKind,
    column_shifts,
    restore_source,
    translate_cell,
)

CELLS = [
    " def compute_z(a, b):\n     return a + b\n print(compute_z(1, 2))",
    "\n\n  z = 3\n  y = z",
    "\tx = 1\n\ty = x",
    ">>> x = 1\n>>> print(x)\n1",
    ">>> def f():\n...     return 1\n...\n>>> f()",
    "In [3]: y = 2\n   ...: print(y)",
    "In [12]: for i in range(2):\n    ...:     print(i)",
    "x = 1\n  # a comment indented",
    "x = 1",
    "",
]


def ipython(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    manager = TransformerManager()
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for transform in manager.cleanup_transforms:
        lines = transform(lines)
    return "".join(lines)


def ours(source: str) -> str:
    """Our clean-up as IPython would print it: leading blank lines dropped."""
    lines = clean_input(source).splitlines(keepends=True)
    while any(line.strip() for line in lines) and not lines[0].strip():
        lines.pop(0)  # IPython drops leading blank lines, unless all are blank
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines)


@pytest.mark.parametrize("source", CELLS)
def test_the_clean_up_is_ipythons(source):
    assert ours(source) == ipython(source)


@pytest.mark.parametrize(
    "source", [*CELLS, "   ", "  %time x = 1\n  y = x", "  !ls\n  z = 1"]
)
def test_the_clean_up_keeps_lines_and_the_original_text(source):
    translated = translate_cell(source)
    assert len(translated.python.splitlines()) == len(source.splitlines())
    assert restore_source(translated.python, translated.syntax) == source
    if clean_input(source) != source:
        assert any(f.kind is SyntaxKind.INPUT_CLEANUP for f in translated.syntax)


def test_positions_in_a_cleaned_cell_point_at_the_original_text():
    translated = translate_cell("  x = 1\n  %time y = x")
    shifts = column_shifts(translated.syntax)
    assert shifts == {1: 2, 2: 2 + len("%time ")}


line = st.from_regex(r"[a-z]{1,3} = [0-9]{1,2}", fullmatch=True)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(line, min_size=1, max_size=4),
    st.sampled_from(["", " ", "    ", "\t", ">>> ", "In [7]: "]),
    st.integers(min_value=0, max_value=2),
)
def test_any_indent_or_prompt_is_cleaned_as_ipython_does(body, prefix, blanks):
    follow = {"": "", " ": " ", "    ": "    ", "\t": "\t", ">>> ": "... "}.get(
        prefix, "   ...: "
    )
    source = "\n" * blanks + "\n".join(
        (prefix if n == 0 else follow) + text for n, text in enumerate(body)
    )
    assert ours(source) == ipython(source)
    translated = translate_cell(source)
    assert restore_source(translated.python, translated.syntax) == source


def test_an_indented_cell_converts_and_inspects(run_cli, tmp_path):
    import json

    from nb2prod.testing import code, md, nb, write_nb

    path = write_nb(
        tmp_path / "nb.ipynb",
        nb(md("# T"), code(" def f(a):\n     return a + 1\n print(f(1))")),
    )
    inspected = run_cli("inspect", str(path), "--format", "json")
    assert inspected.exit_code == 0, inspected.stderr
    cells = json.loads(inspected.stdout)["cells"]
    assert cells[1]["parse"]["status"] == "ok"
    converted = run_cli("convert", str(path), "-o", str(tmp_path / "pkg"))
    assert converted.exit_code == 0, converted.stderr
