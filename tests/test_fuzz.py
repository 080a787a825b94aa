"""Property-based fuzzing of the command line (issue 12): whatever a notebook file or a
cell holds, every command ends with exit code 0, 1 or 2 and one clear line, never a
traceback or an "internal error"; a package `convert` writes compiles.

In the default run the examples are few and derandomized (the same ones every time, so
CI is reproducible). `NB2PROD_FUZZ_EXAMPLES=500 python -m pytest tests/test_fuzz.py`
searches longer, with a new random seed each run.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nb2prod.cli import app
from nb2prod.testing import PYTHON_METADATA

_SEARCH = os.environ.get("NB2PROD_FUZZ_EXAMPLES")


def _fuzz(examples: int) -> settings:
    """`examples` derandomized examples, or a longer random search when asked."""
    return settings(
        max_examples=int(_SEARCH) if _SEARCH else examples,
        deadline=None,
        derandomize=not _SEARCH,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


_RUNNER = CliRunner()

#: JSON cannot hold these as numbers for Python (`int()` refuses 4,300+ digits), so the
#: documents carry a marker that is replaced in the file's text.
_HUGE = "__nb2prod_huge_number__"
_HUGE_DIGITS = "9" * 5000

# -- text ---------------------------------------------------------------------------

_ODD_CHARACTERS = st.sampled_from(
    ["\0", "\r", "\r\n", "\t", "\x0c", "\x0b", "\ufeff", "\u2028", "\x85", "\u200b",
     "\ud800", "\udcff", "é", "π", "😀", "\u202e", "\\", '"', "'", "#", "$", "{", "}"]
)  # fmt: skip
_TEXT = st.lists(
    st.text(max_size=6) | _ODD_CHARACTERS | st.sampled_from(["x = 1", "print(x)"]),
    max_size=6,
).map("".join)

# -- notebook JSON ------------------------------------------------------------------

_JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _TEXT
    | st.just(_HUGE)
)
_JSON = st.recursive(
    _JSON_LEAF,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(_TEXT, children, max_size=3),
    max_leaves=8,
)


def _field(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field's value: usually a plausible one, sometimes any JSON at all."""
    return st.one_of(value, value, _JSON)


_COUNT = st.none() | st.integers(-5, 10**30) | st.just(_HUGE) | st.floats()
_SOURCE = _TEXT | st.lists(_TEXT, max_size=4)
_OUTPUT = st.fixed_dictionaries(
    {},
    optional={
        "output_type": _field(
            st.sampled_from(
                ["stream", "execute_result", "display_data", "error", "pyout", "odd"]
            )
        ),
        "name": _field(st.sampled_from(["stdout", "stderr"])),
        "text": _field(_SOURCE),
        "data": _field(
            st.dictionaries(st.sampled_from(["text/plain", "a/b"]), _SOURCE | _JSON)
        ),
        "execution_count": _field(_COUNT),
        "ename": _field(_TEXT),
        "evalue": _field(_TEXT),
        "traceback": _field(st.lists(_TEXT, max_size=2)),
    },
)
_CELL = st.fixed_dictionaries(
    {},
    optional={
        "cell_type": _field(st.sampled_from(["code", "code", "markdown", "raw", "heading"])),
        "source": _field(_SOURCE),
        "execution_count": _field(_COUNT),
        "outputs": _field(st.lists(_field(_OUTPUT), max_size=2)),
        "metadata": _field(st.fixed_dictionaries({}, optional={"tags": _field(st.lists(_TEXT, max_size=2))})),
        "id": _field(_TEXT),
        "attachments": _field(st.dictionaries(_TEXT, _JSON, max_size=2)),
    },
)  # fmt: skip
_METADATA = st.fixed_dictionaries(
    {},
    optional={
        "kernelspec": _field(
            st.fixed_dictionaries(
                {},
                optional={
                    "name": _field(st.sampled_from(["python3", "ir", "julia-1.9"])),
                    "language": _field(st.sampled_from(["python", "R", "ipython"])),
                    "display_name": _field(_TEXT),
                },
            )
        ),
        "language_info": _field(st.fixed_dictionaries({"version": _field(_TEXT)})),
        "title": _field(_TEXT),
        "nb2prod": _field(st.fixed_dictionaries({"ignore": _field(st.lists(_TEXT))})),
    },
)
_DOCUMENT = st.fixed_dictionaries(
    {},
    optional={
        "nbformat": _field(st.sampled_from([4, 4, 3, 5, 4.0])),
        "nbformat_minor": _field(st.integers(0, 5) | st.just(_HUGE)),
        "metadata": _field(_METADATA),
        "cells": _field(st.lists(_field(_CELL), max_size=4)),
    },
)


@st.composite
def _notebook_files(draw: st.DrawFn) -> str:
    """The text of a file shaped like a notebook, with wrong types, missing keys, odd
    text, huge numbers, a BOM, nbformat 3 worksheets."""
    document = draw(_DOCUMENT)
    if document.get("nbformat") == 3 and draw(st.booleans()):
        document["worksheets"] = [{"cells": document.pop("cells", [])}]
    text = json.dumps(document, indent=draw(st.sampled_from([None, 1])))
    text = text.replace(f'"{_HUGE}"', _HUGE_DIGITS)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return draw(st.sampled_from(["", "\ufeff"])) + text


