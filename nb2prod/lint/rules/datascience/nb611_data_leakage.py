from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._leakage import leaks
from nb2prod.testing import nb

_IMPORTS = (
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.model_selection import train_test_split\n"
)


class DataLeakage(Rule):
    """
    ## What it does
    Flags a scaler, imputer, feature selector, decomposition or text vectorizer
    fitted (`fit`, `fit_transform`) on data that is split by `train_test_split` only
    later, in document order: the split data was transformed by it, or it transforms
    the split data afterwards without being refitted on the training part.

    ## Why is this bad?
    The preprocessing statistics (means, variances, selected features, vocabulary)
    then include the test rows, so the test score is optimistic and will not hold on
    new data. Yang et al. (ASE 2022) found such leakage pervasive in public notebooks.

    ## Example
    ```python
    from sklearn.preprocessing import StandardScaler
    from sklearn.model_selection import train_test_split
    X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    ```

    Use instead:
    ```python
    from sklearn.preprocessing import StandardScaler
    from sklearn.model_selection import train_test_split
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    ```
    """

    code = "NB611"
    name = "data-leakage"
    message = (
        "`{transformer}` is fitted on `{data}` before the split in cell {split}; "
        "fit it on the training split only"
    )

    valid = [
        Valid(
            _IMPORTS + "X_tr, X_te = train_test_split(X)\nsc = StandardScaler()\n"
            "X_tr = sc.fit_transform(X_tr)\nX_te = sc.transform(X_te)"
        ),
        Valid(
            nb(
                _IMPORTS + "sc = StandardScaler()\nsc.fit(X)\nplot(sc.transform(X))",
                "X = raw[cols]\nX_tr, X_te = train_test_split(X)\nsc.fit(X_tr)\n"
                "X_te = sc.transform(X_te)",
            )
        ),
    ]
    invalid = [
        Invalid(
            nb(
                _IMPORTS + "X = StandardScaler().fit_transform(X)",
                "a, b = train_test_split(X)",
            ),
            at=(0, 3, 4),
            message="`StandardScaler()` is fitted on `X` before the split in cell 2; "
            "fit it on the training split only",
        ),
        Invalid(
            _IMPORTS + "sc = StandardScaler()\nsc.fit(df[cols])\n"
            "tr, te = train_test_split(df)\nte = sc.transform(te)",
            at=(0, 4, 0),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        reported = set()
        for leak in leaks(ctx):
            fit = leak.fit
            if id(fit.call) in reported:
                continue
            reported.add(id(fit.call))
            yield ctx.node_finding(
                self,
                fit.cell,
                fit.call,
                transformer=fit.transformer,
                data=fit.data if len(fit.data) <= 30 else fit.data[:27] + "...",
                split=leak.split_cell + 1,
            )
