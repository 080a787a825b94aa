from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import method
from nb2prod.reading.parsing import ParsedCell

_ROW_ITERATORS = frozenset({"iterrows", "itertuples"})


class UnnecessaryIteration(Rule):
    """
    ## What it does
    Flags loops and comprehensions over the rows of a DataFrame with `iterrows()` or
    `itertuples()`.

    ## Why is this bad?
    Row loops run Python code once per row and are typically orders of magnitude
    slower than the vectorised column operation that does the same thing; `iterrows`
    also converts each row to a Series, losing the column dtypes, and writing to the
    row does not change the frame ("Unnecessary Iteration", Zhang et al. 2022;
    dslinter R5501).

    ## Example
    ```python
    for i, row in df.iterrows():
        df.loc[i, "total"] = row["price"] * row["units"]
    ```

    Use instead:
    ```python
    df["total"] = df["price"] * df["units"]
    ```
    """

    code = "NB608"
    name = "unnecessary-iteration"
    message = "loop over `{owner}.{method}()`; prefer a vectorised operation"
    default = False
    node_types = (ast.For, ast.AsyncFor, ast.comprehension)

    valid = [Valid("df['total'] = df['price'] * df['units']\nfor k in d.items(): k")]
    invalid = [
        Invalid(
            "for i, row in df.iterrows():\n    total += row['price']",
            at=(0, 1, 14),
            message="loop over `df.iterrows()`; prefer a vectorised operation",
        ),
        Invalid("names = [r.name for r in people.itertuples()]", at=(0, 1, 25)),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        iterable = getattr(node, "iter", None)
        if isinstance(iterable, ast.Call) and method(iterable) in _ROW_ITERATORS:
            owner = ast.unparse(iterable.func.value)  # type: ignore[attr-defined]
            yield ctx.node_finding(
                self, cell, iterable, owner=owner[:30], method=method(iterable)
            )
