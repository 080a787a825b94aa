"""Where a notebook holds secrets: string literals, comments, IPython magics and shell
lines of code cells; markdown and raw cells; stored outputs. Each secret becomes a
`SecretFact` naming its place (`literal`, `fstring`, `comment`, `magic`, `code` for
a cell that is not Python, `markdown`, `output`); `notebook_redactor` gathers their values so that every
command can redact them wherever they reappear.

Uses the one detector in `secrets.py`; positions are (line, column) in the cell as the
user wrote it (1-based lines, 0-based character columns).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Iterator, Sequence

from nb2prod.analysis.facts import CellFacts, SecretFact
from nb2prod.analysis.scopes import RawLiteral
from nb2prod.analysis.secrets import (
    Redactor,
    SecretMatch,
    SecretText,
    is_secret_name,
    redact,
    text_secrets,
    value_secret,
)
from nb2prod.reading.magics import IPythonSyntax, SyntaxKind
from nb2prod.reading.notebook import Cell, CellKind, Output

#: An f-string prefix: `f"`, `rf'`, `Fr"`...
_FSTRING = re.compile(r"(?<!\w)[rR]?[fF][rR]?[\"']")


def code_secrets(
    literals: Sequence[RawLiteral],
    syntax: tuple[IPythonSyntax, ...],
    masked: frozenset[int],
    python: str | None,
    shifts: dict[int, int],
    tree: ast.Module | None = None,
) -> Iterator[SecretFact]:
    """Secrets of a code cell: in its string literals and f-strings, its comments, and
    its IPython syntax (`%env`, `%set_env`, `!curl -H "Authorization: ..."`, cell magic
    bodies). `python` is the cell's translation and `tree` its syntax tree."""
    strings = [
        literal
        for literal in literals
        if isinstance(literal.value, str) and literal.line not in masked
    ]
    # one search of all the cell's strings first: most cells hold no secret at all
    any_text = bool(text_secrets("\n".join(str(s.value) for s in strings)))
    for literal in strings:
        value, name = str(literal.value), literal.name
        if not any_text and not (name is not None and is_secret_name(name)):
            continue
        kind = value_secret(name, value)
        if kind is not None:
            inner = text_secrets(value)
            secret = value[inner[0].start : inner[0].end] if inner else value
            yield SecretFact(
                literal.line,
                literal.column,
                kind,
                name or (inner[0].name if inner else None),
                redact(secret),
                "literal",
                SecretText(secret),
            )
    for fact in syntax:
        if fact.keeps_python or fact.kind is SyntaxKind.TOP_LEVEL_AWAIT:
            continue  # Python: its literals and comments are searched as code
        span = fact.span
        for match in text_secrets(fact.text):
            line, column = _position(fact.text, match.start)
            yield _fact(
                match,
                fact.text,
                span.line + line - 1,
                column + (span.column if line == 1 else 0),
                "magic",
            )
    if python is not None:
        yield from _comment_secrets(python, masked, shifts)
        if tree is not None and _FSTRING.search(python) and text_secrets(python):
            yield from _fstring_secrets(tree, python, masked, shifts)


def unparsed_secrets(
    source: str, syntax: tuple[IPythonSyntax, ...]
) -> Iterator[SecretFact]:
    """Secrets of a code cell that is not Python: its IPython syntax, and the rest of
    its text searched as code."""
    yield from code_secrets((), syntax, frozenset(), None, {})
    magic_lines = {
        line
        for fact in syntax
        for line in range(fact.span.line, fact.span.end_line + 1)
    }
    for number, text in enumerate(source.splitlines(), start=1):
        if number not in magic_lines:
            for match in text_secrets(text):
                yield _fact(match, text, number, match.start, "code")


def text_cell_secrets(cell: Cell) -> tuple[SecretFact, ...]:
    """Secrets in a markdown or raw cell's text."""
    if cell.kind is CellKind.CODE:
        return ()
    found = []
    for match in text_secrets(cell.source):
        line, column = _position(cell.source, match.start)
        found.append(_fact(match, cell.source, line, column, "markdown"))
    return tuple(found)


def output_secrets(cell: Cell) -> tuple[SecretFact, ...]:
    """Secrets in a code cell's stored outputs (one fact per distinct value)."""
    found: dict[str, SecretFact] = {}
    for text in (t for output in cell.outputs for t in output_texts(output)):
        for match in text_secrets(text):
            value = text[match.start : match.end]
            if value not in found:
                found[value] = _fact(match, text, 1, 0, "output")
    return tuple(found.values())


def output_texts(output: Output) -> Iterator[str]:
    """The text an output stores: streams, text-like MIME types, error details."""
    yield output.text
    for mime, content in output.data:
        if mime.startswith("text/") or mime.endswith("json"):
            yield content
    yield output.evalue or ""
    yield from output.traceback


def notebook_redactor(
    cells: Iterable[Cell], facts: Iterable[CellFacts] = ()
) -> Redactor:
    """A redactor that knows every secret value of these cells: what analysis found in
    code cells (`facts`), and what markdown, raw cells and outputs hold."""
    values = [
        secret.value
        for cell_facts in facts
        for secret in cell_facts.secrets
        if secret.value is not None
    ]
    for cell in cells:
        for secret in (*text_cell_secrets(cell), *output_secrets(cell)):
            if secret.value is not None:
                values.append(secret.value)
    return Redactor(values)


def _comment_secrets(
    python: str, masked: frozenset[int], shifts: dict[int, int]
) -> Iterator[SecretFact]:
    """Secrets in `# comments`; the tokenizer runs only when the text after some `#`
    holds a secret, which few cells do."""
    if "#" not in python:
        return
    tails = (line[line.index("#") :] for line in python.splitlines() if "#" in line)
    if not text_secrets("\n".join(tails)):
        return
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, SyntaxError):
        return  # the cell parsed, so the tokenizer agrees; a guard, not a path
    for token in tokens:
        line, column = token.start
        if token.type != tokenize.COMMENT or line in masked:
            continue
        for match in text_secrets(token.string):
            yield _fact(
                match,
                token.string,
                line,
                column + shifts.get(line, 0) + match.start,
                "comment",
            )


def _fstring_secrets(
    tree: ast.Module, python: str, masked: frozenset[int], shifts: dict[int, int]
) -> Iterator[SecretFact]:
    """Secrets in the text of f-strings (`f"...?token=ghp_...&q={q}"`), which are no
    literal a lookup can replace; reported at the f-string."""
    lines = python.splitlines()
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr) or node.lineno in masked:
            continue
        for part in node.values:
            if not isinstance(part, ast.Constant) or not isinstance(part.value, str):
                continue
            for match in text_secrets(part.value):
                line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
                prefix = line.encode("utf-8")[: node.col_offset]
                column = len(prefix.decode("utf-8", "ignore"))
                yield _fact(
                    match,
                    part.value,
                    node.lineno,
                    column + shifts.get(node.lineno, 0),
                    "fstring",
                )


def _fact(
    match: SecretMatch, text: str, line: int, column: int, place: str
) -> SecretFact:
    value = text[match.start : match.end]
    return SecretFact(
        line, column, match.kind, match.name, redact(value), place, SecretText(value)
    )


def _position(text: str, offset: int) -> tuple[int, int]:
    """(line, column) of a character offset: 1-based line, 0-based column."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1)
