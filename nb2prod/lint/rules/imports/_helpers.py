"""Shared by the import rules: qualified names of expressions, and IPython lines."""

from __future__ import annotations

import ast

from nb2prod.lint.context import RuleContext
from nb2prod.reading.magics import SyntaxKind
from nb2prod.reading.parsing import ParsedCell

#: Calls that make local code importable by editing the import path.
PATH_EDITS = frozenset(
    {"sys.path.append", "sys.path.insert", "sys.path.extend", "site.addsitedir"}
)


def qualified(ctx: RuleContext, node: ast.expr) -> str | None:
    """`sys.path.append` for `path.append` after `from sys import path`; None if computed."""
    return ctx.qualified(node)


def masked_lines(parsed: ParsedCell) -> frozenset[int]:
    """Lines holding translated IPython syntax (`%matplotlib inline`, `!pip ...`)."""
    return frozenset(
        line
        for fact in parsed.translation.syntax
        if not fact.keeps_python and fact.kind is not SyntaxKind.TOP_LEVEL_AWAIT
        for line in range(fact.span.line, fact.span.end_line + 1)
    )


def import_module(node: ast.Import | ast.ImportFrom) -> str:
    """The module an import statement names first (`.utils` for relative imports)."""
    if isinstance(node, ast.Import):
        return node.names[0].name
    return "." * node.level + (node.module or "")
