"""Whatever a file or a cell holds, nb2prod answers without crashing (issue 12):
property tests of the core, and each class of odd input through the command line
(lone surrogates, huge numbers, deep nesting, code only the compiler refuses, odd
JSON, top-level `await`). CLI-wide fuzzing is in test_fuzz.py.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nb2prod.errors import Nb2ProdError
from nb2prod.reading.magics import restore_source, translate_cell
from nb2prod.reading.notebook import Cell, CellKind, Notebook, notebook_from_json
from nb2prod.reading.parsing import parse_cell
from nb2prod.testing import code, md, nb, notebook, result, stream, write_nb

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)

_CELL_KEYS = st.fixed_dictionaries(
    {},
    optional={
        "cell_type": st.sampled_from(["code", "markdown", "raw", "heading"]) | _JSON,
        "source": st.text(max_size=20)
        | st.lists(st.text(max_size=8), max_size=3)
        | _JSON,
        "execution_count": st.integers() | st.none() | _JSON,
        "outputs": st.lists(_JSON, max_size=3) | _JSON,
        "metadata": st.dictionaries(st.sampled_from(["tags", "x"]), _JSON) | _JSON,
        "id": _JSON,
        "attachments": _JSON,
    },
)


@settings(max_examples=300, deadline=None)
@given(
    major=st.sampled_from([4, 3, 5]) | _JSON,
    cells=st.lists(_CELL_KEYS, max_size=4) | _JSON,
    metadata=_JSON,
)
@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_any_json_document_is_read_or_rejected_with_a_clear_error(
    major, cells, metadata
):
    document = {
        "nbformat": major,
        "nbformat_minor": 0,
        "cells": cells,
        "metadata": metadata,
    }
    if major == 3:
        document["worksheets"] = (
            [{"cells": cells}] if isinstance(cells, list) else cells
        )
    try:
        result = notebook_from_json(json.loads(json.dumps(document)), "fuzz.ipynb")
    except Nb2ProdError as error:
        assert error.error_line().startswith("error: fuzz.ipynb")
        assert "\n" not in error.error_line()
    else:
        assert isinstance(result, Notebook)


_CELL_TEXT = st.text(
    alphabet=st.sampled_from(list("abx =()[]{}'\"\\#?!%;,/$:.\n\r\t "))
    | st.characters(),
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(source=_CELL_TEXT)
def test_any_cell_text_translates_round_trips_and_parses_or_reports(source):
    translated = translate_cell(source)
    assert restore_source(translated.python, translated.syntax) == source
    parsed = parse_cell(Cell(0, CellKind.CODE, source))  # a lone surrogate too
    assert parsed.parsed or parsed.problem is not None


def test_fuzzing_helpers_build_valid_documents():
    assert notebook_from_json(nb("x = 1")).cells[0].source == "x = 1"


_FRAGMENTS = st.sampled_from(
    [
        "x = 1", "def f(a, *b, c=1, **d):", "    return a", "class C(B):", "    y = x",
        "for i in range(3):", "    total += i", "with open(p) as h:", "    pass",
        "try:", "except ImportError as e:", "lambda q: q + w", "[k for k in v if k]",
        "global g", "nonlocal n", "del x", "print(x)", "!ls", "%time y = 2", "async def g():",
        "    await h()", "match s:", "    case [a, *r]:", "        pass", "(z := 3)",
        "df['a'] = 1", "model.fit(X)", "import numpy as np", "from m import *",
        "np.random.seed(0)", "password = 'hunter22'", "if x:", "else:", "@dec", "yield x",
        "return 1", "f'{a!r}'", "x: int", "x.y.z = w", "    ", "",
    ]
)  # fmt: skip


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@settings(max_examples=400, deadline=None)
@given(lines=st.lists(_FRAGMENTS, max_size=10), extra=st.lists(_FRAGMENTS, max_size=3))
def test_analysis_of_any_generated_notebook_never_raises(lines, extra):
    from nb2prod.analysis import analyze_notebook

    facts = analyze_notebook(notebook("\n".join(lines), "\n".join(extra)))
    assert len(facts.cells) == 2
    assert len(facts.dataflow.cells) == 2


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    source=st.sampled_from(
        [
            "def f(x):\n    return [y * x for y in ys if y > t]\nz = f(2)",
            "class A(B):\n    n = 1\n    def m(self):\n        return n + k\n",
            "for i, (a, b) in enumerate(pairs):\n    total[a] += b\n",
            "with open(p) as h, lock:\n    data = h.read()\n",
        ]
    ),
)
def test_analysis_of_mutated_cells_never_raises(data, source):
    from nb2prod.analysis import analyze_notebook

    position = data.draw(st.integers(0, len(source)))
    insert = data.draw(
        st.sampled_from(["", ":", "(", ")", "=", " lambda: ", "\n    ", "*"])
    )
    cut = data.draw(st.integers(0, 3))
    mutated = source[:position] + insert + source[position + cut :]
    facts = analyze_notebook(notebook(mutated))
    assert facts.cells[0].index == 0


# -- every input ends well, through the command line (issue 12) ----------------------

#: What the fast matrix runs on each odd notebook (convert itself in the tests below).
_COMMANDS = (
    ("inspect",),
    ("inspect", "--format", "json"),
    ("lint", "--no-cache"),
    ("convert", "--dry-run", "--format", "json"),
)


def _ends_well(ran) -> None:
    """Exit 0, 1 or 2; no traceback, no internal error; an error is one line."""
    stderr = ran.stderr
    assert ran.exit_code in (0, 1, 2), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if ran.exit_code == 2:
        errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
        assert errors, stderr


def _each_command(run_cli, path: Path) -> dict[str, object]:
    results = {}
    for command in _COMMANDS:
        ran = run_cli(*command, str(path))
        _ends_well(ran)
        results[" ".join(command)] = ran
    return results


def _huge(document: dict, marker: str = '"HUGE"') -> str:
    """The document's JSON with `"HUGE"` replaced by a 5,000-digit integer."""
    return json.dumps(document).replace(marker, "9" * 5000)


