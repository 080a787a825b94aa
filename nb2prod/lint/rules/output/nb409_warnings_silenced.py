from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.output._helpers import call_name, dotted

_FILTERS = frozenset({"warnings.filterwarnings", "warnings.simplefilter"})
_TARGETED = frozenset({"category", "message", "module", "lineno"})


class WarningsSilenced(Rule):
    """
    ## What it does
    Flags code that switches off every warning for the rest of the session:
    `warnings.filterwarnings("ignore")`, `warnings.simplefilter("ignore")` without a
    category, and replacing `warnings.warn`. Filters scoped by
    `with warnings.catch_warnings():` are fine.

    ## Why is this bad?
    Deprecation, convergence and `SettingWithCopyWarning` messages are how libraries
    say that results may be wrong or will break on the next upgrade; silenced, they
    are lost for every later cell and in the package the notebook becomes.

    ## Example
    ```python
    import warnings
    warnings.filterwarnings("ignore")
    ```

    Use instead:
    ```python
    import warnings
    warnings.filterwarnings("ignore", category=FutureWarning, module="seaborn")
    ```
    """

    code = "NB409"
    name = "warnings-silenced"
    message = "every warning is silenced for the rest of the session"

    valid = [
        Valid("warnings.filterwarnings('ignore', category=DeprecationWarning)"),
        Valid(
            "with warnings.catch_warnings():\n"
            "    warnings.simplefilter('ignore')\n    model.fit(X, y)"
        ),
        Valid("warnings.simplefilter('error')"),
    ]
    invalid = [
        Invalid("import warnings\nwarnings.filterwarnings('ignore')", at=(0, 2, 0)),
        Invalid("from warnings import simplefilter\nsimplefilter(action='ignore')"),
        Invalid(
            "import warnings\ndef warn(*args, **kwargs):\n    pass\nwarnings.warn = warn",
            at=(0, 4, 0),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not any("warnings" in parsed.cell.source for parsed in ctx.parsed):
            return  # nothing can reach the warnings module without importing it
        for parsed in ctx.parsed:
            for node in _outside_catch_warnings(parsed.tree):
                if _silences(ctx, node):
                    yield ctx.node_finding(self, parsed, node)


def _silences(ctx: RuleContext, node: ast.AST) -> bool:
    if isinstance(node, ast.Assign):
        return any(dotted(target) == "warnings.warn" for target in node.targets)
    if not isinstance(node, ast.Call) or call_name(ctx, node) not in _FILTERS:
        return False
    keywords = {keyword.arg: keyword.value for keyword in node.keywords}
    action = node.args[0] if node.args else keywords.get("action")
    targeted = len(node.args) > 1 or bool(_TARGETED & set(keywords))
    return (
        isinstance(action, ast.Constant) and action.value == "ignore" and not targeted
    )


def _outside_catch_warnings(node: ast.AST | None) -> Iterator[ast.AST]:
    """Every node, except inside `with warnings.catch_warnings():` blocks."""
    for child in ast.iter_child_nodes(node) if node is not None else ():
        if isinstance(child, (ast.With, ast.AsyncWith)) and any(
            isinstance(item.context_expr, ast.Call)
            and (dotted(item.context_expr.func) or "").endswith("catch_warnings")
            for item in child.items
        ):
            continue
        yield child
        yield from _outside_catch_warnings(child)
