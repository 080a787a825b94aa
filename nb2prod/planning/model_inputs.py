"""What the model's inputs went through between the notebook's table and `fit`.

The notebook scales, encodes or vectorises its rows with fitted transformers
(`X_s = scaler.fit_transform(X)`, `X_test_s = scaler.transform(X_test)`) and fits the
model on the result. Saved alone, the model would need the caller to repeat those
steps; saved behind them (an sklearn Pipeline) it predicts from the rows the notebook
started from. This module follows the training data (and the data the notebook
predicts on) back through notebook-level assignments whose value is a transformer's
output, and stops at the first value computed any other way: only a chain that is
certain becomes the pipeline.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from nb2prod.planning.statements import Position, Statements
from nb2prod.reading.parsing import ParsedCell

#: Methods whose result is the transformer's output for their first argument.
_TRANSFORMING = frozenset({"transform", "fit_transform"})


class InputChain(NamedTuple):
    """Transformers applied in order to the rows held by `rows` (read at `read_at`)."""

    steps: tuple[str, ...]
    rows: str
    read_at: Position


def trace_inputs(
    data: ast.expr, before: Position, statements: Statements, transformers: set[str]
) -> InputChain | None:
    """The transformers `data` went through (read just before `before`), back to the
    first value not computed by one; None when `data` is neither a name nor a
    transformer's output."""
    steps: list[str] = []
    expression, position = data, before
    while True:
        if isinstance(expression, ast.Call):
            applied = _transformed(expression, transformers)
            if applied is None:
                return None
            steps.append(applied[0])
            expression = applied[1]
            continue
        if not isinstance(expression, ast.Name):
            return None
        binding = statements.last_binding(expression.id, position)
        if binding is None or not _assigns_transformed(binding[1], transformers):
            return InputChain(tuple(reversed(steps)), expression.id, position)
        position = binding[0]
        expression = binding[1].value  # type: ignore[attr-defined]


def _assigns_transformed(node: ast.stmt, transformers: set[str]) -> bool:
    """`name = transformer.transform(...)`: one plain name bound to a transformer's output."""
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Call)
        and _transformed(node.value, transformers) is not None
    )


def _transformed(call: ast.Call, transformers: set[str]) -> tuple[str, ast.expr] | None:
    """(transformer, its input) for `t.transform(x)`, `t.fit_transform(x)` and
    `t.fit(x).transform(x)` with `t` one of `transformers`."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute) and func.attr in _TRANSFORMING and call.args
    ):
        return None
    receiver = func.value
    if (
        isinstance(receiver, ast.Call)
        and isinstance(receiver.func, ast.Attribute)
        and receiver.func.attr == "fit"
    ):
        receiver = receiver.func.value
    if isinstance(receiver, ast.Name) and receiver.id in transformers:
        return receiver.id, call.args[0]
    return None


class Predictions(NamedTuple):
    """`name = model.predict(rows ...)`: what the notebook predicted, and from what."""

    name: str
    chain: InputChain


def last_predictions(
    cells: dict[int, ParsedCell],
    model: str,
    statements: Statements,
    transformers: set[str],
) -> Predictions | None:
    """The notebook's last `name = model.predict(data)` at the top of a cell, with the
    transformers `data` went through; None when there is none or when `name`, the
    rows or the model are bound again afterwards (`run()` would not hand back the
    values the prediction used)."""
    found: tuple[Position, ast.Assign] | None = None
    for index in sorted(cells):
        tree = cells[index].tree
        for node in tree.body if tree is not None else []:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr == "predict"
                and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == model
                and len(node.value.args) == 1
                and not node.value.keywords
            ):
                found = ((index, node.lineno), node)
    if found is None:
        return None
    position, node = found
    name = node.targets[0].id  # type: ignore[attr-defined]
    chain = trace_inputs(node.value.args[0], position, statements, transformers)  # type: ignore[attr-defined]
    after = (position[0], position[1] + 1)
    if (
        chain is None
        or statements.bound_from(name, after)
        or statements.bound_from(model, after)
        or statements.bound_from(chain.rows, chain.read_at)
    ):
        return None
    return Predictions(name, chain)
