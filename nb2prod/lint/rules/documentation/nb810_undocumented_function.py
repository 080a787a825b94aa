from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.reading.parsing import ParsedCell


class UndocumentedFunction(Rule):
    """
    ## What it does
    Flags public functions (names not starting with `_`) defined at the top level of
    a cell without a docstring.

    ## Why is this bad?
    Once the notebook becomes a package these functions are its API; a docstring
    says what they expect and return, which the notebook's markdown cannot do for a
    caller in another module (ruff D103; ruff skips D100 for notebooks, not D103).

    ## Example
    ```python
    def clean(df):
        return df.dropna()
    ```

    Use instead:
    ```python
    def clean(df):
        \"\"\"Drop rows with a missing value.\"\"\"
        return df.dropna()
    ```
    """

    code = "NB810"
    name = "undocumented-function"
    message = "function `{function}` has no docstring"
    default = False
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    valid = [
        Valid(
            'def clean(df):\n    """Drop rows with a missing value."""\n    return df'
        ),
        Valid(
            "def _helper(x):\n    return x\nclass A:\n    def m(self):\n        pass"
        ),
    ]
    invalid = [
        Invalid(
            "x = 1\n\n@cache\ndef clean(df):\n    return df.dropna()",
            at=(0, 4, 0),
            message="function `clean` has no docstring",
        )
    ]

    def __init__(self) -> None:
        self._top_level: dict[int, tuple[ast.Module, set[int]]] = {}

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        top_level = cell.tree is not None and id(node) in self._statements(cell.tree)
        if top_level and not node.name.startswith("_") and not ast.get_docstring(node):
            yield ctx.node_finding(self, cell, node, function=node.name)

    def _statements(self, tree: ast.Module) -> set[int]:
        """Ids of the cell's top-level statements, gathered once per cell (searching
        the body for each function was quadratic in a cell of many functions)."""
        cache = self._top_level
        if id(tree) not in cache:  # the tree is kept with its ids: no id is reused
            cache[id(tree)] = (tree, {id(statement) for statement in tree.body})
        return cache[id(tree)][1]
