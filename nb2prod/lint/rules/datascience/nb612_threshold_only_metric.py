from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import call_name, keywords
from nb2prod.reading.parsing import ParsedCell

_THRESHOLD = frozenset(
    {"accuracy_score", "f1_score", "precision_score", "recall_score", "fbeta_score"}
    | {"balanced_accuracy_score", "classification_report"}
)
_RANKING = frozenset(
    {"roc_auc_score", "average_precision_score", "roc_curve", "auc", "log_loss"}
    | {"precision_recall_curve", "brier_score_loss", "RocCurveDisplay", "det_curve"}
    | {"PrecisionRecallDisplay", "top_k_accuracy_score"}
)
_RANKING_SCORERS = ("roc_auc", "average_precision", "neg_log_loss", "neg_brier_score")


class ThresholdOnlyMetric(Rule):
    """
    ## What it does
    Flags notebooks that evaluate a classifier only with threshold-dependent metrics
    from `sklearn.metrics` (accuracy, precision, recall, F1, `classification_report`)
    and never with a threshold-independent one (ROC AUC, average precision, log loss,
    Brier score, ROC or precision-recall curves).

    ## Why is this bad?
    A threshold-dependent score measures one arbitrary cut-off (0.5 by default), so two
    models compare differently at another threshold and class imbalance hides a poor
    ranking ("Threshold-Dependent Validation", Zhang et al. 2022; dslinter W5519).

    ## Example
    ```python
    from sklearn.metrics import f1_score
    print(f1_score(y_test, model.predict(X_test)))
    ```

    Use instead:
    ```python
    from sklearn.metrics import f1_score, roc_auc_score
    print(f1_score(y_test, model.predict(X_test)))
    print(roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
    ```
    """

    code = "NB612"
    name = "threshold-only-metric"
    message = "only threshold-dependent metrics (`{metric}`); also report ROC AUC or AP"
    default = False

    valid = [
        Valid(
            "from sklearn.metrics import accuracy_score, roc_auc_score\n"
            "a = accuracy_score(y, p)\nb = roc_auc_score(y, s)"
        ),
        Valid(
            "from sklearn.metrics import f1_score\ncross_val_score(m, X, y, scoring='roc_auc')\nf1_score(y, p)"
        ),
    ]
    invalid = [
        Invalid(
            "from sklearn import metrics\nacc = metrics.accuracy_score(y, p)",
            at=(0, 2, 6),
            message="only threshold-dependent metrics (`accuracy_score`); also report "
            "ROC AUC or AP",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        found: list[tuple[tuple[int, int, int], ParsedCell, ast.Call, str]] = []
        for parsed in ctx.parsed:
            for node in ctx.nodes(parsed):
                if not isinstance(node, ast.Call):
                    continue
                module, _, leaf = (call_name(ctx, node) or "").rpartition(".")
                if leaf in _RANKING or _ranking_scorer(keywords(node).get("scoring")):
                    return
                if module == "sklearn.metrics" and leaf in _THRESHOLD:
                    place = (parsed.cell.index, node.lineno, node.col_offset)
                    found.append((place, parsed, node, leaf))
        if found:
            _, parsed, node, leaf = min(found, key=lambda item: item[0])
            yield ctx.node_finding(self, parsed, node, metric=leaf)


def _ranking_scorer(scoring: ast.expr | None) -> bool:
    texts = (
        [n.value for n in ast.walk(scoring) if isinstance(n, ast.Constant)]
        if scoring
        else []
    )
    return any(isinstance(t, str) and t.startswith(_RANKING_SCORERS) for t in texts)