_ODD_DOCUMENTS = {
    "null-source": nb(code("x = 1"), {"cell_type": "code", "source": None}),
    "source-list-of-numbers": nb({"cell_type": "code", "source": ["x = 1\n", 2]}),
    "missing-keys": nb({"cell_type": "code"}, {"source": "y = 2"}, {}),
    "huge-and-negative-counts": nb(code("x = 1", count=10**30), code("y = 2", count=-4)),
    "float-count": nb({**code("x = 1"), "execution_count": 1.5}),
    "unknown-outputs": nb(
        code("x", outputs=[{"output_type": "odd", "foo": 1}, {"no": "type"}, 5, None])
    ),
    "attachments": nb(
        {**md("![a](attachment:a.png)"), "attachments": {"a.png": {"image/png": "iV"}}},
        {**md("odd"), "attachments": ["not", "a", "dict"]},
    ),
    "non-dict-metadata": {**nb({**code("x = 1"), "metadata": [1]}), "metadata": "x"},
    "cells-with-ids": nb({**code("x = 1"), "id": "a"}, {**code("y = x"), "id": 7}),
    "nbformat-3": {
        "nbformat": 3, "nbformat_minor": 0, "metadata": {},
        "worksheets": [{"cells": [
            {"cell_type": "code", "input": "x = 1\nprint(x)", "outputs": [
                {"output_type": "pyout", "prompt_number": 1, "text": "1"}]},
            {"cell_type": "heading", "level": 1, "source": "Title"},
        ]}],
    },
    "nbformat-3-malformed": {
        "nbformat": 3, "nbformat_minor": 1e400, "metadata": {},
        "worksheets": [{"cells": [1, {"cell_type": "code", "input": None}]}],
    },
    "nbformat-as-float": {**nb("x = 1"), "nbformat": 4.0},
    "crlf": nb(code("x = 1\r\nif x:\r\n    print(x)\r\n"), md("# T\r\n")),
    "cr-only": nb(code("x = 1\r%time y = 2\r")),
    "nul": nb(code("x = 1\x00\ny = 2"), md("a\x00b")),
    "tabs-and-form-feeds": nb(code("if x:\n\ty = 1\n\x0c\nz = 2\n"), code("\x0cw = 3")),
    "very-long-line": nb(code("x = '" + "a" * 200_000 + "'\nprint(len(x))")),
    "deep-indentation": nb(
        code("".join(" " * i + "if x:\n" for i in range(98)) + " " * 98 + "pass\n")
    ),
    "unicode-identifiers": nb(code("données = 1\nπ = 3.14\nprint(données + π)")),
    "string-only-cell": nb(code("'just a string'"), code('"""a\nb"""')),
    "unicode-line-separators": nb(code("x = 1\u2028y = 2\x85z = 3")),
}  # fmt: skip


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@pytest.mark.parametrize("name", sorted(_ODD_DOCUMENTS))
def test_odd_notebook_json_ends_well_in_every_command(run_cli, tmp_path, name):
    path = write_nb(tmp_path / "odd.ipynb", _ODD_DOCUMENTS[name])
    _each_command(run_cli, path)


