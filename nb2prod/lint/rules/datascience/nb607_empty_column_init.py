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
    or a name such as `df` or `train_df`). A column the notebook then adds to, a
    counter or a running total (`df["count"] += 1`), starts at 0 on purpose and is
    left alone.

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
        Valid("df['count'] = 0\nfor i in idx:\n    df.loc[i, 'count'] += 1"),
        Valid("df['total'] = 0\ndf['total'] = df['total'] + df['a']"),
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
        frames = accumulated = None
        for parsed in ctx.parsed:
            if parsed.tree is None:
                continue
            for node in ctx.nodes(parsed):
                if not _placeholder_assign(node):
                    continue
                if frames is None or accumulated is None:
                    frames, accumulated = dataframe_names(ctx), _accumulated(ctx)
                target = node.targets[0]  # type: ignore[attr-defined]
                name = target.value.id
                if (name, target.slice.value) in accumulated:
                    continue  # a counter or a running total: 0 is its real start
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


def _accumulated(ctx: RuleContext) -> set[tuple[str, str]]:
    """(frame, column) pairs the notebook adds to: `df["n"] += 1`,
    `df.loc[i, "n"] += 1`, `df["total"] = df["total"] + x`."""
    found = set()
    for parsed in ctx.parsed:
        for node in ctx.nodes(parsed):
            if isinstance(node, ast.AugAssign):
                column = _column(node.target)
                if column is not None:
                    found.add(column)
            elif isinstance(node, ast.Assign):
                read = {_column(n) for n in ast.walk(node.value)}
                written = (_column(target) for target in node.targets)
                found |= {column for column in written if column and column in read}
    return found


def _column(node: ast.AST) -> tuple[str, str] | None:
    """("df", "n") for `df["n"]`, `df.loc[rows, "n"]` or `df.at[i, "n"]`."""
    if not isinstance(node, ast.Subscript):
        return None
    frame, key = node.value, node.slice
    if isinstance(frame, ast.Attribute) and isinstance(key, ast.Tuple) and key.elts:
        frame, key = frame.value, key.elts[-1]  # .loc / .at: the column comes last
    if (
        isinstance(frame, ast.Name)
        and isinstance(key, ast.Constant)
        and isinstance(key.value, str)
    ):
        return frame.id, key.value
    return None
