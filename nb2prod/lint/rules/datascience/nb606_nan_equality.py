from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import call_name, qualified
from nb2prod.reading.parsing import ParsedCell

_MISSING = frozenset(
    {
        "numpy.nan",
        "numpy.NaN",
        "numpy.NAN",
        "math.nan",
        "pandas.NA",
        "pandas.NaT",
        "numpy.NaT",
    }
)
_OPERATORS = {ast.Eq: "==", ast.NotEq: "!="}


class NanEquality(Rule):
    """
    ## What it does
    Flags comparisons with a missing-value marker using `==` or `!=`: `np.nan`,
    `math.nan`, `float("nan")`, `pd.NA` and `pd.NaT`.

    ## Why is this bad?
    NaN is not equal to anything, itself included: `x == np.nan` is always False and
    `x != np.nan` always True, so the filter keeps nothing or everything (with `pd.NA`
    the result is itself missing) ("NaN Equivalence Comparison Misused", Zhang et al.
    2022; pylint and ruff flag it as PLW0177).

    ## Example
    ```python
    missing = df[df["age"] == np.nan]
    ```

    Use instead:
    ```python
    missing = df[df["age"].isna()]
    ```
    """

    code = "NB606"
    name = "nan-equality"
    message = "`{operator} {value}` never matches a missing value; use `isna()`"
    node_types = (ast.Compare,)

    valid = [
        Valid("missing = df[df['age'].isna()]\nok = np.isnan(x)"),
        Valid("same = a == b\nnan = 0\nz = nan == 0"),
    ]
    invalid = [
        Invalid(
            "import numpy as np\nrows = df[df.age == np.nan]",
            at=(0, 2, 10),
            message="`== np.nan` never matches a missing value; use `isna()`",
        ),
        Invalid("if x != float('nan'):\n    pass", at=(0, 1, 3)),
        Invalid("from numpy import nan\nbad = nan == y", at=(0, 2, 6)),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if not isinstance(node, ast.Compare):
            return
        operands = [node.left, *node.comparators]
        for index, operator in enumerate(node.ops):
            symbol = _OPERATORS.get(type(operator))
            if symbol is None:
                continue
            for operand in operands[index : index + 2]:
                if _is_missing(ctx, operand):
                    value = ast.unparse(operand)
                    yield ctx.node_finding(
                        self, cell, node, operator=symbol, value=value
                    )
                    return


def _is_missing(ctx: RuleContext, node: ast.expr) -> bool:
    if isinstance(node, ast.Call):  # float("nan")
        return (
            call_name(ctx, node) == "float"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).strip().lower() == "nan"
        )
    return qualified(ctx, node) in _MISSING
