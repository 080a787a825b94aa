"""Defaults that read notebook variables, passed by the calls: the parameters become
required and each call that leaves one out passes the variable (mrdbourke's
`plot_predictions(train_data=X_train, ...)`), instead of `None` defaults plus
keyword-only copies of the same variables that every call passed twice."""

from __future__ import annotations

import pytest

from nb2prod.analysis import analyze_parsed
from nb2prod.planning.passed_defaults import pass_defaults
from nb2prod.reading.parsing import parse_notebook
from nb2prod.testing import notebook, printed_by

DATA = "X_train, y_train, X_test = [1, 2], [3, 4], [5]"
PLOT = (
    "def plot(train=X_train, labels=y_train, test=X_test, predictions=None):\n"
    "    print(train, labels, test, predictions)"
)


def _passed(*cells: str) -> list[str] | None:
    book = notebook(*cells)
    parsed = parse_notebook(book)
    passed = pass_defaults(book, parsed, analyze_parsed(book.path, parsed))
    return None if passed is None else [c.source for c in passed.notebook.code_cells]


CALLS = [
    "plot()",
    "plot(predictions=[9])",
    "plot([0], [0])",
    "plot(\n    [0],\n    predictions=[9],  # the model's\n)",
    "plot(X_train, y_train, X_test, [8])",
]


@pytest.mark.parametrize("call", CALLS)
def test_the_calls_pass_what_the_defaults_read_and_compute_the_same(call):
    before = [DATA, PLOT, call]
    after = _passed(*before)
    assert after is not None
    assert after[1].startswith("def plot(train, labels, test, predictions=None):")
    assert printed_by(after) == printed_by(before)


def test_a_call_passing_every_parameter_is_left_as_it_is():
    after = _passed(DATA, PLOT, "plot(X_train, y_train, X_test, [8])")
    assert after is not None and after[2] == "plot(X_train, y_train, X_test, [8])"
    assert _passed(DATA, PLOT, "plot()")[2] == (  # type: ignore[index]
        "plot(train=X_train, labels=y_train, test=X_test)"
    )


@pytest.mark.parametrize(
    "cells",
    [
        # an optional parameter before it: it cannot become required
        (DATA, "def f(scale=2, train=X_train):\n    return train", "f()"),
        # used as a value: no call to pass it
        (DATA, PLOT, "handlers = [plot]"),
        # *args: the parameters it fills are not known
        (DATA, PLOT, "args = [[0]]\nplot(*args)"),
        # a local of the calling function hides the variable
        (DATA, PLOT, "def show(X_train):\n    plot(X_train)\nshow([1])"),
        # called only by functions: an API keeps its optional parameters
        (DATA, PLOT, "def show():\n    plot()"),
        # the variable is bound again: the call would not see the value the def read
        ("X = 100", "def f(a=X):\n    return a", "print([f() for X in range(3)])"),
        (
            "lr = 0.1",
            "def fit(rate=lr):\n    return rate",
            "for lr in [0.01]:\n    fit()",
        ),
        # a lone generator argument takes no keyword after it
        (
            "S = 2",
            "def total(items, s=S):\n    return sum(items) * s",
            "total(v for v in [1])",
        ),
        # the default hides its variable: kept as the cell had it (late defaults)
        ("model = 1", "def f(x, model=model):\n    return x + model", "f(1)"),
    ],
)
def test_functions_whose_calls_cannot_pass_the_defaults_are_left_alone(cells):
    assert _passed(*cells) is None
