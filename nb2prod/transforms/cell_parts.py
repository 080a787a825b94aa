"""Split a cell into what moves to module level and what runs in its step.

Imports (and `try: import ... except ImportError` blocks) are hoisted, `def` and
`class` move to module level as they are, config constants leave for config.py, and
top-level `global` statements disappear; everything else is the step's code. Comments
above a statement that leaves go to the next statement that stays, so none are lost.
"""

from __future__ import annotations

from typing import NamedTuple

import libcst as cst


class CellParts(NamedTuple):
    imports: list[cst.BaseStatement]
    definitions: list[cst.BaseStatement]  # FunctionDef / ClassDef (decorators included)
    body: list[cst.BaseStatement]
    trailing: list[
        cst.EmptyLine
    ]  # comments of statements that left, with nothing after


def split_cell(
    module: cst.Module,
    config_names: frozenset[str],
    aliases: frozenset[str] = frozenset(),
) -> CellParts:
    """The parts of one cell's code (`aliases`: `K = keras.backend` lines, hoisted
    with the imports)."""
    imports: list[cst.BaseStatement] = []
    definitions: list[cst.BaseStatement] = []
    body: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] = list(module.header)
    for statement in module.body:
        kind, kept = _classify(statement, config_names, aliases)
        if kind == "import":
            imports.append(_without_comments(statement))
            carried += _comments(statement)
        elif kind == "definition":
            definitions.append(statement)
        elif kind == "dropped":
            carried += _comments(statement)
        elif _has_import(statement, aliases):  # `import seaborn; seaborn.set()`
            imports.append(_without_comments(hoisted_import(statement, aliases)))
        elif isinstance(statement, cst.Try):  # `try: from tqdm import trange` + code
            imports += _optional_imports(statement)
        if kept is not None:
            body.append(_with_comments(kept, carried))
            carried = []
    return CellParts(
        imports, definitions, body, carried + _comment_lines(module.footer)
    )


