from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import (
    call_name,
    is_imported,
    keywords,
    method,
)
from nb2prod.reading.parsing import ParsedCell

_KEYS = frozenset({"on", "left_on", "right_on", "left_index", "right_index"})
#: Keywords only `DataFrame.join` takes (`str.join` and `os.path.join` take none).
_JOIN_ONLY = frozenset({"how", "on", "lsuffix", "rsuffix", "validate", "sort"})


class MergeParamsNotSet(Rule):
    """
    ## What it does
    Flags `pd.merge(...)` and `df.merge(...)` calls that do not say `how`, `on` (or
    `left_on`/`right_on`, `left_index`/`right_index`) and `validate`, and
    `df.join(...)` calls without `how` and `validate`.

    ## Why is this bad?
    The defaults join on every shared column name with an inner join and accept
    many-to-many matches, so an extra column or a duplicated key silently drops or
    multiplies rows ("Merge API Parameter Not Explicitly Set", Zhang et al. 2022).

    ## Example
    ```python
    orders = orders.merge(customers)
    ```

    Use instead:
    ```python
    orders = orders.merge(customers, how="left", on="customer_id", validate="m:1")
    ```
    """

    code = "NB605"
    name = "merge-params-not-set"
    message = "`{call}` without {missing}"
    default = False
    node_types = (ast.Call,)

    valid = [
        Valid("a.merge(b, how='left', on='id', validate='1:1')"),
        Valid("s = ', '.join(names)\np = os.path.join(a, b)\npd.merge(a, b, **kw)"),
        Valid("pd.merge(a, b, 'inner', left_on='x', right_on='y', validate='1:1')"),
    ]
    invalid = [
        Invalid(
            "m = a.merge(b)",
            at=(0, 1, 4),
            message="`a.merge` without `how`, `on`, `validate`",
        ),
        Invalid("pd.merge(a, b, on='id', how='left')", at=(0, 1, 0)),
        Invalid("a.join(b, lsuffix='_a')", at=(0, 1, 0)),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if not isinstance(node, ast.Call) or "**" in keywords(node):
            return
        given = set(keywords(node))
        if call_name(ctx, node) == "pandas.merge":
            positional = len(node.args) - 2
        elif isinstance(node.func, ast.Attribute) and not is_imported(
            ctx, node.func.value
        ):
            if method(node) == "merge":
                positional = len(node.args) - 1
            elif method(node) == "join" and given & _JOIN_ONLY:
                positional, given = 0, given | {"on"}  # join matches on the index
            else:
                return
        else:
            return
        if positional >= 1:
            given.add("how")
        if positional >= 2:
            given.add("on")
        missing = [
            f"`{key}`"
            for key in ("how", "on", "validate")
            if key not in given and not (key == "on" and given & _KEYS)
        ]
        if missing:
            call = ast.unparse(node.func)
            yield ctx.node_finding(
                self, cell, node, call=call, missing=", ".join(missing)
            )
