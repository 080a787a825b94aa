from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nb2prod.analysis.facts import CallFact
from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.reproducibility._helpers import (
    ALL_GENERATORS,
    SEEDS,
    call_at,
    generator_of,
    keywords,
)
from nb2prod.testing import nb

#: Deterministic unless told otherwise (xgboost and LightGBM seed with 0 by default).
_FIXED_DEFAULT_SEED = ("XGB", "LGBM")
#: `g = torch.Generator(); g.manual_seed(0)`: a generator seeded after creation.
_RESEEDED = re.compile(r"\.(manual_)?seed\(")
_SEED_KEYWORDS = frozenset({"random_state", "seed", "generator", "rng"})


class UncontrolledRandomness(Rule):
    """
    ## What it does
    Flags random draws made before any seed is set for their generator
    (`np.random.*`, `random.*`, `torch.rand*`, `tf.random.*`), generators created
    without a seed (`np.random.default_rng()`), and scikit-learn-style calls without
    `random_state` when NumPy's global generator was not seeded first.

    ## Why is this bad?
    Every run gives different splits, weights and scores, so results cannot be
    reproduced or compared ("Randomness Uncontrolled", Zhang et al. 2022; only 4 % of
    public notebooks re-execute to the same results, Pimentel et al. 2019).

    ## Example
    ```python
    X_train, X_test = train_test_split(X, test_size=0.2)
    ```

    Use instead:
    ```python
    X_train, X_test = train_test_split(X, test_size=0.2, random_state=42)
    ```
    """

    code = "NB502"
    name = "uncontrolled-randomness"
    message = "uncontrolled randomness: {detail}"

    valid = [
        Valid(nb("import numpy as np\nnp.random.seed(0)", "x = np.random.rand(3)")),
        Valid("rng = np.random.default_rng(42)\nx = rng.normal(size=3)"),
        Valid("np.random.seed(1)\nRandomForestClassifier()\nXGBClassifier()"),
        Valid("train_test_split(X, shuffle=False)\nRandomForestRegressor(**params)"),
        Valid("g = torch.Generator()\ng.manual_seed(0)\nds.train_test_split(seed=1)"),
        # a helper named for seeding seeds the generators, in its cell and after
        Valid(nb("import torch\nfrom helper_functions import set_seeds",
                 "set_seeds()\ntorch.randn(3)")),
        Valid(nb("import torch\nfrom helpers import set_seeds\nset_seeds()", "x = 1",
                 "torch.randn(3)")),
        # the ensemble seeds every copy of the template it is handed
        Valid(nb("from sklearn.tree import DecisionTreeClassifier\n"
                 "from sklearn.ensemble import BaggingClassifier",
                 "tree = DecisionTreeClassifier()\n"
                 "bag = BaggingClassifier(tree, n_estimators=10, random_state=1)")),
    ]  # fmt: skip
    invalid = [
        Invalid(
            "X_tr, X_te = train_test_split(X, test_size=0.2)",
            at=(0, 1, 13),
            message="uncontrolled randomness: `train_test_split` is called without "
            "`random_state`",
        ),
        Invalid(nb("import random\nrandom.shuffle(x)", "random.seed(0)"), at=(0, 2, 0)),
        Invalid("np.random.seed(0)\nrandom.random()", at=(0, 2, 0)),
        Invalid("rng = np.random.default_rng()", at=(0, 1, 6)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        facts = [(c.index, call) for c in ctx.cell_facts() for call in c.randomness]
        anywhere = {f for _, call in facts for f in SEEDS.get(call.name, ())}
        helpers = {c.index for c in ctx.cell_facts() if any(map(_seeding, c.calls))}
        if helpers:
            anywhere |= ALL_GENERATORS
        seeded: set[str] = set()
        for index, call in facts:
            if any(helper <= index for helper in helpers):
                seeded |= ALL_GENERATORS  # a helper ran in this cell or before it
            seeded |= SEEDS.get(call.name, set())
            known = anywhere if call.in_function else seeded
            detail = _detail(ctx, index, call, known)
            if detail is not None:
                yield ctx.finding(self, index, call.line, call.column, detail=detail)


#: A function of the notebook or a local module named for seeding (`set_seeds()`,
#: `seed_everything()`, `fix_seed()`): it seeds what it knows to, often every generator.
_SEEDING_HELPER = re.compile(
    r"(^|_)(seed|seeds|seed_everything|seed_all)$|^(set|fix)_?seed", re.I
)


def _seeding(name: str) -> bool:
    return bool(_SEEDING_HELPER.search(name.rsplit(".", 1)[-1]))


def _detail(
    ctx: RuleContext, index: int, call: CallFact, seeded: set[str]
) -> str | None:
    """Why the call is uncontrolled, or None when it is not (or cannot be told)."""
    given = keywords(call_at(ctx.parsed_cell(index), call.line, call.column))
    if "**" in given or any(
        getattr(given[key], "value", 0) is not None
        for key in _SEED_KEYWORDS & set(given)
    ):
        return None  # seeded, or maybe seeded through **kwargs
    if call.kind == "rng" and generator_of(call.name) not in seeded:
        return f"`{call.name}` draws random numbers with no seed set before it"
    if call.kind == "unseeded_rng" and not _RESEEDED.search(ctx.cells[index].source):
        return f"`{call.name}()` creates a generator without a seed"
    short = call.name.rsplit(".", 1)[-1]
    if call.kind == "missing_random_state" and _reseeded_template(ctx, index, call):
        return None
    no_shuffle = getattr(given.get("shuffle"), "value", None) is False
    if call.kind == "missing_random_state" and not (
        "numpy" in seeded or no_shuffle or short.startswith(_FIXED_DEFAULT_SEED)
    ):
        return f"`{short}` is called without `random_state`"
    return None


#: Ensembles that give every copy of the estimator they are handed its own seed.
_RESEEDING = re.compile(r"(Bagging|AdaBoost)\w*$")


def _reseeded_template(ctx: RuleContext, index: int, call: CallFact) -> bool:
    """`BaggingClassifier(DecisionTreeClassifier(), random_state=1)`, directly or
    through a variable in the same cell: the ensemble seeds every copy it fits."""
    parsed = ctx.parsed_cell(index)
    node = call_at(parsed, call.line, call.column)
    if parsed is None or parsed.tree is None or node is None:
        return False
    names = {
        target.id
        for assignment in ast.walk(parsed.tree)
        if isinstance(assignment, ast.Assign) and assignment.value is node
        for target in assignment.targets
        if isinstance(target, ast.Name)
    }
    for outer in ast.walk(parsed.tree):
        if not (isinstance(outer, ast.Call) and _RESEEDING.search(_callee(outer))):
            continue
        seeded = any(
            k.arg == "random_state" and getattr(k.value, "value", 0) is not None
            for k in outer.keywords
        )
        given = [*outer.args, *(k.value for k in outer.keywords)]
        if seeded and any(
            item is node or (isinstance(item, ast.Name) and item.id in names)
            for item in given
        ):
            return True
    return False


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