def _classify(
    statement: cst.BaseStatement,
    config_names: frozenset[str],
    aliases: frozenset[str] = frozenset(),
) -> tuple[str, cst.BaseStatement | None]:
    """("import" | "definition" | "dropped" | "body", what stays in the step)."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return "definition", None
    if isinstance(statement, cst.Try) and _only_imports(statement):
        return "import", None
    if not isinstance(statement, cst.SimpleStatementLine):
        return "body", statement
    small = list(statement.body)
    imports = [s for s in small if _is_import(s, aliases)]
    rest = [
        s for s in small if not _is_import(s, aliases) and not isinstance(s, cst.Global)
    ]
    rest = [s for s in rest if not _is_config_assignment(s, config_names)]
    if imports and not rest:
        return "import", None
    if not rest:
        return "dropped", None
    if len(rest) != len(small):  # `import os; x = 1`: the import leaves, the rest stays
        kept = [_last(r, i == len(rest) - 1) for i, r in enumerate(rest)]
        return "body", statement.with_changes(body=kept)
    return "body", statement


def hoisted_import(
    statement: cst.BaseStatement, aliases: frozenset[str] = frozenset()
) -> cst.BaseStatement:
    """An import statement as it should appear at module level (imports only)."""
    if isinstance(statement, cst.SimpleStatementLine):
        imports = [s for s in statement.body if _is_import(s, aliases)]
        return statement.with_changes(
            body=[_last(s, i == len(imports) - 1) for i, s in enumerate(imports)]
        )
    return statement


def _is_flag(small: cst.BaseSmallStatement) -> bool:
    """`HAS_X = True`, `x = None`: what a guarded import may set without doing work."""
    if not isinstance(small, cst.Assign):
        return False
    value = small.value
    if isinstance(value, cst.Name):
        return value.value in ("True", "False", "None")
    return isinstance(value, (cst.Integer, cst.Float, cst.SimpleString))


def _optional_imports(statement: cst.Try) -> list[cst.BaseStatement]:
    """The imports at the top of a `try:` block that also runs code, each as its own
    `try: import ... except ImportError: name = None` at module level: later cells
    use the names, and the code stays in its step (which still imports them itself)."""
    found: list[cst.BaseStatement] = []
    for inner in statement.body.body:
        if not isinstance(inner, cst.SimpleStatementLine):
            continue
        for small in inner.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                found.append(
                    cst.Try(
                        body=cst.IndentedBlock(
                            [cst.SimpleStatementLine([_last(small, True)])]
                        ),
                        handlers=[
                            cst.ExceptHandler(
                                cst.IndentedBlock(_unbound(small)),
                                type=cst.Name("ImportError"),
                            )
                        ],
                    )
                )
    return found


def _unbound(small: cst.Import | cst.ImportFrom) -> list[cst.SimpleStatementLine]:
    """`name = None` for each name the import binds (star imports bind nothing)."""
    if isinstance(small.names, cst.ImportStar):
        return [cst.SimpleStatementLine([cst.Pass()])]
    names = []
    for alias in small.names:
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            names.append(alias.asname.name.value)
        else:
            node = alias.name
            while isinstance(node, cst.Attribute):
                node = node.value  # type: ignore[assignment]
            names.append(node.value)
    return [
        cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(n))], cst.Name("None"))]
        )
        for n in dict.fromkeys(names)
    ]


def _has_import(statement: cst.BaseStatement, aliases: frozenset[str]) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        _is_import(s, aliases) for s in statement.body
    )


def _is_import(small: cst.BaseSmallStatement, aliases: frozenset[str]) -> bool:
    """An import, or the assignment of a module alias (`K = keras.backend`)."""
    if isinstance(small, (cst.Import, cst.ImportFrom)):
        return True
    return (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and small.targets[0].target.value in aliases
    )


def _last(small: cst.BaseSmallStatement, last: bool) -> cst.BaseSmallStatement:
    return small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) if last else small


def _only_imports(statement: cst.Try) -> bool:
    blocks = [statement.body, *(handler.body for handler in statement.handlers)]
    if statement.orelse is not None or statement.finalbody is not None:
        return False
    for block in blocks:
        for inner in block.body:
            if not isinstance(inner, cst.SimpleStatementLine):
                return False
            for small in inner.body:
                if not isinstance(
                    small, (cst.Import, cst.ImportFrom, cst.Pass)
                ) and not _is_flag(small):
                    return False
    return any(
        isinstance(small, (cst.Import, cst.ImportFrom))
        for inner in statement.body.body
        if isinstance(inner, cst.SimpleStatementLine)
        for small in inner.body
    )


def _is_config_assignment(small: cst.BaseSmallStatement, names: frozenset[str]) -> bool:
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return False
    target = small.targets[0].target
    value = small.value
    literal = isinstance(
        value, (cst.SimpleString, cst.Integer, cst.Float, cst.Name)
    ) or (
        isinstance(value, cst.UnaryOperation)
        and isinstance(value.expression, (cst.Integer, cst.Float))
    )
    if isinstance(value, cst.Name) and value.value not in ("True", "False"):
        literal = False
    return isinstance(target, cst.Name) and target.value in names and literal


def _comments(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    return _comment_lines(getattr(statement, "leading_lines", ()))


def _comment_lines(lines: object) -> list[cst.EmptyLine]:
    return [line for line in lines if line.comment is not None]  # type: ignore[attr-defined]


def _without_comments(statement: cst.BaseStatement) -> cst.BaseStatement:
    return statement.with_changes(leading_lines=[])


def _with_comments(
    statement: cst.BaseStatement, comments: list[cst.EmptyLine]
) -> cst.BaseStatement:
    if not comments:
        return statement
    existing = list(getattr(statement, "leading_lines", ()))
    return statement.with_changes(leading_lines=[*comments, *existing])