def test_a_byte_order_mark_is_read(run_cli, tmp_path):
    path = write_nb(tmp_path / "bom.ipynb", "\ufeff" + json.dumps(nb("x = 1")))
    results = _each_command(run_cli, path)
    assert all(ran.exit_code in (0, 1) for ran in results.values())


# -- lone surrogates ------------------------------------------------------------------

_SURROGATE = "\ud800"


@pytest.mark.parametrize(
    ("document", "where"),
    [
        pytest.param(
            nb(md("# T"), code(f"x = 1\ny = 'a{_SURROGATE}'")),
            "cell 2, line 2, column 7: not Unicode text: a lone surrogate \\ud800 "
            "in the source",
            id="code",
        ),
        pytest.param(
            nb(md(f"# T{_SURROGATE}"), "x = 1"),
            "cell 1, line 1, column 4: not Unicode text: a lone surrogate \\ud800 "
            "in the source",
            id="markdown",
        ),
        pytest.param(
            nb(code("print(1)", outputs=[stream("a\udcffb")])),
            "cell 1: not Unicode text: a lone surrogate \\udcff in an output",
            id="stream-output",
        ),
        pytest.param(
            nb(code("x", outputs=[result(f"'{_SURROGATE}'", 1)])),
            "cell 1: not Unicode text: a lone surrogate \\ud800 in an output",
            id="displayed-value",
        ),
        pytest.param(
            nb(code("x = 1", tags=[f"t{_SURROGATE}"])),
            "cell 1: not Unicode text: a lone surrogate \\ud800 in the cell's metadata",
            id="tag",
        ),
        pytest.param(
            nb("x = 1", metadata={"title": f"t{_SURROGATE}"}),
            "not Unicode text: a lone surrogate \\ud800 in the notebook metadata "
            "(the title)",
            id="title",
        ),
        pytest.param(
            nb("x = 1", metadata={"kernelspec": {"display_name": f"R{_SURROGATE}",
                                                 "language": "R"}}),
            "not Unicode text: a lone surrogate \\ud800 in the notebook metadata "
            "(the kernel's display name)",
            id="kernel-name-before-the-unsupported-kernel-message",
        ),
    ],
)  # fmt: skip
def test_lone_surrogate_anywhere_is_one_error_line_in_every_command(
    run_cli, tmp_path, document, where
):
    path = write_nb(tmp_path / "odd.ipynb", json.dumps(document))  # as \ud800 escape
    expected = (
        f"error: {path}: {where}; the file spells it as a JSON escape that Jupyter "
        "cannot save; replace it\n"
    )
    for command, ran in _each_command(run_cli, path).items():
        assert (ran.exit_code, ran.stderr) == (2, expected), command
        assert _SURROGATE not in ran.stdout
    converted = run_cli("convert", str(path), "-o", str(tmp_path / "pkg"))
    assert (converted.exit_code, converted.stderr) == (2, expected)
    assert not (tmp_path / "pkg").exists()


