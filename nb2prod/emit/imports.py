"""Import statements narrowed to the names a module uses: `from m import a, b` where
only `a` is used becomes `from m import a` (an unused name is a pyflakes F401, and a
name the code assigns is one it shadows, F811)."""

from __future__ import annotations

import ast


def used_aliases(
    statement: ast.Import | ast.ImportFrom, used: set[str]
) -> list[ast.alias]:
    """The names of the statement whose bound name is in `used`."""
    return [
        alias
        for alias in statement.names
        if (alias.asname or alias.name).split(".")[0] in used
    ]


def narrowed(statement: ast.Import | ast.ImportFrom, kept: list[ast.alias]) -> str:
    """The import statement, keeping only the `kept` names."""
    if isinstance(statement, ast.Import):
        return ast.unparse(ast.Import(names=kept))
    return ast.unparse(
        ast.ImportFrom(module=statement.module, names=kept, level=statement.level)
    )


def narrowed_line(line: str, used: set[str]) -> str | None:
    """An import line narrowed to `used`, None when it imports nothing used. Anything
    but one plain import statement (a `try:` block of optional imports) is kept whole
    when it binds a used name."""
    try:
        body = ast.parse(line).body
    except SyntaxError:
        return line
    if len(body) == 1 and isinstance(body[0], (ast.Import, ast.ImportFrom)):
        if any(alias.name == "*" for alias in body[0].names):
            return line  # an unresolved star import may provide anything
        kept = used_aliases(body[0], used)
        if not kept:
            return None
        return line if len(kept) == len(body[0].names) else narrowed(body[0], kept)
    bound = {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(ast.Module(body, []))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    return line if bound & used or "*" in bound else None
