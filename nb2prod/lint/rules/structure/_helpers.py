"""Shared by the structure rules: how much code a cell holds, what runs on import."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.reading.parsing import ParsedCell

#: Methods that train a model: slow, and not something importing a module should do.
_TRAINING = frozenset({"fit", "fit_generator", "train_on_batch"})


def code_lines(source: str) -> int:
    """Lines holding code: neither blank nor comment-only."""
    return sum(
        1
        for line in source.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def main_guarded_lines(tree: ast.Module) -> set[int]:
    """Lines inside `if __name__ == "__main__":` blocks."""
    lines: set[int] = set()
    for statement in tree.body:
        if isinstance(statement, ast.If) and "__name__" in ast.dump(statement.test):
            lines.update(range(statement.lineno, (statement.end_lineno or 0) + 1))
    return lines


def training_calls(
    ctx: RuleContext, parsed: ParsedCell
) -> Iterator[tuple[int, int, str]]:
    """`x.fit(...)` calls outside functions and classes."""
    pending: list[ast.AST] = list(parsed.tree.body) if parsed.tree else []
    while pending:
        node = pending.pop()
        if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
        ):
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _TRAINING
        ):
            line, column = ctx.position(parsed, node)
            receiver = node.func.value
            simple = isinstance(receiver, (ast.Name, ast.Attribute))
            yield line, column, (
                ast.unparse(node.func) if simple else f".{node.func.attr}"
            )
        pending.extend(ast.iter_child_nodes(node))
