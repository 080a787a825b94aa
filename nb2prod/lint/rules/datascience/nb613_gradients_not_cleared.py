from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import method
from nb2prod.reading.parsing import ParsedCell

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_CLEARS = frozenset({"zero_grad", "zero_", "clear_grad", "clear_gradients"})


class GradientsNotCleared(Rule):
    """
    ## What it does
    Flags a training loop that calls `loss.backward()` and `optimizer.step()` but
    never clears the gradients (`optimizer.zero_grad()`, `model.zero_grad()`,
    `p.grad.zero_()` or `p.grad = None`) inside the loop.

    ## Why is this bad?
    PyTorch adds new gradients to the ones already stored, so every step uses the sum
    of all previous gradients and training diverges or silently degrades ("Gradients
    Not Cleared before Backward Propagation", Zhang et al. 2022; dslinter W5517).

    ## Example
    ```python
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    ```

    Use instead:
    ```python
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    ```
    """

    code = "NB613"
    name = "gradients-not-cleared"
    message = "`backward()` in a loop that never clears gradients; call `zero_grad()`"
    default = False
    node_types = _LOOPS

    valid = [
        Valid(
            "for x, y in dl:\n    opt.zero_grad()\n    f(x).backward()\n    opt.step()"
        ),
        Valid(
            "for e in range(9):\n    for x in dl:\n        loss(x).backward()\n"
            "        with torch.no_grad():\n            w -= w.grad\n"
            "            w.grad.zero_()\n    opt.step()"
        ),
        Valid(
            "for x in dl:\n    loss(x).backward()\n    for p in ps:\n        p.grad = None\n    opt.step()"
        ),
    ]
    invalid = [
        Invalid(
            "for x, y in dl:\n    loss = f(x, y)\n    loss.backward()\n    opt.step()",
            at=(0, 3, 4),
        )
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        backward = next(_own_backward_calls(node), None)
        if backward is None or _clears(node):
            return
        steps = any(
            isinstance(n, ast.Call) and method(n) == "step" for n in ast.walk(node)
        )
        if steps:
            yield ctx.node_finding(self, cell, backward)


def _own_backward_calls(loop: ast.AST) -> Iterator[ast.Call]:
    """`.backward()` calls whose innermost enclosing loop is `loop`."""
    stack = list(ast.iter_child_nodes(loop))
    while stack:
        node = stack.pop()
        if isinstance(
            node, (*_LOOPS, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        ):
            continue
        if isinstance(node, ast.Call) and method(node) == "backward":
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _clears(loop: ast.AST) -> bool:
    for node in ast.walk(loop):
        if isinstance(node, ast.Call) and method(node) in _CLEARS:
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "grad" for t in node.targets
        ):
            return True
    return False
