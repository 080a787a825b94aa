from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import dataframe_names, is_frame_name


class EmptyColumnInit(Rule):
    """
    ## What it does
    Flags a DataFrame column created with a placeholder `0` or `""`, as in
    `df["flag"] = ""`, on names bound to a DataFrame (a pandas reader or constructor,
    or a name such as `df` or `train_df`).

    ## Why is this bad?
    The placeholder looks like real data: rows never filled in later cannot be told
    apart from rows whose value really is 0 or empty, and they skew counts and means
    ("Empty Column Misinitialization", Zhang et al. 2022). `np.nan` marks "not set".

    ## Example
    ```python
    df["segment"] = ""
    ```

    Use instead:
    ```python
    df["segment"] = np.nan
    ```
    """

    code = "NB607"
    name = "empty-column-init"
    message = "column `{label}` initialised with `{value}`; use `np.nan` for not set"
    default = False

    valid = [
        Valid("df['segment'] = np.nan\ncounts = {}\ncounts['a'] = 0"),
        Valid("sales = pd.read_csv(p)\nsales['units'] = 1"),
    ]
    invalid = [
        Invalid(
            "df['segment'] = ''",
            at=(0, 1, 0),
            message="column `segment` initialised with `''`; use `np.nan` for not set",
        ),
        Invalid("sales = pd.read_csv(p)\nsales['flag'] = 0", at=(0, 2, 0)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        frames = None
        for parsed in ctx.parsed:
            if parsed.tree is None:
                continue
            for node in ctx.nodes(parsed):
                if not _placeholder_assign(node):
                    continue
                frames = dataframe_names(ctx) if frames is None else frames
                target = node.targets[0]  # type: ignore[attr-defined]
                name = target.value.id
                if name in frames or is_frame_name(name):
                    yield ctx.node_finding(
                        self,
                        parsed,
                        target,
                        label=target.slice.value,
                        value=repr(node.value.value),  # type: ignore[attr-defined]
                    )


def _placeholder_assign(node: ast.AST) -> bool:
    """`name["column"] = 0` or `name["column"] = ""`."""
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return False
    target, value = node.targets[0], node.value
    return (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
        and isinstance(value, ast.Constant)
        and type(value.value) in (int, str)
        and value.value in (0, "")
    )
