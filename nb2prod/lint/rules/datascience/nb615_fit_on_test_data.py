from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import call_name, keywords, method
from nb2prod.reading.parsing import ParsedCell

_FITS = frozenset({"fit", "fit_transform", "fit_predict"})
#: Name segments that mark held-out data. `X_train_val` (train and validation joined
#: for the final fit) and `X_val_predictions` (a stacking blender is rightly fitted
#: on predictions for held-out rows) hold another segment and are left alone.
_HELD_OUT = frozenset({"test", "tests", "val", "valid", "validation", "holdout"})
_NOT_HELD_OUT = frozenset({"train", "training", "full", "all"}) | frozenset(
    {"pred", "preds", "prediction", "predictions", "proba", "oof"}
)
_SEGMENTS = re.compile(r"_+|\d+|(?<=[a-z])(?=[A-Z])")


class FitOnTestData(Rule):
    """
    ## What it does
    Flags `fit`, `fit_transform` and `fit_predict` calls whose data (the first
    argument, or `X=` / `x=`) is a variable named as held-out data:
    a whole name segment `test`, `val`, `valid`, `validation` or `holdout`, as in
    `X_test`, `test_df` or `X_val[cols]`. Names that also say `train` (`X_train_val`)
    or hold predictions (`X_val_preds`, what a stacking blender is fitted on), and
    distribution fits from `scipy`, are left alone.

    ## Why is this bad?
    A model or scaler fitted on the test split has seen the data it is scored on, so
    the reported score is optimistic (leakage, Kapoor and Narayanan 2023). Refitting a
    scaler on the test split also gives it statistics the model never saw in training.

    ## Example
    ```python
    scaler.fit(X_train)
    X_test = scaler.fit_transform(X_test)
    ```

    Use instead:
    ```python
    scaler.fit(X_train)
    X_test = scaler.transform(X_test)
    ```
    """

    code = "NB615"
    name = "fit-on-test-data"
    message = "`{method}` on `{data}`, held-out data; fit on the training split only"
    node_types = (ast.Call,)

    valid = [
        Valid("model.fit(X_train, y_train, validation_data=(X_val, y_val))"),
        Valid("X_test = scaler.transform(X_test)\nmodel.score(X_test, y_test)"),
        Valid("model.fit(X_train_val, y_train_val)"),
        Valid("blender.fit(X_val_predictions, y_val)"),
        Valid("from scipy import stats\nstats.norm.fit(test_sample)"),
        Valid("model.fit(np.vstack([X_train, X_test]))"),
        Valid("latest = contest.fit(data)"),
    ]
    invalid = [
        Invalid(
            "model.fit(X_test, y_test)",
            at=(0, 1, 0),
            message="`fit` on `X_test`, held-out data; fit on the training split only",
        ),
        Invalid("X_val = scaler.fit_transform(X_val[cols])", at=(0, 1, 8)),
        Invalid("scaler.fit(testDF.values)"),
        Invalid("clf.fit(x=X_valid, y=y_valid)"),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        assert isinstance(node, ast.Call)
        fit = method(node)
        if fit not in _FITS or (call_name(ctx, node) or "").startswith("scipy."):
            return
        named = keywords(node)
        features = node.args[0] if node.args else named.get("X", named.get("x"))
        data = _variable(features)
        if data is not None and _held_out(data):
            yield ctx.node_finding(self, cell, node, method=fit, data=data)


def _variable(node: ast.AST | None) -> str | None:
    """The variable behind `X_test`, `X_test[cols]` or `X_test.values`."""
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _held_out(name: str) -> bool:
    segments = {part.lower() for part in _SEGMENTS.split(name) if part}
    return bool(segments & _HELD_OUT) and not segments & _NOT_HELD_OUT
