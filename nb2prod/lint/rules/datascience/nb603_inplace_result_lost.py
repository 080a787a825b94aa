from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import is_imported, keywords
from nb2prod.reading.parsing import ParsedCell
from nb2prod.testing import nb

#: pandas methods that return a new object unless `inplace=True`, with names no common
#: library uses for a method that changes its receiver.
_RETURNS_NEW = frozenset(
    {
        "dropna",
        "fillna",
        "sort_values",
        "sort_index",
        "reset_index",
        "set_index",
        "drop_duplicates",
        "ffill",
        "bfill",
    }
)
#: Names other libraries use for methods that do act in place (`Path.rename(target)`,
#: `table.drop(engine)`): flagged only when called the pandas way, with a keyword.
_PANDAS_KEYWORDS = {
    "drop": {"columns", "index", "labels", "axis"},
    "rename": {"columns", "index", "mapper", "axis"},
    "replace": {"to_replace", "regex"},
    "interpolate": {"method", "limit", "limit_direction"},  # FEniCS's acts in place
}


class InplaceResultLost(Rule):
    """
    ## What it does
    Flags a pandas call such as `df.dropna()`, `df.fillna(0)` or
    `df.drop(columns=[...])` used as a statement, without `inplace=True` and without
    keeping its result. The last expression of a cell is not flagged: it is displayed.

    ## Why is this bad?
    These methods return a new object and leave `df` unchanged, so the cleaning step
    silently does nothing ("In-Place APIs Misused", Zhang et al. 2022).

    ## Example
    ```python
    df.dropna()
    df.describe()
    ```

    Use instead:
    ```python
    df = df.dropna()
    df.describe()
    ```
    """

    code = "NB603"
    name = "inplace-result-lost"
    message = "the result of `.{method}()` is discarded; `{owner}` is unchanged"
    node_types = (ast.Expr,)

    valid = [
        Valid("df = df.dropna()\ndf.fillna(0, inplace=True)\nx = 1"),
        Valid("df.dropna()"),
        Valid(nb("df.sort_values('a')\n", "path.rename(target)\nos.rename(a, b)\nx")),
    ]
    invalid = [
        Invalid(
            "df.dropna()\ndf.head()",
            at=(0, 1, 0),
            message="the result of `.dropna()` is discarded; `df` is unchanged",
        ),
        Invalid("for d in frames:\n    d.drop(columns=['a'])", at=(0, 2, 4)),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        call = getattr(node, "value", None)
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            return
        name, given = call.func.attr, keywords(call)
        last = cell.tree is not None and cell.tree.body[-1] is node
        if last or not _is_false(given.get("inplace", False)) or "**" in given:
            return
        pandas_style = name in _RETURNS_NEW or bool(
            _PANDAS_KEYWORDS.get(name, set()) & set(given)
        )
        if pandas_style and not is_imported(ctx, call.func.value):
            owner = ast.unparse(call.func.value)
            yield ctx.node_finding(
                self, cell, node, method=name, owner=owner[:30] or "the frame"
            )


def _is_false(value: ast.expr | bool) -> bool:
    """`inplace` absent or literally False (a variable may well be True)."""
    return value is False or (isinstance(value, ast.Constant) and value.value is False)
