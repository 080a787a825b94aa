from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.output._helpers import log_message
from nb2prod.reading.parsing import ParsedCell


class EagerLogFormatting(Rule):
    """
    ## What it does
    Flags logging calls whose message is already formatted: an f-string, a
    `.format(...)` call, `%` or `+` on strings.

    ## Why is this bad?
    The string is built even when the level is switched off, and log collectors can no
    longer group records by their message template (ruff G001-G004, pylint W1201-W1203).

    ## Example
    ```python
    logger.info(f"trained on {n} rows")
    ```

    Use instead:
    ```python
    logger.info("trained on %d rows", n)
    ```
    """

    code = "NB407"
    name = "eager-log-formatting"
    message = "logging message formatted with {how}; pass the values as arguments"
    node_types = (ast.Call,)

    valid = [
        Valid("logger.info('rows: %d', n)\nlogging.warning('done')"),
        Valid("y = np.log(f'{x}')\nprint(f'{n}')\nlogger.info(f'done')"),
    ]
    invalid = [
        Invalid(
            "log.info(f'n={n}')",
            at=(0, 1, 9),
            message="logging message formatted with an f-string; "
            "pass the values as arguments",
        ),
        Invalid("logging.getLogger(__name__).error('bad: {}'.format(e))"),
        Invalid("import logging as lg\nlg.log(lg.INFO, 'n=%d' % n)", at=(0, 2, 16)),
        Invalid("self.logger.debug('x=' + str(x))"),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        assert isinstance(node, ast.Call)
        message = log_message(ctx, node)
        how = None if message is None else _formatting(message)
        if message is not None and how is not None:
            yield ctx.node_finding(self, cell, message, how=how)


def _formatting(message: ast.expr) -> str | None:
    """How a message expression formats values into the string, if it does."""
    if isinstance(message, ast.JoinedStr):
        has_values = any(isinstance(v, ast.FormattedValue) for v in message.values)
        return "an f-string" if has_values else None
    if (
        isinstance(message, ast.Call)
        and isinstance(message.func, ast.Attribute)
        and message.func.attr == "format"
        and isinstance(message.func.value, (ast.Constant, ast.Name))
    ):
        return "`.format`"
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod):
        return "`%`" if _is_string(message.left) else None
    leaves = list(_concatenated(message))
    if len(leaves) > 1 and any(map(_is_string, leaves)):
        return "`+`" if not all(map(_is_string, leaves)) else None
    return None


def _concatenated(node: ast.expr) -> Iterator[ast.expr]:
    """The operands of `a + b + c`."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _concatenated(node.left)
        yield from _concatenated(node.right)
    else:
        yield node


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)