def _run(*args: str) -> tuple[int, str]:
    """Run `nb2prod ARGS` in-process; check that it ended well and return (code, stderr)."""
    result = _RUNNER.invoke(app, list(args), prog_name="nb2prod")
    stderr = result.stderr
    context = f"nb2prod {' '.join(args)} -> {result.exit_code}\n{stderr}"
    assert result.exception is None or isinstance(
        result.exception, SystemExit
    ), f"{context}\n{result.exception!r}"
    assert result.exit_code in (0, 1, 2), context
    assert "Traceback" not in stderr and "internal error" not in stderr, context
    return result.exit_code, stderr


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@_fuzz(30)
@given(text=_notebook_files())
def test_any_notebook_file_is_read_inspected_linted_and_planned_or_refused_clearly(
    text: str,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.ipynb"
        path.write_text(text, encoding="utf-8")
        for command in (
            ["inspect"],
            ["inspect", "--format", "json"],
            ["lint", "--no-cache", "--format", "json"],
            ["convert", "--dry-run"],
            ["convert", "--dry-run", "--format", "json"],
        ):
            code, stderr = _run(*command, str(path))
            if code == 2:
                assert stderr.startswith("error: ") or "\nerror: " in stderr, stderr


# -- cell source --------------------------------------------------------------------

_TOKENS = st.sampled_from(
    ["x", "y", "df", "données", "π", "_", "print", "f", "1", "0x1F", "2.5", "'s'",
     '"""d"""', "f'{x}'", "b'\\x00'", "=", "+", "-", "*", "**", "/", "%", "==", ":",
     ",", ".", ";", "(", ")", "[", "]", "{", "}", "lambda", "if", "else", "for", "in",
     "def", "class", "return", "yield", "await", "async", "with", "as", "import",
     "from", "global", "nonlocal", "del", "not", "and", "or", "None", "#", " ", "  ",
     "\n", "\n    ", "\t", "\r\n", "\\\n", "\x0c"]
)  # fmt: skip
_IPYTHON = st.sampled_from(
    ["%time ", "%%time\n", "%%capture out\n", "%matplotlib inline", "!ls", "!!ls",
     "x = !ls", "y = %who_ls", "df?", "??df", "%env K=v", "%pip install pandas",
     "%%writefile f.txt\n", "%%bash\n", "/f a", ",f a b", "$x", "{y}", "cd data",
     "await asyncio.sleep(0)", "async with a as b:\n    pass", "res = %time f()",
     "xs = [i async for i in g()]", "%%timeit\n", "%load_ext autoreload"]
)  # fmt: skip
_STATEMENTS = st.sampled_from(
    ["import asyncio", "x = 1", "def f(a, b=2):\n    return a + b", "y = f(x)",
     "print(y)", "class C:\n    z = 3", "for i in range(2):\n    x += i",
     "async def g():\n    yield 1", "xs = [i for i in range(3)]", "df = None", "y",
     "try:\n    import numpy as np\nexcept ImportError:\n    np = None",
     "with open('a.txt') as h:\n    text = h.read()", "LIMIT = 10", "del x"]
)  # fmt: skip
_NOISE = st.one_of(
    st.lists(_TOKENS, max_size=10).map(" ".join),
    st.lists(_TOKENS, max_size=8).map("".join),
    st.text(max_size=8),
    _ODD_CHARACTERS,
)
#: Mostly cells that parse, so that many examples reach a written package.
_CELL_SOURCE = st.one_of(
    st.lists(_STATEMENTS | _IPYTHON, max_size=6),
    st.lists(_STATEMENTS | _IPYTHON, max_size=6),
    st.lists(_STATEMENTS | _IPYTHON | _NOISE, max_size=6),
).map("\n".join)


@st.composite
def _fuzzed_notebooks(draw: st.DrawFn) -> dict[str, Any]:
    sources = draw(st.lists(_CELL_SOURCE, min_size=1, max_size=3))
    cells: list[dict[str, Any]] = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Fuzz\n## Part"}
    ]
    for number, source in enumerate(sources, start=1):
        cells.append(
            {"cell_type": "code", "execution_count": number, "metadata": {},
             "outputs": [], "source": source}
        )  # fmt: skip
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": PYTHON_METADATA,
        "cells": cells,
    }


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@_fuzz(12)  # each converts: about 0.4 s
@given(document=_fuzzed_notebooks())
def test_any_cell_source_ends_well_and_a_converted_package_compiles(
    document: dict[str, Any],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.ipynb"
        path.write_text(json.dumps(document), encoding="utf-8")
        for command in (
            ["inspect"],
            ["inspect", "--format", "json"],
            ["lint", "--no-cache"],
            ["convert", "--dry-run", "--format", "json"],
        ):
            _run(*command, str(path))
        target = Path(folder) / "package"
        code, _ = _run("convert", str(path), "-o", str(target))
        if code != 0:
            return
        modules = sorted(target.rglob("*.py"))
        assert modules
        for module in modules:
            source = module.read_text(encoding="utf-8")
            compile(source, str(module), "exec", dont_inherit=True)
