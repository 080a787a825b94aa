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


def narrowed_line(
    line: str, used: set[str], taken: frozenset[str] = frozenset()
) -> str | None:
    """An import line narrowed to `used`, None when it imports nothing used. Names in
    `taken` are bound again later in the module (a later import, a `def`): hoisted to
    the top, this binding would be dead, F811. Anything but one plain import statement
    (a `try:` block of optional imports) is kept whole when it binds a used name."""
    try:
        body = ast.parse(line).body
    except SyntaxError:
        return line
    if len(body) == 1 and isinstance(body[0], (ast.Import, ast.ImportFrom)):
        if any(alias.name == "*" for alias in body[0].names):
            return line  # an unresolved star import may provide anything
        kept = [
            alias
            for alias in used_aliases(body[0], used)
            if _binding(alias) not in taken or _loads_submodule(body[0], alias)
        ]
        if not kept:
            return None
        return line if len(kept) == len(body[0].names) else narrowed(body[0], kept)
    return line if bound_names(body) & used or "*" in bound_names(body) else None


def bound_names(body: list[ast.stmt]) -> set[str]:
    """The names the import statements (and module aliases, `K = keras.backend`)
    in `body` bind, `*` for a star import."""
    names = set()
    for node in ast.walk(ast.Module(body, [])):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {_binding(alias) for alias in node.names}
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def line_reads(line: str) -> set[str]:
    """The names code reads, at module level or inside its definitions (an import
    section line's alias reads its module)."""
    try:
        tree = ast.parse(line)
    except SyntaxError:
        return set()
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


def line_bindings(line: str) -> set[str]:
    """The names an import line binds (empty when it does not parse)."""
    try:
        return bound_names(ast.parse(line).body)
    except SyntaxError:
        return set()


def _binding(alias: ast.alias) -> str:
    return (alias.asname or alias.name).split(".")[0]


def _loads_submodule(statement: ast.Import | ast.ImportFrom, alias: ast.alias) -> bool:
    """`import a.b` binds `a` but also loads `a.b`: never dead because `a` is rebound."""
    return isinstance(statement, ast.Import) and not alias.asname and "." in alias.name
