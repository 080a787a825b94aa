from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid

#: Methods and builtins that only look at a value: calling them changes nothing.
_VIEWERS = frozenset(
    "head tail describe sample value_counts nunique unique isnull isna notnull notna "
    "sum mean median std var min max count corr cov agg aggregate groupby sort_values "
    "sort_index reset_index set_index drop_duplicates duplicated round abs query "
    "nlargest nsmallest pivot_table crosstab to_frame transpose memory_usage idxmax "
    "idxmin quantile select_dtypes get_params keys values items copy astype size "
    "to_numpy tolist "
    "len type sorted list set dict tuple str repr any all dir vars isinstance".split()
)


class DisplayExpression(Rule):
    """
    ## What it does
    Flags the last line of a cell when it is an expression that is only there to be
    displayed (`df.head()`, `df.shape`, `model`), without a trailing `;`.

    ## Why is this bad?
    Jupyter shows the value of a cell's last expression; a script evaluates it and
    throws it away. Once the notebook is converted, whatever the reader checked there
    (row counts, column types, a sample) silently disappears from the run.

    ## Example
    ```python
    df = pd.read_csv("sales.csv")
    df.describe()
    ```

    Use instead:
    ```python
    df = pd.read_csv("sales.csv")
    logger.info("sales summary:\\n%s", df.describe())
    ```
    """

    code = "NB402"
    name = "display-expression"
    message = "`{text}` is only displayed; a script drops its value"
    default = False

    valid = [
        Valid("df.head();"),
        Valid("model.fit(X, y)"),
        Valid("x = df.head()\nprint(x)"),
        Valid("df.drop_duplicates(inplace=True)"),
    ]
    invalid = [
        Invalid(
            "df = load()\ndf.describe()",
            at=(0, 2, 0),
            message="`df.describe()` is only displayed; a script drops its value",
        ),
        Invalid("df.shape"),
        Invalid("df.isnull().sum().sort_values(ascending=False)"),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            shown = facts.display_expression
            parsed = ctx.parsed_cell(facts.index)
            if shown is None or parsed is None or parsed.tree is None:
                continue
            last = parsed.tree.body[-1]
            if isinstance(last, ast.Expr) and _only_looks(last.value):
                text = shown.text if len(shown.text) <= 60 else shown.text[:57] + "..."
                yield ctx.finding(
                    self, facts.index, shown.line, shown.column, text=text
                )


def _only_looks(expression: ast.expr) -> bool:
    """No side effects: no calls except to viewers, no walrus, no await; not a literal."""
    if isinstance(expression, ast.Constant):
        return False
    for node in ast.walk(expression):
        if isinstance(node, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
            return False
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name not in _VIEWERS or any(k.arg == "inplace" for k in node.keywords):
                return False
    return True
