"""f-strings with nothing to format (`f"Epoch ..."`) become plain strings (pyflakes
F541): the same text, without the `f` that promises a placeholder."""

from __future__ import annotations

import ast
import re

import libcst as cst

_F_PREFIX = re.compile(r"[fF][rR]?['\"]")


def plain_fstrings(code: str) -> str:
    """The code with every placeholder-free f-string written as a plain string."""
    if _F_PREFIX.search(code) is None:  # f"", rf"", fr"", F''...
        return code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    if not any(_is_plain(node) for node in ast.walk(tree)):
        return code
    rewritten = _rewrite_strings(code, tree)
    if rewritten is not None:
        return rewritten
    return cst.parse_module(code).visit(_Plain()).code


def _is_plain(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) and not any(
        isinstance(value, ast.FormattedValue) for value in node.values
    )


def _rewrite_strings(code: str, tree: ast.Module) -> str | None:
    """The code with each f-string expression rewritten on its own (libcst parses only
    the string, not the whole module: a module's parse cost a sixth of converting
    many cells); None where positions cannot be trusted (the whole module then)."""
    if "\r" in code:  # ast counts `\r` as a line end, `str.split("\n")` does not
        return None
    lines = code.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    edits: list[tuple[int, int, str]] = []
    for node in _outermost_fstrings(tree):
        if node.end_lineno is None or node.end_col_offset is None:
            return None
        start = starts[node.lineno - 1] + _column(lines[node.lineno - 1], node)
        end = starts[node.end_lineno - 1] + _column(
            lines[node.end_lineno - 1], node, end=True
        )
        text = code[start:end]
        try:
            expression = cst.parse_expression(f"({text})")
        except cst.ParserSyntaxError:
            return None
        plain = expression.visit(_Plain())
        assert isinstance(plain, cst.BaseExpression)  # _Plain replaces f-strings only
        rewritten = cst.Module(body=[]).code_for_node(plain)
        if not (rewritten.startswith("(") and rewritten.endswith(")")):
            return None
        if rewritten[1:-1] != text:
            edits.append((start, end, rewritten[1:-1]))
    for start, end, text in reversed(edits):
        code = code[:start] + text + code[end:]
    return code


def _outermost_fstrings(tree: ast.Module) -> list[ast.JoinedStr]:
    """Every f-string expression not inside another one, in source order."""
    found: list[ast.JoinedStr] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.JoinedStr):
            found.append(node)
        else:
            pending.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))


def _column(line: str, node: ast.expr, *, end: bool = False) -> int:
    """A node's start (or end) column in characters (`ast` counts UTF-8 bytes)."""
    offset = node.end_col_offset if end else node.col_offset
    return len(line.encode("utf-8")[:offset].decode("utf-8", "replace"))


class _Plain(cst.CSTTransformer):
    def leave_FormattedString(
        self, original: cst.FormattedString, updated: cst.FormattedString
    ) -> cst.BaseExpression:
        if not all(isinstance(p, cst.FormattedStringText) for p in updated.parts):
            return updated
        text = "".join(p.value for p in updated.parts)  # type: ignore[attr-defined]
        text = text.replace("{{", "{").replace("}}", "}")
        quote = updated.start[len(updated.prefix) :]
        prefix = updated.prefix.replace("f", "").replace("F", "")
        return cst.SimpleString(
            f"{prefix}{quote}{text}{updated.end}",
            lpar=updated.lpar,
            rpar=updated.rpar,
        )