# -- huge numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(_huge(nb(code("x = 1", count="HUGE"))), id="execution-count"),
        pytest.param(_huge(nb("x = 1", metadata={"n": "HUGE"})), id="metadata"),
        pytest.param(
            _huge({**nb("x = 1"), "nbformat_minor": "HUGE"}), id="nbformat-minor"
        ),
        pytest.param(
            _huge(nb(code("x", outputs=[{**result("1", 1), "data": {
                "application/json": {"n": "HUGE"}, "text/plain": "1"}}]))),
            id="output-data",
        ),
    ],
)  # fmt: skip
@pytest.mark.slow  # starts an interpreter
def test_integer_of_more_digits_than_python_reads_is_handled(
    run_cli, tmp_path, document
):
    path = write_nb(tmp_path / "huge.ipynb", document)
    for command, ran in _each_command(run_cli, path).items():
        assert ran.exit_code in (0, 1), (command, ran.stderr)
    inspected = json.loads(run_cli("inspect", "--format", "json", str(path)).stdout)
    # what JavaScript, and so Jupyter, reads too: a number too large to be a count
    assert inspected["cells"][0]["execution_count"] is None


def test_huge_nbformat_version_is_one_error_line(run_cli, tmp_path):
    path = write_nb(tmp_path / "huge.ipynb", _huge({**nb("x = 1"), "nbformat": "HUGE"}))
    ran = run_cli("inspect", str(path))
    assert (ran.exit_code, ran.stderr) == (
        2,
        f'error: {path}: not a notebook: "nbformat" is a number, not a whole number\n',
    )


def test_integer_literal_too_long_to_print_is_a_cell_error(run_cli, tmp_path):
    path = write_nb(
        tmp_path / "hex.ipynb", nb("x = 1", "KEY = 0x" + "f" * 4000 + "\nprint(KEY)")
    )
    results = _each_command(run_cli, path)
    problem = (
        "cell 2, line 1, column 7: an integer literal of more than 4300 digits, which "
        "Python cannot turn into text; compute it or store it as a string"
    )
    assert results["inspect"].stderr == f"error: {path}: {problem}\n"
    assert results["convert --dry-run --format json"].stderr == (
        f"error: {path}: {problem}\n"
    )
    assert "NB001" in results["lint --no-cache"].stdout


# -- code Python's compiler refuses although its parser accepts it --------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1\nreturn x", "line 2, column 1: 'return' outside function"),
        ("yield 1", "line 1, column 1: 'yield' outside function"),
        ("break", "line 1, column 1: 'break' outside loop"),
        ("nonlocal x", "line 1, column 1: nonlocal declaration not allowed at module level"),
        ("def f():\n    await g()", "line 2, column 5: 'await' outside async function"),
        ("class C:\n    v = await g()", "line 2, column 9: 'await' outside function"),
        ("f = lambda: await g()", "line 1, column 13: 'await' outside async function"),
        ("def f(a, a):\n    pass", "line 1, column 10: duplicate argument 'a' in function definition"),
    ],
)  # fmt: skip
def test_code_only_the_compiler_refuses_is_a_cell_error(
    run_cli, tmp_path, source, message
):
    path = write_nb(tmp_path / "bad.ipynb", nb(md("# T"), source))
    results = _each_command(run_cli, path)
    assert results["inspect"].exit_code == 1  # reported, the other cells inspected
    assert results["inspect"].stderr == f"error: {path}: cell 2, {message}\n"
    converted = run_cli("convert", str(path), "-o", str(tmp_path / "pkg"))
    assert (converted.exit_code, converted.stderr) == (
        2,
        f"error: {path}: cell 2, {message}\n",
    )


def test_compile_check_stays_linear_on_a_cell_of_many_functions():
    many = "\n".join(f"def f{i}(a):\n    return a + {i}\n" for i in range(3000))
    parsed = parse_cell(Cell(0, CellKind.CODE, many))
    assert parsed.parsed  # one compile() of 3,000 functions would take seconds


