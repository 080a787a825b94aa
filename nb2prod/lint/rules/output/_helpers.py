"""Shared by the output and reproducibility rules: call names through the notebook's
imports, and what a logging call looks like."""

from __future__ import annotations

import ast
import re

from nb2prod.lint.context import RuleContext, dotted

#: Logger methods and the position of their message argument (`log(level, msg)`).
LOG_METHODS = {
    **dict.fromkeys(
        ("debug", "info", "warning", "warn", "error", "exception", "critical"), 0
    ),
    "fatal": 0,
    "log": 1,
}
_LOGGER_NAME = re.compile(r"(?i)(^|_)(log|logger)$")


def call_name(ctx: RuleContext, call: ast.Call) -> str | None:
    """The callee's qualified name (`os.chdir` for `chdir` from `from os import chdir`)."""
    return ctx.call_name(call)


def root_logging(ctx: RuleContext, call: ast.Call) -> str | None:
    """The method of `logging.info(...)` (or of `info` imported from `logging`)."""
    module, _, method = (call_name(ctx, call) or "").rpartition(".")
    return method if module == "logging" and method in LOG_METHODS else None


def log_message(ctx: RuleContext, call: ast.Call) -> ast.expr | None:
    """The message argument of a call on the `logging` module or on a logger."""
    func = call.func
    method = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if method not in LOG_METHODS:
        return None
    if root_logging(ctx, call) is not None:
        is_logger = True
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
        # logging.getLogger(__name__).info(...)
        is_logger = (call_name(ctx, func.value) or "").endswith(
            ("getLogger", "get_logger")
        )
    else:
        owner = (dotted(func.value) if isinstance(func, ast.Attribute) else None) or ""
        is_logger = bool(_LOGGER_NAME.search(owner.rsplit(".", 1)[-1]))
    index = LOG_METHODS[method]
    if not is_logger or len(call.args) <= index:
        return None
    return call.args[index]
