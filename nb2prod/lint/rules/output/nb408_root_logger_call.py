from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.output._helpers import root_logging
from nb2prod.reading.parsing import ParsedCell


class RootLoggerCall(Rule):
    """
    ## What it does
    Flags logging through the root logger: `logging.info(...)`, `logging.warning(...)`
    and the other module-level functions of `logging`.

    ## Why is this bad?
    Records from the root logger carry no module name, so they cannot be filtered or
    routed once the notebook becomes part of a package, and the first call silently
    runs `basicConfig()` on the application's behalf (ruff LOG015).

    ## Example
    ```python
    import logging
    logging.info("loaded %d rows", len(df))
    ```

    Use instead:
    ```python
    import logging
    logger = logging.getLogger(__name__)
    logger.info("loaded %d rows", len(df))
    ```
    """

    code = "NB408"
    name = "root-logger-call"
    message = (
        "`logging.{method}` logs on the root logger; use `logging.getLogger(__name__)`"
    )
    default = False
    node_types = (ast.Call,)

    valid = [
        Valid("logger = logging.getLogger(__name__)\nlogger.info('start')"),
        Valid("logging.basicConfig(level=logging.INFO)\nnp.log(2)"),
    ]
    invalid = [
        Invalid(
            "import logging\nlogging.info('start')",
            at=(0, 2, 0),
            message="`logging.info` logs on the root logger; "
            "use `logging.getLogger(__name__)`",
        ),
        Invalid("from logging import warning\nwarning('slow')", at=(0, 2, 0)),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        assert isinstance(node, ast.Call)
        method = root_logging(ctx, node)
        if method is not None:
            yield ctx.node_finding(self, cell, node, method=method)
