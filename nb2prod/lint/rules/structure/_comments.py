"""Blocks of comment lines in a cell, and whether they are prose or code (NB208)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator

_CODE_LIKE = re.compile(r"""^[!%'")\]}]|.*[([{\\]$|^[\w.\[\]'"]+\s*=[^=]""")


def comment_blocks(source: str) -> Iterator[list[tuple[int, str]]]:
    """Runs of consecutive lines holding only a comment, starting in column 0."""
    block: list[tuple[int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                continue
            line = token.start[0]
            whole = token.type == tokenize.COMMENT and token.start[1] == 0
            if whole and (not block or block[-1][0] == line - 1):
                block.append((line, token.string))
                continue
            if block:
                yield block
            block = [(line, token.string)] if whole else []
    except (tokenize.TokenError, SyntaxError):
        pass
    if block:
        yield block


def is_code(block: list[tuple[int, str]]) -> bool:
    """Commented-out code, rulers, or a file header (coding cookie, jupytext YAML)."""
    texts = [comment.lstrip("#").strip() for _, comment in block]
    if texts[0].startswith(("-*-", "---", "!")):
        return True
    code = sum(1 for text in texts if _line_is_code(text))
    return 2 * code >= len(block)


def _line_is_code(text: str) -> bool:
    if not text.strip("-=*#~_ "):
        return True  # blank or a ruler
    if text.isidentifier():
        return False  # a single word such as `TODO` or `Setup`
    if _CODE_LIKE.match(text):
        return True  # a magic, a continuation line, an assignment
    try:
        ast.parse(text + ("\n    pass" if text.endswith(":") else ""))
    except (SyntaxError, ValueError):
        return False
    return True
