"""The linear-time rewrites of issue 12 give what the direct (quadratic) versions gave.

Each test checks a rewritten function against a plain reference written here, on
inputs built to exercise its corner cases. Speed itself is measured by
`benchmarks/scaling.py`, never by a timed test.
"""

from __future__ import annotations

import ast
import random
import symtable

import libcst
import pytest

from nb2prod.lint.excerpts import excerpts_for
from nb2prod.lint.rule import Finding
from nb2prod.planning.steps import MAX_STEPS, ROLE_TITLES, Section, _merge_tiny
from nb2prod.reading.notebook import notebook_from_json
from nb2prod.reading.positions import _CELL_TYPE, _SOURCE, IpynbLines
from nb2prod.reporters.findings_text import render_findings_text
from nb2prod.scope_symbols import scope_symbols
from nb2prod.testing import code, nb
from nb2prod.transforms.plain_fstrings import _is_plain, _Plain, plain_fstrings


def _merge_tiny_directly(sections, work):
    """The merge as it was: search every neighbouring pair again after each merge."""
    merged, carry = [], ()
    for section in sections:
        cells = carry + section.cells
        if sum(work[index] for index in section.cells) == 0:
            carry = cells
            continue
        merged.append(section._replace(cells=cells))
        carry = ()
    if carry:
        if merged:
            merged[-1] = merged[-1]._replace(cells=merged[-1].cells + carry)
        else:
            merged.append(Section(ROLE_TITLES[None], None, carry, False))
    while len(merged) > MAX_STEPS:
        smallest = min(
            range(len(merged) - 1),
            key=lambda i: sum(work[c] for c in merged[i].cells + merged[i + 1].cells),
        )
        first, second = merged[smallest], merged[smallest + 1]
        merged[smallest : smallest + 2] = [
            first._replace(cells=first.cells + second.cells)
        ]
    return merged


@pytest.mark.parametrize("seed", range(40))
def test_merging_sections_picks_the_same_pairs_as_a_direct_search(seed):
    rng = random.Random(seed)
    sections, work, cell = [], {}, 0
    for number in range(rng.randint(0, 70)):
        cells = []
        for _ in range(rng.randint(0, 4)):
            work[cell] = rng.choice([0, 0, 1, 1, 2, 3, 5, rng.randint(0, 40)])
            cells.append(cell)
            cell += 1
        sections.append(Section(f"part {number}", None, tuple(cells), True))
    assert _merge_tiny(sections, work) == _merge_tiny_directly(sections, work)


SCOPES = """
import os as top
def top(a, *args, b=1, **kw):
    global g
    g = a
    x = [y for y in args if (z := y)]
    def inner():
        nonlocal x
        x = lambda q: q + b
        class K:
            w = x
            def m(self): return w
        return K
    return inner, {k: v for k, v in kw.items()}, (t for t in args)
class top:
    top = 1
    def top(self): return [top for top in range(3)]
"""


def test_scope_symbols_are_get_symbols():
    def describe(symbol):
        return (
            symbol.get_name(),
            symbol.is_referenced(),
            symbol.is_imported(),
            symbol.is_parameter(),
            symbol.is_global(),
            symbol.is_nonlocal(),
            symbol.is_declared_global(),
            symbol.is_local(),
            symbol.is_annotated(),
            symbol.is_free(),
            symbol.is_assigned(),
            symbol.is_namespace(),
            [space.get_id() for space in symbol.get_namespaces()],
        )

    pending = [symtable.symtable(SCOPES, "<cell>", "exec")]
    compared = 0
    while pending:
        scope = pending.pop()
        pending.extend(scope.get_children())
        expected = [describe(symbol) for symbol in scope.get_symbols()]
        assert [describe(symbol) for symbol in scope_symbols(scope)] == expected
        compared += len(expected)
    assert compared > 30


def _ipynb_line_directly(text, cell, line):
    starts = [match.start() for match in _CELL_TYPE.finditer(text)]
    if cell >= len(starts):
        return 1
    end = starts[cell + 1] if cell + 1 < len(starts) else len(text)
    opening = text.rfind("{", 0, starts[cell])
    source = _SOURCE.search(text, opening if opening >= 0 else starts[cell], end)
    if source is None:
        return text.count("\n", 0, starts[cell]) + 1
    first = text.count("\n", 0, source.start()) + 1
    return first if source.group(1) == '"' else first + max(line, 1)


@pytest.mark.parametrize(
    "text",
    [
        '{\n "cells": [\n  {\n   "cell_type": "code",\n   "source": [\n    "a\\n",\n'
        '    "b"\n   ]\n  },\n  {"source": "x = 1", "cell_type": "code"},\n'
        '  {\n   "cell_type": "markdown"\n  }\n ]\n}\n',
        "",
        '"cell_type": "code"',
    ],
)
def test_file_lines_of_many_findings_are_those_of_one_finding(text):
    lines = IpynbLines(text)
    for cell in range(5):
        for line in range(4):
            assert lines.line(cell, line) == _ipynb_line_directly(text, cell, line)


@pytest.mark.parametrize(
    "source",
    [
        'x = f"Epoch ..."\n',
        'y = rf"{{a}}\\d" + f"{x}"\n',
        "z = (f'a' 'b')\nw = f'x' f'{y}' 'z'\n",
        'c = f"{f\'in\'}" + f"q"\n',
        'e = ("a"  # note\n     f"b")\n',
        's = "é" + f"ü{{}}"; t = f"""\nmulti {{\n"""\n',
        "def g():\n    return f'ok', f'{1}'\n",
    ],
)
def test_plain_fstrings_rewritten_one_string_at_a_time_as_in_the_whole_module(
    source,
):
    expected = source
    if any(_is_plain(node) for node in ast.walk(ast.parse(source))):
        expected = libcst.parse_module(source).visit(_Plain()).code
    assert plain_fstrings(source) == expected


def test_excerpts_of_many_findings_in_one_cell_show_their_own_lines():
    source = "\n".join(f"x{k} = {k}" for k in range(30))
    findings = [
        Finding("nb.ipynb", 0, line, 0, "NB401", "message", "name", None)
        for line in (1, 15, 30)
    ]
    notebook = notebook_from_json(
        {
            "cells": [{"cell_type": "code", "source": source, "metadata": {}}],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        "nb.ipynb",
    )
    excerpts = excerpts_for(findings, notebook, lambda text: text)
    text = render_findings_text(findings, excerpts, color=False, width=80, files=1)
    assert "    14 | x13 = 13\n    15 | x14 = 14\n       | ^\n    16 | x15 = 15" in text
    assert "    29 | x28 = 28\n    30 | x29 = 29\n       | ^" in text


def test_undocumented_functions_are_found_among_many(tmp_path):
    from nb2prod.lint.engine import lint_notebook
    from nb2prod.lint.registry import rule_class
    from nb2prod.reading.notebook import notebook_from_json
    from nb2prod.settings import LintSettings

    cell = "\n".join(
        f"def f{k}(x):\n    def inner():\n        pass\n    return x" for k in range(50)
    )
    notebook = notebook_from_json(nb(code(cell)), "nb.ipynb")
    found = lint_notebook(notebook, [rule_class("NB810")()], LintSettings())
    assert [finding.line for finding in found] == [1 + 4 * k for k in range(50)]
