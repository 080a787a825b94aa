from __future__ import annotations

from collections.abc import Iterator

from nb2prod.analysis.removed_apis import removal
from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid


class RemovedApiImport(Rule):
    """
    ## What it does
    Flags imports of modules and names that current releases of well-known libraries
    no longer have: `sklearn.cross_validation`, `sklearn.grid_search`,
    `from sklearn.datasets import load_boston`, `pandas.util.testing`,
    `from scipy.misc import imread`, `tensorflow.contrib` and others (each from the
    library's release notes).

    ## Why is this bad?
    The notebook ran with the library of its day. Anyone who installs today's release,
    and any package converted from the notebook with today's pins, fails at the import.

    ## Example
    ```python
    from sklearn.cross_validation import train_test_split
    ```

    Use instead:
    ```python
    from sklearn.model_selection import train_test_split
    ```
    """

    code = "NB311"
    name = "removed-api-import"
    message = "`{what}` was removed in {distribution} {version}; use {instead}"

    valid = [
        Valid(
            "from sklearn.model_selection import train_test_split\n"
            "import pandas.testing\nfrom sklearn.datasets import load_iris"
        ),
    ]
    invalid = [
        Invalid(
            "from sklearn.cross_validation import train_test_split",
            at=(0, 1, 0),
            message="`sklearn.cross_validation` was removed in scikit-learn 0.20; "
            "use `sklearn.model_selection`",
        ),
        Invalid(
            "import numpy as np\nfrom sklearn.datasets import load_iris, load_boston",
            at=(0, 2, 0),
            message="`sklearn.datasets.load_boston` was removed in scikit-learn 1.2; "
            "use another data set, e.g. `fetch_california_housing`",
        ),
        Invalid("import sklearn.grid_search as gs", at=(0, 1, 0)),
        Invalid(
            "from sklearn.cross_validation import KFold, cross_val_score",
            at=(0, 1, 0),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            seen = set()
            for fact in facts.imports:
                if fact.level or not fact.module:
                    continue
                found = removal(fact.module, fact.name)
                if found is None:
                    continue
                whole = removal(fact.module, None) is not None
                what = fact.module if whole else f"{fact.module}.{fact.name}"
                if (fact.line, what) in seen:  # `from removed import a, b`: once
                    continue
                seen.add((fact.line, what))
                yield ctx.finding(
                    self,
                    facts.index,
                    fact.line,
                    fact.column,
                    what=what,
                    distribution=found.distribution,
                    version=found.version,
                    instead=found.instead,
                )
