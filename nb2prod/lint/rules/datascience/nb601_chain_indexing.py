from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import (
    container_names,
    dataframe_names,
    is_frame_name,
    root_name,
)

_INDEXERS = frozenset({"loc", "iloc", "at", "iat"})


class ChainIndexing(Rule):
    """
    ## What it does
    Flags assignments through two chained subscripts of a pandas object, such as
    `df["a"][0] = 1` or `df[mask]["price"] = 0`. Nested dicts and lists
    (`d["a"]["b"] = 1`) are fine and left alone.

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

    valid = [
        Valid("df.loc[df.age > 60, 'senior'] = True"),
        Valid("grid[0][1] = 3\nx = df['a'][0]"),
        Valid("d = {}\nd['a']['b'] = 1\ndf_cfg = dict()\ndf_cfg['a']['b'] = 2"),
    ]
    invalid = [
        Invalid("df[df.age > 60]['senior'] = True", at=(0, 1, 0)),
        Invalid("df['a'][0] += 1", at=(0, 1, 0)),
        Invalid("sales = pd.read_csv(p)\nsales['a'][0] = 1", at=(0, 2, 0)),
        Invalid("data[data.age > 60]['senior'] = True", at=(0, 1, 0)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        frames: frozenset[str] | None = None
        containers: frozenset[str] = frozenset()
        for parsed in ctx.parsed:
            for node in ctx.nodes(parsed):
                if not isinstance(node, (ast.Assign, ast.AugAssign)):
                    continue
                targets = (
                    node.targets if isinstance(node, ast.Assign) else [node.target]
                )
                for target in targets:
                    selection = _chained_selection(target)
                    if selection is None:
                        continue
                    if frames is None:
                        frames, containers = dataframe_names(ctx), container_names(ctx)
                    root = root_name(target) or ""
                    if root in containers:
                        continue
                    if selection == "pandas" or root in frames or is_frame_name(root):
                        yield ctx.node_finding(self, parsed, target)


def _chained_selection(target: ast.expr) -> str | None:
    """For `x[a][b] = ...`: "pandas" when the inner subscript selects only as pandas
    does (`.loc`, a mask, a list of columns), "column" for a string key that a dict
    could hold too; None when the target is no chain."""
    if not isinstance(target, ast.Subscript) or not isinstance(
        target.value, ast.Subscript
    ):
        return None
    inner = target.value
    if isinstance(inner.value, ast.Attribute) and inner.value.attr in _INDEXERS:
        return "pandas"
    selector = inner.slice
    if isinstance(
        selector, (ast.Compare, ast.BoolOp, ast.List, ast.Attribute, ast.BinOp)
    ):
        return "pandas"
    if isinstance(selector, ast.Constant) and isinstance(selector.value, str):
        return "column"
    return None
