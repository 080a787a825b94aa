from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import call_name, keywords
from nb2prod.reading.parsing import ParsedCell

_READERS = frozenset({"read_csv", "read_table", "read_excel", "read_fwf"})
_TYPED = frozenset({"dtype", "converters", "**"})


class DtypeNotSet(Rule):
    """
    ## What it does
    Flags `pd.read_csv`, `pd.read_table`, `pd.read_excel` and `pd.read_fwf` calls
    that give neither `dtype=` nor `converters=`.

    ## Why is this bad?
    pandas guesses each column's type from the values in the file, so a new file with
    one stray value turns a numeric column into strings or IDs into floats, and the
    pipeline breaks later and far away ("Columns and DataType Not Explicitly Set",
    Zhang et al. 2022).

    ## Example
    ```python
    df = pd.read_csv("sales.csv")
    ```

    Use instead:
    ```python
    df = pd.read_csv("sales.csv", dtype={"store": "string", "units": "int64"})
    ```
    """

    code = "NB604"
    name = "dtype-not-set"
    message = "`{function}` without `dtype=`; column types are guessed from the file"
    default = False
    node_types = (ast.Call,)

    valid = [
        Valid("df = pd.read_csv('a.csv', dtype={'id': 'string'})"),
        Valid("df = pd.read_excel(p, **options)\nrows = csv.reader(f)"),
    ]
    invalid = [
        Invalid(
            "import pandas as pd\ndf = pd.read_csv('a.csv')",
            at=(0, 2, 5),
            message="`pd.read_csv` without `dtype=`; column types are guessed from "
            "the file",
        )
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if not isinstance(node, ast.Call):
            return
        module, _, function = (call_name(ctx, node) or "").rpartition(".")
        typed = _TYPED & set(keywords(node))
        if module == "pandas" and function in _READERS and not typed:
            shown = ast.unparse(node.func)
            yield ctx.node_finding(self, cell, node, function=shown)
