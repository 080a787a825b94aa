from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.reading.parsing import ParsedCell


class EvalExec(Rule):
    """
    ## What it does
    Flags calls of the built-in `eval` and `exec` on anything but a string literal,
    such as `eval(row["expr"])` or `exec(open("setup.py").read())`.

    ## Why is this bad?
    The string runs as Python with the notebook's full powers, so data or a file that
    reaches it can run any code; it also hides what the notebook does from readers and
    from every static tool (ruff S307, S102). `ast.literal_eval`, `json.loads` or a
    plain import do the usual jobs safely.

    ## Example
    ```python
    params = eval(text)
    ```

    Use instead:
    ```python
    params = ast.literal_eval(text)
    ```
    """

    code = "NB706"
    name = "eval-exec"
    message = "`{function}` runs a string as code; use `ast.literal_eval`, `json` or an import"
    node_types = (ast.Call,)

    valid = [
        Valid("params = ast.literal_eval(text)\nmodel.eval()\ndf.eval('a + b')"),
        Valid("def eval(x):\n    return x\ny = eval(s)"),
        Valid("from sympy import exec\nexec(s)\nx = eval('1 + 2')"),
    ]
    invalid = [
        Invalid(
            "params = eval(text)",
            at=(0, 1, 9),
            message="`eval` runs a string as code; use `ast.literal_eval`, `json` or "
            "an import",
        ),
        Invalid("exec(open('setup.py').read())", at=(0, 1, 0)),
        Invalid(
            "class Show:\n    def html(self):\n        return eval(self.name)",
            at=(0, 3, 15),
        ),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            return
        function = node.func.id
        if function not in ("eval", "exec") or function in _notebook_names(ctx):
            return
        if not (node.args and isinstance(node.args[0], ast.Constant)):
            yield ctx.node_finding(self, cell, node, function=function)


def _notebook_names(ctx: RuleContext) -> set[str]:
    """Names the notebook binds at its top level (a user-defined `eval`)."""
    names: set[str] = set()
    for facts in ctx.cell_facts():
        names.update(facts.defines)
        names.update(f.name for f in facts.functions)
        names.update(i.bound for i in facts.imports if i.bound)
    return names
