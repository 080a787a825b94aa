"""IPython's clean-up of a cell before it runs: a common leading indent removed, and
`>>>` / `...` or `In [1]:` / `...:` prompts of pasted sessions stripped.

These are the `cleanup_transforms` of IPython's `TransformerManager`, applied the same
way, except that the line count never changes: leading blank lines stay (blank lines
mean nothing to Python) so that every position in the cell keeps its line. The
translation records what was removed (`magics.translate_cell`), so the original text
comes back exactly.
"""

from __future__ import annotations

import re

_INDENT = re.compile(r"^[ \t]+")
_CLASSIC_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_CLASSIC_FIRST = re.compile(r"^>>>( |$)")
_IPYTHON_PROMPT = re.compile(
    r"^(((\[nav\]|\[ins\])?\ )?In\ \[\d+\]:\ |\s*\.{3,}:\ ?)", re.VERBOSE
)


def clean_input(source: str) -> str:
    """`source` as IPython runs it, with its lines (and line endings) where they were."""
    lines = source.splitlines(keepends=True)
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return source
    head, body = lines[:first], [_split(line) for line in lines[first:]]
    body = _leading_indent(body)
    body = _strip_prompts(body, _CLASSIC_PROMPT, _CLASSIC_FIRST)
    body = _strip_prompts(body, _IPYTHON_PROMPT, _IPYTHON_PROMPT)
    return "".join(head) + "".join(text + end for text, end in body)


def _split(line: str) -> tuple[str, str]:
    text = line.rstrip("\r\n")
    return text, line[len(text) :]


def _leading_indent(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    match = _INDENT.match(lines[0][0])
    if match is None:
        return lines
    space = match.group(0)
    return [
        (text[len(space) :] if text.startswith(space) else text, end)
        for text, end in lines
    ]


def _strip_prompts(
    lines: list[tuple[str, str]], prompt: re.Pattern[str], initial: re.Pattern[str]
) -> list[tuple[str, str]]:
    if initial.match(lines[0][0]) or (len(lines) > 1 and prompt.match(lines[1][0])):
        return [(prompt.sub("", text, count=1), end) for text, end in lines]
    return lines
