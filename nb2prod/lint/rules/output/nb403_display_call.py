from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.output._helpers import call_name

_MODULES = ("IPython.display.", "IPython.core.display.")


class DisplayCall(Rule):
    """
    ## What it does
    Flags calls to IPython's display machinery: `display(...)` and anything from
    `IPython.display` (`HTML`, `Markdown`, `Image`, `clear_output`...).

    ## Why is this bad?
    These calls render rich output in the notebook front end. In a script `display`
    is not even defined (IPython injects it as a builtin), and the rest print a repr
    or nothing, so the information is lost or the converted code fails.

    ## Example
    ```python
    display(df.head())
    ```

    Use instead:
    ```python
    logger.info("first rows:\\n%s", df.head())
    ```
    """

    code = "NB403"
    name = "display-call"
    message = "`{name}` only renders in a notebook front end"
    default = False

    valid = [
        Valid("def display(x):\n    return x\ndisplay(1)"),
        Valid("from PIL import Image\nimg = Image.open('a.png')"),
    ]
    invalid = [
        Invalid(
            "display(df.head())",
            at=(0, 1, 0),
            message="`display` only renders in a notebook front end",
        ),
        Invalid(
            "from IPython.display import display, HTML\nx = 1; display(HTML('<b>'))",
            at=(0, 2, 7),
        ),
        Invalid("import IPython\nIPython.display.clear_output(wait=True)"),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        defined = {name for facts in ctx.cell_facts() for name in facts.defines}
        own_display = "display" in defined and "display" not in dict(ctx.facts.aliases)
        for parsed in ctx.parsed:
            stack = list(ast.iter_child_nodes(parsed.tree)) if parsed.tree else []
            while stack:
                node = stack.pop()
                name = call_name(ctx, node) if isinstance(node, ast.Call) else None
                if name is not None and (
                    name.startswith(_MODULES) or (name == "display" and not own_display)
                ):
                    short = name.rsplit(".", 1)[-1]
                    yield ctx.node_finding(self, parsed, node, name=short)
                else:  # a display call's arguments are part of the same finding
                    stack.extend(ast.iter_child_nodes(node))
