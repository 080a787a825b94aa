from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.output._helpers import call_name, dotted


class NondeterministicTorch(Rule):
    """
    ## What it does
    Flags PyTorch notebooks that train (call `.backward()`) without ever asking for
    deterministic algorithms: no `torch.use_deterministic_algorithms(True)` and no
    `torch.backends.cudnn.deterministic = True`. Reported once, at the first
    `.backward()`.

    ## Why is this bad?
    Several CUDA kernels (convolutions, scatter/index operations) are
    nondeterministic by default, so two runs with the same seed still give different
    weights ("Deterministic Algorithm Option Not Used", Zhang et al. 2022).

    ## Example
    ```python
    import torch
    torch.manual_seed(0)
    loss = criterion(model(x), y)
    loss.backward()
    ```

    Use instead:
    ```python
    import torch
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    loss = criterion(model(x), y)
    loss.backward()
    ```
    """

    code = "NB503"
    name = "nondeterministic-torch"
    message = "PyTorch training without `torch.use_deterministic_algorithms(True)`"
    default = False

    valid = [
        Valid(
            "import torch\ntorch.use_deterministic_algorithms(True)\nloss.backward()"
        ),
        Valid("import torch\ntorch.backends.cudnn.deterministic = True\nl.backward()"),
        Valid("import tensorflow as tf\ntape.gradient(loss, w)"),
    ]
    invalid = [Invalid("import torch\nloss = f(x)\nloss.backward()", at=(0, 3, 0))]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not any(
            fact.module.split(".")[0] == "torch"
            for facts in ctx.cell_facts()
            for fact in facts.imports
        ):
            return
        backwards = []
        for parsed in ctx.parsed:
            for node in ctx.nodes(parsed):
                if _deterministic(ctx, node):
                    return
                if isinstance(node, ast.Call) and (
                    getattr(node.func, "attr", None) == "backward"
                ):
                    backwards.append((parsed.cell.index, node.lineno, parsed, node))
        if backwards:
            _, _, parsed, node = min(backwards, key=lambda item: item[:2])
            yield ctx.node_finding(self, parsed, node)


def _deterministic(ctx: RuleContext, node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        return call_name(ctx, node) == "torch.use_deterministic_algorithms" and any(
            getattr(argument, "value", None) is True for argument in node.args
        )
    return isinstance(node, ast.Assign) and any(
        dotted(target) == "torch.backends.cudnn.deterministic"
        for target in node.targets
    )
