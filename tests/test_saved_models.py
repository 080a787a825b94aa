"""A model the notebook saves to a file and then replaces under the same name (the
DataTalksClub duration notebook saves `(dv, lr)` with a linear regression, then tries
`lr = Lasso(0.01)`): the package saves the model the notebook saved, not the last
experiment; the later values get names of their own."""

from __future__ import annotations

import pytest

from nb2prod.analysis import analyze_parsed
from nb2prod.convert import plan_notebook
from nb2prod.planning.saved_models import keep_saved_models
from nb2prod.reading.parsing import parse_notebook
from nb2prod.testing import notebook, printed_by

DATA = (
    "import pickle\nfrom sklearn.linear_model import Lasso, LinearRegression, Ridge\n"
    "X, y = [[0.0], [1.0], [2.0], [3.0]], [0.0, 1.1, 1.9, 3.2]"
)
TRAIN = "lr = LinearRegression()\nlr.fit(X, y)\nprint(round(lr.score(X, y), 6))"
SAVE = "with open('model.bin', 'wb') as f_out:\n    pickle.dump(lr, f_out)"
TRY_LASSO = "lr = Lasso(0.01).fit(X, y)\nprint(round(lr.score(X, y), 6))"
TRY_RIDGE = "lr = Ridge()\nlr.fit(X, y)\npred = lr.predict(X)\nprint(len(pred))"


def _kept(*cells: str) -> list[str] | None:
    book = notebook(*cells)
    parsed = parse_notebook(book)
    kept = keep_saved_models(book, parsed, analyze_parsed(book.path, parsed))
    return None if kept is None else [c.source for c in kept.notebook.code_cells]


def test_the_model_the_notebook_saved_is_the_one_the_package_saves(
    tmp_path, monkeypatch
):
    before = [DATA, TRAIN, SAVE, TRY_LASSO, TRY_RIDGE]
    after = _kept(*before)
    assert after is not None
    assert after[3].startswith("lr_lasso = Lasso(0.01).fit(X, y)")
    assert after[4].startswith("lr_ridge = Ridge()\nlr_ridge.fit(X, y)")
    monkeypatch.chdir(tmp_path)  # the cells write model.bin
    assert printed_by(after) == printed_by(before)
    model = plan_notebook(notebook(*before)).plan.model
    assert model is not None
    assert (model.name, model.estimator) == ("lr", "LinearRegression")
    assert model.reason.startswith("the notebook saves it to a file (cell 3)")


@pytest.mark.parametrize(
    "cells",
    [
        # loading the saved file again binds the same model
        (DATA, TRAIN, SAVE, "with open('model.bin', 'rb') as f_in:\n    lr = pickle.load(f_in)"),
        # a checkpoint per experiment: several models saved under the name
        (DATA, TRAIN, SAVE, TRY_LASSO, SAVE, TRY_RIDGE),
        # bound again in a loop: no single statement to rename
        (DATA, TRAIN, SAVE, "for alpha in (0.1, 1.0):\n    lr = Lasso(alpha).fit(X, y)"),
        # a function reads the name when it is called
        (DATA, TRAIN, SAVE, "def score():\n    return lr.score(X, y)", TRY_LASSO, "print(score())"),
        # a generator reads the name when it is consumed, after the new binding
        (DATA, TRAIN, SAVE, "preds = (lr.predict([x]) for x in X)", TRY_LASSO, "print(list(preds))"),
        # never bound again
        (DATA, TRAIN, SAVE, "print(lr.coef_)"),
    ],
)  # fmt: skip
def test_a_name_that_cannot_be_renamed_whole_is_left_alone(cells):
    assert _kept(*cells) is None
