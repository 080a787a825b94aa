from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.parsing import ParsedCell

_INDEXERS = frozenset({"loc", "iloc", "at", "iat"})


class ChainIndexing(Rule):
    """
    ## What it does
    Flags assignments through two chained subscripts, such as `df["a"][0] = 1` or
    `df[mask]["price"] = 0`.

    ## Why is this bad?
    The first subscript may return a copy, so the assignment silently changes nothing
    (pandas warns with `SettingWithCopyWarning`; with copy-on-write it never works).

    ## Example
    ```python
    df[df.age > 60]["senior"] = True
    ```

    Use instead:
    ```python
    df.loc[df.age > 60, "senior"] = True
    ```
    """

    code = "NB601"
    name = "chain-indexing"
    message = (
        "assignment through chained indexing may change a copy; use `.loc[row, col]`"
    )
    default = False
    node_types = (ast.Assign, ast.AugAssign)

    valid = [
        Valid("df.loc[df.age > 60, 'senior'] = True"),
        Valid("grid[0][1] = 3\nx = df['a'][0]"),
    ]
    invalid = [
        Invalid("df[df.age > 60]['senior'] = True", at=(0, 1, 0)),
        Invalid("df['a'][0] += 1", at=(0, 1, 0)),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
        for target in targets:
            if _is_chained(target):
                yield ctx.node_finding(self, cell, target)


def _is_chained(target: ast.expr) -> bool:
    """`x[a][b] = ...` where the inner subscript is a pandas-style selection."""
    if not isinstance(target, ast.Subscript) or not isinstance(
        target.value, ast.Subscript
    ):
        return False
    inner = target.value
    if isinstance(inner.value, ast.Attribute) and inner.value.attr in _INDEXERS:
        return True
    selector = inner.slice
    # A string column, a boolean mask, or a list of columns: DataFrame selections.
    return (
        isinstance(selector, ast.Constant) and isinstance(selector.value, str)
    ) or isinstance(
        selector, (ast.Compare, ast.BoolOp, ast.List, ast.Attribute, ast.BinOp)
    )
