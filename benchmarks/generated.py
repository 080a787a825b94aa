"""Generated notebooks of a chosen size, for the scaling benchmark.

`big_cell(size)` is one code cell of about `size` bytes of ordinary notebook code
(imports, constants, assignments, calls, prints, f-strings, comments, functions with
docstrings, a comprehension, a small literal list) and, in a fixed share of the
bytes, the kind of data people paste into a cell: a long literal list of records.
`many_cells(count)` is `count` small code cells of the same kinds of statements, with a
markdown heading every ten cells. Both are nbformat 4 documents (JSON-ready dicts) that
nb2prod converts and lints without errors; sizes are deterministic.
"""

from __future__ import annotations

from typing import Any

from nb2prod.testing import PYTHON_METADATA, code, md

#: The share of a big cell's bytes that is pasted data (a literal list of records).
DATA_SHARE = 0.5

_HEADER = '''\
import math
from collections import Counter

RATE = 0.25
OFFSET = 3
DATA_PATH = "data/batches"


def load_batch(name, limit=10):
    """Stand-in for reading a file: numbers derived from the name."""
    return [len(name) * k % 7 for k in range(limit)]
'''

_BLOCK = '''\
# batch {i}: load, score and summarise
batch_{i} = load_batch(f"{{DATA_PATH}}/part_{i}.csv", limit={limit})
total_{i} = sum(x * RATE for x in batch_{i})
print(f"batch {i}:", round(total_{i}, 2), len(batch_{i}))


def score_{i}(row, weight={i}):
    """Score one row of batch {i}."""
    return math.sqrt(row * weight + OFFSET)


scores_{i} = [score_{i}(row) for row in batch_{i}]
summary_{i} = {{"name": "batch_{i}", "best": max(scores_{i}), "rows": len(scores_{i})}}
counts_{i} = Counter(batch_{i}).most_common(3)
thresholds_{i} = [0.1, 0.25, 0.5, 0.75, 0.9]
print("summary", summary_{i}["best"], counts_{i})
'''

_RECORD = (
    "    {{'id': {k}, 'name': 'item {k}', 'price': {k}.25, 'tags': ['a', 'b']}},\n"
)

_SMALL_CELLS = (  # one group of five cells; `{g}` numbers the group
    "value_{g} = load_batch(f'part_{g}', limit=5)\nprint('value', {g}, value_{g})",
    "def double_{g}(x):\n    return 2 * x + OFFSET\n\n\nresult_{g} = double_{g}(len(value_{g}))",
    "# a comment about group {g}\nmean_{g} = sum(value_{g}) / max(len(value_{g}), 1)",
    "print(f'mean {g}: {{mean_{g}:.2f}}', result_{g})",
    "items_{g} = [x * RATE for x in value_{g}]\nlabel_{g} = 'group {g}'",
)


def big_cell(size: int, data_share: float = DATA_SHARE) -> dict[str, Any]:
    """A notebook of one code cell of about `size` bytes: code, then pasted data
    (`data_share` of the bytes)."""
    code_size = int(size * (1 - data_share))
    parts = [_HEADER]
    length, i = len(_HEADER), 0
    while length < code_size:
        block = "\n\n" + _BLOCK.format(i=i, limit=5 + i % 20)
        parts.append(block)
        length, i = length + len(block), i + 1
    parts.append("\n\nRECORDS = [\n")
    k = 0
    while length < size:
        record = _RECORD.format(k=k)
        parts.append(record)
        length, k = length + len(record), k + 1
    parts.append("]\nprint(len(RECORDS), 'records')\n")
    return _document([code("".join(parts))])


def many_cells(count: int) -> dict[str, Any]:
    """A notebook of `count` small code cells (and a heading every ten cells)."""
    cells = [code(_HEADER)]
    for i in range(count):
        if i % 10 == 0:
            cells.append(md(f"## Part {i // 10}\n\nWhat part {i // 10} does."))
        template = _SMALL_CELLS[i % len(_SMALL_CELLS)]
        source = template.format(g=i // len(_SMALL_CELLS))
        cells.append(code(source))
    return _document(cells)


def _document(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": dict(PYTHON_METADATA),
        "cells": cells,
    }
