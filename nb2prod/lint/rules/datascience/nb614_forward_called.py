from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import imports_any, method
from nb2prod.reading.parsing import ParsedCell


class ForwardCalled(Rule):
    """
    ## What it does
    Flags `model.forward(x)` (and `self.encoder.forward(x)`) in notebooks that import
    PyTorch; `super().forward(x)` inside an overriding `forward` is not flagged.

    ## Why is this bad?
    Calling the module, `model(x)`, runs the registered hooks around `forward`;
    calling `forward` directly skips them, so hooks used for logging, pruning,
    quantisation or gradient checkpointing silently do nothing ("Pytorch Call Method
    Misused", Zhang et al. 2022; dslinter W5516).

    ## Example
    ```python
    import torch
    logits = model.forward(batch)
    ```

    Use instead:
    ```python
    import torch
    logits = model(batch)
    ```
    """

    code = "NB614"
    name = "forward-called"
    message = "`{owner}.forward(...)` skips the module's hooks; call `{owner}(...)`"
    default = False
    node_types = (ast.Call,)

    valid = [
        Valid("import torch\nout = model(x)\ny = super().forward(x)"),
        Valid("import turtle\nt.forward(100)"),
    ]
    invalid = [
        Invalid(
            "import torch\nout = net.forward(x)",
            at=(0, 2, 6),
            message="`net.forward(...)` skips the module's hooks; call `net(...)`",
        )
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if not isinstance(node, ast.Call) or method(node) != "forward":
            return
        owner = node.func.value  # type: ignore[attr-defined]
        if isinstance(owner, ast.Call) and ast.unparse(owner.func) == "super":
            return
        if imports_any(ctx, "torch"):
            yield ctx.node_finding(self, cell, node, owner=ast.unparse(owner)[:30])
