"""Blocks of comment lines in a cell, and whether they are prose or code (NB208)."""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from collections.abc import Iterator

_CODE_LIKE = re.compile(r"""^[!%'")\]}]|.*[([{\\]$|^[\w.\[\]'"]+\s*=[^=]""")
#: Lines that only parse after the statement they continue, or before the one they wrap.
_CLAUSE = re.compile(
    r"^(?:else|try|finally|except\b.*|elif\b.+)\s*:|^@[\w.]+(?:\(.*\))?$"
    r"|^print\s+[\"'\w]"  # Python 2's print statement
)


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
    return 2 * _code_lines(texts) >= len(block) or _parses(block)


def _parses(block: list[tuple[int, str]]) -> bool:
    """The block, uncommented, is a Python program that does something: a statement
    over many lines (`query = \"\"\"` ... `\"\"\"`), not a list of single words."""
    lines = [comment[1:].removeprefix(" ") for _, comment in block]
    try:
        tree = ast.parse(textwrap.dedent("\n".join(lines)))
    except (SyntaxError, ValueError):
        return False
    return any(
        not (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Name | ast.Constant)
        )
        for node in tree.body
    )


def _code_lines(texts: list[str]) -> int:
    """How many lines are code, a statement spread over several lines counting whole
    (`model.compile(optimizer="adam",` / `loss="mse")`)."""
    count, index = 0, 0
    while index < len(texts):
        end = _statement_end(texts, index)
        if end is not None:
            count += end - index
            index = end
        else:
            count += _line_is_code(texts[index])
            index += 1
    return count


def _statement_end(texts: list[str], first: int) -> int | None:
    """The end of a bracketed statement opened on line `first`, when it parses."""
    depth = 0
    for index in range(first, len(texts)):
        text = texts[index]
        depth += sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")
        if depth <= 0:
            if index == first:
                return None
            statement = " ".join(texts[first : index + 1])
            return index + 1 if _line_is_code(statement) else None
    return None


def _line_is_code(text: str) -> bool:
    if not text.strip("-=*#~_ "):
        return True  # blank or a ruler
    if text.isidentifier():
        return False  # a single word such as `TODO` or `Setup`
    if _CODE_LIKE.match(text) or _CLAUSE.match(text):
        return True  # a magic, a continuation line, an assignment, `else:`
    try:
        ast.parse(text + ("\n    pass" if text.endswith(":") else ""))
    except (SyntaxError, ValueError):
        return False
    return True
