"""Property tests: whatever a file or a cell holds, nb2prod answers without crashing."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from nb2prod.errors import Nb2ProdError
from nb2prod.magics import restore_source, translate_cell
from nb2prod.notebook import Notebook, notebook_from_json
from nb2prod.parsing import parse_cell
from nb2prod.testing import nb, notebook

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
    parsed = parse_cell(notebook(source).cells[0])
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
