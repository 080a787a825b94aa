from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import imports_any, is_imported


class DataFrameValues(Rule):
    """
    ## What it does
    Flags reads of the `.values` attribute (not the `.values()` method), as in
    `X = df.values` or `y = df["label"].values`.

    ## Why is this bad?
    `.values` returns a NumPy array for some frames and an extension array for others
    (categoricals, nullable integers, time zones), so the type of the result depends on
    the data. pandas recommends `.to_numpy()`, which always returns an `ndarray`
    ("Dataframe Conversion API Misused", Zhang et al. 2022).

    ## Example
    ```python
    X = df.values
    ```

    Use instead:
    ```python
    X = df.to_numpy()
    ```
    """

    code = "NB602"
    name = "df-values"
    message = "`.values` on `{owner}`; use `.to_numpy()` (or `.array`)"
    default = False

    valid = [
        Valid("X = df.to_numpy()\nfor v in counts.values():\n    print(v)"),
        Valid("import xarray as xr\nt = ds['t'].values"),
        Valid("class A:\n    def f(self):\n        return self.values"),
    ]
    invalid = [
        Invalid("X = df.values", at=(0, 1, 4), message=message.format(owner="df")),
        Invalid("y = df['label'].values.ravel()", at=(0, 1, 4)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if imports_any(ctx, "xarray", "netCDF4", "h5py"):
            return  # `.values` is the documented accessor there
        for parsed in ctx.parsed:
            if parsed.tree is None:
                continue
            called = {
                id(node.func)
                for node in ctx.nodes(parsed)
                if isinstance(node, ast.Call)
            }
            for node in ctx.nodes(parsed):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr == "values"
                    and isinstance(node.ctx, ast.Load)
                    and id(node) not in called
                    and not is_imported(ctx, node.value)
                    and not (
                        isinstance(node.value, ast.Name) and node.value.id == "self"
                    )
                ):
                    owner = ast.unparse(node.value)
                    if len(owner) > 30:
                        owner = owner[:27] + "..."
                    yield ctx.node_finding(self, parsed, node, owner=owner)