# -- deep nesting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line"),
    [
        pytest.param("y = 0\nx = " + " + ".join(["y"] * 700) + "\nprint(x)", 2, id="700-terms"),
        pytest.param("x = " + " and ".join(["True"] * 1200) + "\nprint(x)", 1, id="1200-ands"),
        pytest.param(
            "x = 1\nif x == 0:\n    y = 0\n"
            + "".join(f"elif x == {i}:\n    y = {i}\n" for i in range(1, 700))
            + "print(y)",
            2, id="700-elifs",
        ),
    ],
)  # fmt: skip
@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_code_nested_deeper_than_conversion_follows_is_a_cell_error(
    run_cli, tmp_path, source, line
):
    path = write_nb(tmp_path / "deep.ipynb", nb(md("# T"), "z = 1", source))
    results = _each_command(run_cli, path)
    assert results["inspect"].exit_code == 0
    assert results["lint --no-cache"].exit_code == 1
    dry_run = results["convert --dry-run --format json"]
    assert dry_run.exit_code == 2
    assert dry_run.stderr.startswith(
        f"error: {path}: cell 3, line {line}: nested too deeply to convert (a syntax "
        "tree "
    )
    assert dry_run.stderr.count("\n") == 1
    converted = run_cli("convert", str(path), "-o", str(tmp_path / "pkg"))
    assert (converted.exit_code, converted.stderr) == (2, dry_run.stderr)


def test_the_150_level_literal_converts_or_is_one_error_line(run_cli, tmp_path):
    # issue 12's example: libcst and black follow it today; were they to stop, the
    # error must still be the one line with the cell and line
    source = "x = " + "[" * 150 + "]" * 150 + "\nprint(x)"
    path = write_nb(tmp_path / "deep.ipynb", nb(md("# T"), source))
    converted = run_cli("convert", str(path), "-o", str(tmp_path / "pkg"))
    _ends_well(converted)
    if converted.exit_code == 0:
        for module in (tmp_path / "pkg").rglob("*.py"):
            compile(module.read_text(encoding="utf-8"), str(module), "exec")
    else:
        assert converted.stderr.startswith(
            f"error: {path}: cell 2, line 1: nested too deeply to convert"
        )


@pytest.mark.slow  # starts an interpreter
def test_nesting_python_itself_refuses_is_a_cell_error(run_cli, tmp_path):
    path = write_nb(tmp_path / "deep.ipynb", nb("x = " + "-" * 3000 + "1"))
    ran = run_cli("inspect", str(path))
    assert ran.stderr == (
        f"error: {path}: cell 1, line 1, column 1: too deeply nested to parse "
        "(Python's own parser gives up on it too)\n"
    )


# -- top-level await converts -----------------------------------------------------------

_ASYNC_NOTEBOOK = nb(
    md("# Async study"),
    "import asyncio\n\nasync def fetch(i):\n    await asyncio.sleep(0)\n    return i * 2\n\n"
    "async def numbers(n):\n    for i in range(n):\n        yield i\n\n"
    "class Session:\n    async def __aenter__(self):\n        return self\n\n"
    "    async def __aexit__(self, *exc):\n        return False\n",
    md("## Load"),
    "values = [await fetch(i) for i in range(3)]\nres = await fetch(10)\n"
    "print(values, res)",
    md("## Sum"),
    "total = 0\nasync for v in numbers(4):\n    total += v\n"
    "async with Session():\n    late = [x async for x in numbers(3)]\n"
    "print(total + res, late)\nvalues = values + [total]",
    md("## Report"),
    "print(sum(values))",
)


def _ruff() -> str:
    return shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")


