"""The value a notebook ends by showing is its result.

A notebook whose last cell is `pd.get_dummies(df)` or `model.predict(X_new)` shows
what it computed; only a variable can leave a step. Before planning, that expression
gets a name, `result = pd.get_dummies(df)` followed by `result` (still displayed, so
still logged), and the last step returns it, as does `run()`, which also saves it in
the output folder when it is a table or an array. A preview (`df.head()`,
`df.describe()`), a plain variable, a metric or a call made for its effect is not a
result, and a call of the notebook's own function stays shown (its stored output makes
a golden test).
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.cell_rewrites import with_sources
from nb2prod.planning.naming import unique
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell
from nb2prod.reading.positions import split_lines

RESULT = "result"
#: Builtins a cell ends with to look at something, not to compute it.
_SHOWING = frozenset({"print", "display", "len", "type", "help", "dir", "repr"})
#: Methods and attributes that preview a value rather than compute one.
PREVIEWS = frozenset(
    {
        "head",
        "tail",
        "describe",
        "info",
        "sample",
        "shape",
        "dtypes",
        "columns",
        "index",
        "value_counts",
        "nunique",
        "isnull",
        "isna",
        "summary",
        "plot",
        "hist",
        "show",
        "count",
        "size",
        "keys",
    }
)


class NotebookResult(NamedTuple):
    notebook: Notebook
    name: str  # the variable holding the result (`result`, unless the notebook has one)


def bind_notebook_result(
    notebook: Notebook, parsed: tuple[ParsedCell, ...], facts: NotebookFacts
) -> NotebookResult | None:
    """The notebook with its final displayed value bound to `result`, or None."""
    from nb2prod.transforms.display_labels import METRIC_CALL

    code = [item for item in parsed if item.tree is not None and item.tree.body]
    if not code:
        return None
    item = code[-1]
    last = item.tree.body[-1]  # type: ignore[union-attr]
    shown = facts.cell(item.cell.index)
    if shown is None or shown.display_expression is None:
        return None  # `expr;` shows nothing
    if not isinstance(last, ast.Expr) or last.col_offset != 0:
        return None
    value = last.value
    if not _computes(value) or _called(value, METRIC_CALL.search):
        return None
    own = {function.name for cell in facts.cells for function in cell.functions}
    if _called(value, own.__contains__):
        return None  # `double(21)` shown with its output: a golden test instead
    end = last.end_lineno or last.lineno
    if any(
        fact.span.line <= end and last.lineno <= fact.span.end_line
        for fact in item.translation.syntax
    ):
        return None  # IPython syntax: its columns are not the source's
    taken = {n for c in facts.cells for n in (*c.defines, *c.reads)}
    name = unique(RESULT, taken)
    lines = [content + ending for content, ending in split_lines(item.cell.source)]
    first = lines[last.lineno - 1]
    lines[last.lineno - 1] = f"{name} = {first}"
    if not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    lines.insert(end, name)
    return NotebookResult(
        with_sources(notebook, {item.cell.index: "".join(lines)}), name
    )


def _computes(value: ast.expr) -> bool:
    """A call, subscript or operation that is not a preview or an effect."""
    from nb2prod.transforms.effect_calls import EFFECT_CALLS

    if not isinstance(value, (ast.Call, ast.Subscript, ast.BinOp)):
        return False
    if _called(value, _SHOWING.__contains__):
        return False
    return not _called(value, lambda name: name in PREVIEWS or name in EFFECT_CALLS)


def _called(value: ast.expr, test) -> bool:
    """Whether the outermost call or attribute of `value` has a name passing `test`."""
    node = value.func if isinstance(value, ast.Call) else value
    if isinstance(node, ast.Attribute):
        return bool(test(node.attr))
    if isinstance(node, ast.Name):
        return bool(test(node.id))
    return False
