"""The logical-line scanner: strings, brackets and continuations decide where lines end."""

from __future__ import annotations

import pytest

from nb2prod.reading.logical_lines import scan_logical_line


@pytest.mark.parametrize(
    ("source", "last"),
    [
        ("x = 1\ny = 2", 0),
        ("x = (1,\n     2)\ny", 1),
        ("x = [\n  {'a': (1,\n 2)},\n]\n", 3),
        ("s = '''\n)\n'''\nz", 2),
        ('s = """a\n\\"""\n"""\nz', 2),
        ("x = 1 + \\\n    2\ny", 1),
        ("x = ')'  # (\ny", 0),
        ("x = 'it\\'s'\ny", 0),
        ("s = 'abc\\\ndef'\ny", 1),
        ("x = (1,\n# )\n2)", 2),
        ("x = (1,", 0),
    ],
)
def test_logical_line_end(source, last):
    assert scan_logical_line(source.split("\n"), 0).last == last


@pytest.mark.parametrize(
    ("line", "assign"),
    [
        ("x = 1", (0, 2)),
        ("x == 1", None),
        ("x += 1", None),
        ("f(a=1)", None),
        ("x: int = 1", (0, 7)),
        ("a != b", None),
        ("d['k'] = v", (0, 7)),
        ("x <= y", None),
        ("(y := 2)", None),
        ("s = 'a = b'", (0, 2)),
    ],
)
def test_first_assignment_at_depth_zero(line, assign):
    assert scan_logical_line([line], 0).assign == assign


@pytest.mark.parametrize(
    ("line", "question"),
    [
        ("df?", True),
        ("df ?  ", True),
        ("x = '?'", False),
        ("x = 1  # why?", False),
        ("x = f(\n a)?", True),
        ("x = '''?\n'''", False),
    ],
)
def test_trailing_question_mark(line, question):
    lines = line.split("\n")
    assert scan_logical_line(lines, 0).ends_with_question is question