@pytest.mark.slow  # starts an interpreter
def test_top_level_await_converts_to_a_step_that_runs_its_event_loop(run_cli, tmp_path):
    path = write_nb(tmp_path / "study.ipynb", _ASYNC_NOTEBOOK)
    plan = json.loads(
        run_cli("convert", "--dry-run", "--format", "json", str(path)).stdout
    )
    awaits = [d for d in plan["plan"]["decisions"] if "await" in d["text"]]
    assert awaits and {d["action"] for d in awaits} == {"translated"}
    assert not [w for w in plan["plan"]["warnings"] if "await" in w["message"]]
    converted = run_cli("convert", str(path), "-o", str(tmp_path / "pkg"))
    assert (converted.exit_code, converted.stderr) == (0, "")
    source = tmp_path / "pkg" / "src" / "study"
    load = (source / "load.py").read_text(encoding="utf-8")
    assert "    async def load_async():\n" in load
    assert "        values = [await fetch(i) for i in range(3)]\n" in load
    assert "    return asyncio.run(load_async())\n" in load
    ruff = subprocess.run(
        [_ruff(), "check", "--select", "E9,F", "--no-cache", "--isolated", str(source)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ruff.returncode == 0, ruff.stdout
    ran = subprocess.run(
        [sys.executable, "-m", "study"], cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "pkg" / "src"), "PATH": ""},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    logged = [line.split(": ", 1)[1] for line in ran.stderr.splitlines()]
    assert logged == ["[0, 2, 4] 20", "26 [0, 1, 2]", "12"]


def test_awaited_call_of_a_function_setting_a_global_assigns_its_result(tmp_path):
    from nb2prod.convert import convert_notebook

    document = nb(
        "import asyncio\n\nasync def setup():\n    global CFG\n    CFG = {'n': 1}\n",
        "await setup()\nprint(CFG)",
    )
    package = convert_notebook(notebook_from_json(document, "s.ipynb")).package
    code_text = "".join(
        text for name, text in package.items() if name.startswith("src/")
    )
    assert "CFG = await setup()" in code_text
    for name, text in package.items():
        if name.endswith(".py"):
            compile(text, name, "exec")


def test_await_in_a_definition_header_is_one_error_line(run_cli, tmp_path):
    path = write_nb(
        tmp_path / "deco.ipynb",
        nb(
            "import asyncio",
            "@register(await connect())\ndef handler(x):\n    return x",
        ),
    )
    converted = run_cli("convert", str(path), "-o", str(tmp_path / "pkg"))
    assert (converted.exit_code, converted.stderr) == (
        2,
        f"error: {path}: cell 2, line 1: `handler` awaits in its decorators or defaults, "
        "which run where it is defined; nb2prod moves definitions to module level, where "
        "nothing can await: await the value in a statement before the definition\n",
    )


@pytest.mark.slow
def test_verify_proves_the_converted_awaiting_notebook(run_cli, tmp_path):
    pytest.importorskip("nbclient")
    path = write_nb(tmp_path / "study.ipynb", _ASYNC_NOTEBOOK)
    assert run_cli("convert", str(path), "-o", str(tmp_path / "pkg")).exit_code == 0
    verified = run_cli("verify", str(path), str(tmp_path / "pkg"), "--format", "json")
    assert verified.exit_code == 0, verified.stdout + verified.stderr


@pytest.mark.slow  # starts an interpreter
def test_future_import_in_the_middle_of_a_cell_is_python_as_in_ipython(
    run_cli, tmp_path
):
    # IPython compiles a cell statement by statement (corpus: keras-tutorial 3.2)
    source = "import os\nfrom __future__ import print_function\nprint(os.sep)"
    path = write_nb(tmp_path / "future.ipynb", nb(md("# T"), source))
    assert run_cli("inspect", str(path)).exit_code == 0
    converted = run_cli("convert", str(path), "-o", str(tmp_path / "pkg"))
    assert (converted.exit_code, converted.stderr) == (0, "")


# -- notebook text inside generated docstrings ----------------------------------------


@pytest.mark.parametrize(
    "title", ['x"""y', 'ends with a quote"', "C:\\new\\N{x}\\u12", "nul\0byte"]
)
@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_titles_and_headings_of_any_text_give_docstrings_that_compile(tmp_path, title):
    from nb2prod.convert import convert_notebook

    document = nb(
        md(f"# {title}\n## {title}"), "x = 1\nprint(x)", md(f"## {title}"), "y = x"
    )
    document["metadata"]["title"] = title
    package = convert_notebook(notebook_from_json(document, "t.ipynb")).package
    init = next(text for name, text in package.items() if name.endswith("__init__.py"))
    assert ast.get_docstring(ast.parse(init), clean=False).startswith(title + "\n")
    for name, text in package.items():
        if name.endswith(".py"):
            compile(text, name, "exec")
