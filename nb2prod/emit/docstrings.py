"""Notebook text inside a generated docstring: titles, headings, file names.

A heading may hold anything: a backslash (`\\N{...}` is an escape), quotes that close
the docstring, a NUL byte that no Python source may contain. `in_docstring` escapes
exactly those, so the docstring compiles and reads back as the notebook's text.
"""

from __future__ import annotations

import re

_QUOTE_BEFORE_QUOTE = re.compile(r'"(?=")|"$')


def in_docstring(text: str) -> str:
    """`text` as it can stand between the `\"\"\"` of a docstring."""
    escaped = text.replace("\\", "\\\\").replace("\0", "\\x00")
    return _QUOTE_BEFORE_QUOTE.sub('\\\\"', escaped)
