"""Log records of displayed values that an operator can read.

Jupyter shows a cell's last expression without saying what it is; a log of bare
values (`0.6927083333333334`) tells an operator nothing. A displayed value is logged
with its source as the label (`accuracy_score(y_test, pred) = %s`). Metrics (calls of
`*_score`, `*_error`, `*_loss` functions, `.score(...)`, `.evaluate(...)`, and the
variables the plan knows hold metrics) are results: they log at INFO; every other
display, previews of tables and images included, logs at DEBUG.
"""

from __future__ import annotations

import re

import libcst as cst

#: Functions and methods whose result is a metric.
METRIC_CALL = re.compile(r"(_score|_error|_loss|_deviance)$|^(score|evaluate)$")
#: Variable names that say they hold a metric.
METRIC_NAME = re.compile(
    r"(^|_)(acc|accuracy|auc|roc_auc|f1|precision|recall|rmse|mse|mae|r2|loss|score"
    r"|error|logloss)(_|$)",
    re.IGNORECASE,
)
#: Longest label kept whole; longer source is cut with an ellipsis.
LABEL_LENGTH = 60
_EMPTY = cst.Module(body=[])


def display_record(
    value: cst.BaseExpression, metrics: frozenset[str] = frozenset()
) -> tuple[str, str]:
    """The level and %-format of the record logging the displayed `value`."""
    level = "info" if is_metric(value, metrics) else "debug"
    return level, f"{label(value)} = %s"


def label(value: cst.BaseExpression) -> str:
    """The expression's source on one line, short, with `%` escaped for logging."""
    text = " ".join(_EMPTY.code_for_node(value).split())
    if len(text) > LABEL_LENGTH:
        text = text[: LABEL_LENGTH - 3].rstrip() + "..."
    return text.replace("%", "%%")


def is_metric(value: cst.BaseExpression, metrics: frozenset[str]) -> bool:
    """A metric call anywhere in `value` (`cross_val_score(...).mean()`), or a variable
    known or named to hold one."""
    if isinstance(value, cst.Name):
        return value.value in metrics or METRIC_NAME.search(value.value) is not None
    finder = _MetricCalls()
    value.visit(finder)
    return finder.found


class _MetricCalls(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        name = (
            func.attr.value
            if isinstance(func, cst.Attribute)
            else func.value if isinstance(func, cst.Name) else ""
        )
        self.found |= METRIC_CALL.search(name) is not None
        return not self.found
