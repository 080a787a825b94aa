"""f-strings with nothing to format (`f"Epoch ..."`) become plain strings (pyflakes
F541): the same text, without the `f` that promises a placeholder."""

from __future__ import annotations

import ast

import libcst as cst


def plain_fstrings(code: str) -> str:
    """The code with every placeholder-free f-string written as a plain string."""
    if "f'" not in code and 'f"' not in code and "F'" not in code and 'F"' not in code:
        return code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    if not any(_is_plain(node) for node in ast.walk(tree)):
        return code
    return cst.parse_module(code).visit(_Plain()).code


def _is_plain(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) and not any(
        isinstance(value, ast.FormattedValue) for value in node.values
    )


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
