from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import call_name, keywords

_LIBRARIES = frozenset({"sklearn", "xgboost", "lightgbm", "catboost"})
_ESTIMATOR = re.compile(
    r"(Classifier|Regressor|SVC|SVR|KMeans|DBSCAN|LogisticRegression|Ridge|Lasso|"
    r"ElasticNet|GaussianMixture|IsolationForest|KNeighbors\w+)$"
)
_OPTIMIZERS = ("torch.optim", "tensorflow.keras.optimizers", "keras.optimizers")
_RATES = frozenset({"lr", "learning_rate"})
#: Estimators whose defaults are the point (baselines, plain least squares).
_NO_HYPERPARAMETERS = frozenset({"DummyClassifier", "DummyRegressor"})


class HyperparametersImplicit(Rule):
    """
    ## What it does
    Flags learning algorithms built with every hyper-parameter left at its default:
    scikit-learn, XGBoost, LightGBM and CatBoost estimators called with no argument,
    PyTorch optimizers without `lr` and Keras optimizers without `learning_rate`.

    ## Why is this bad?
    Defaults change between library versions (scikit-learn changed the defaults of
    `n_estimators`, `solver` and `gamma`), so the same notebook trains a different model
    after an upgrade, and readers cannot tell which settings the results depend on
    ("Hyperparameter not Explicitly Set", Zhang et al. 2022; dslinter R5506-R5508).

    ## Example
    ```python
    from sklearn.ensemble import RandomForestClassifier
    model = RandomForestClassifier()
    ```

    Use instead:
    ```python
    from sklearn.ensemble import RandomForestClassifier
    model = RandomForestClassifier(n_estimators=300, max_depth=8, random_state=0)
    ```
    """

    code = "NB609"
    name = "hyperparameters-implicit"
    message = "`{call}(...)` {detail}"
    default = False

    valid = [
        Valid(
            "from sklearn.ensemble import RandomForestClassifier as RF\n"
            "from sklearn.dummy import DummyClassifier\n"
            "model = RF(n_estimators=300)\nbaseline = DummyClassifier()"
        ),
        Valid("import torch\nopt = torch.optim.Adam(net.parameters(), lr=1e-3)"),
        Valid(
            "from sklearn.svm import SVC\nfrom sklearn.model_selection import "
            "GridSearchCV\nsvc = SVC()\nGridSearchCV(svc, grid)\nGridSearchCV(SVC(), g)"
        ),
    ]
    invalid = [
        Invalid(
            "from sklearn.svm import SVC\nmodel = SVC()",
            at=(0, 2, 8),
            message="`SVC(...)` uses only default hyper-parameters; set the ones "
            "that matter",
        ),
        Invalid("import torch\nopt = torch.optim.Adam(net.parameters())", at=(0, 2, 6)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        searched = _searched(ctx)
        for parsed in ctx.parsed:
            for node in ctx.nodes(parsed):
                if isinstance(node, ast.Call) and id(node) not in searched:
                    detail = _detail(ctx, node)
                    if detail is not None:
                        call = ast.unparse(node.func)
                        yield ctx.node_finding(
                            self, parsed, node, call=call, detail=detail
                        )


def _detail(ctx: RuleContext, node: ast.Call) -> str | None:
    given = keywords(node)
    if "**" in given:
        return None
    module, _, leaf = (call_name(ctx, node) or "").rpartition(".")
    estimator = module.split(".")[0] in _LIBRARIES and _ESTIMATOR.search(leaf)
    if estimator and leaf not in _NO_HYPERPARAMETERS and not (node.args or given):
        return "uses only default hyper-parameters; set the ones that matter"
    optimizer = module in _OPTIMIZERS and len(node.args) < 2 and not _RATES & set(given)
    if optimizer and (node.args or "params" in given or "keras" in module):
        return "has no learning rate; pass it explicitly"
    return None


def _searched(ctx: RuleContext) -> set[int]:
    """Estimators a `GridSearchCV`-style search tunes: built in its arguments, or
    bound to a name that is passed to it."""
    passed: set[str] = set()
    nodes: set[int] = set()
    trees = [ctx.nodes(p) for p in ctx.parsed]
    for tree in trees:
        for node in tree:
            if isinstance(node, ast.Call) and "Search" in (call_name(ctx, node) or ""):
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    nodes |= {id(n) for n in ast.walk(argument)}
                    passed |= {
                        n.id for n in ast.walk(argument) if isinstance(n, ast.Name)
                    }
    for tree in trees:
        for node in tree:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in passed for t in node.targets
            ):
                nodes |= {id(n) for n in ast.walk(node.value)}
    return nodes
