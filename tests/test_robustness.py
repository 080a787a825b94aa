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
