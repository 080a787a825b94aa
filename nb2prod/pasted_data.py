"""Pasted data: literal containers of 100 kB or more that `convert` keeps verbatim.

A cell grows to megabytes when data is pasted into it (`RECORDS = [{...}, ...]`).
Every stage of a conversion walks such a literal node by node (analysis, libcst's
parse and rewrites, black, which formats data at about 17 s a megabyte), although no
stage changes it: it holds no name, no call and no secret. So before converting, each
such literal is replaced by a small marker container of the same kind, over the same
lines and columns (every other position in the cell stays the same); after the
package is rendered and formatted, each marker becomes the literal as the user wrote
it, in a `# fmt: off` / `# fmt: on` region so that black leaves it alone later too.

A literal qualifies when it is a list, tuple, set or dict display of constants only
(numbers, strings, bytes, True/False/None, nested displays), outside f-strings and
IPython lines, and neither its text nor the names it is bound to look like a secret
(those go the usual way, where secrets are replaced). Any marker that cannot be put
back exactly makes `restore_pasted_data` return None: the caller converts without
markers instead.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import NamedTuple

from nb2prod.analysis.secrets import is_secret_name, text_secrets
from nb2prod.collector import collection_paused
from nb2prod.reading.magics import translate_cell
from nb2prod.reading.notebook import Cell, CellKind, Notebook
from nb2prod.reading.positions import split_lines

#: Characters from which a literal is pasted data rather than code.
MIN_SIZE = 100_000

_CONTAINERS = (ast.List, ast.Tuple, ast.Set, ast.Dict)
_INT_BITS = 10_000  # 3,000 digits: under Python's 4,300-digit limit for int -> str
_PREFIX = "__nb2prod_pasted_data_"


class PastedData(NamedTuple):
    """The notebook with markers in place of its pasted data, and what each stands for."""

    notebook: Notebook
    literals: dict[str, _Literal]


class _Literal(NamedTuple):
    text: str  # as the user wrote it, line ends as `\n`
    head: str  # the marker: `head`, blank lines, `tail`
    tail: str
    indent: str  # of the line it starts on in the cell
    movable: bool  # no string spans lines: its lines can be indented like the code

    def placed(self, indent: str) -> str:
        """The text on a line indented by `indent`: its other lines moved as much as
        the first line moved (when no string would change)."""
        first, *rest = self.text.split("\n")
        if not self.movable or indent == self.indent:
            return self.text
        if indent.startswith(self.indent):
            extra = indent[len(self.indent) :]
            rest = [extra + line if line.strip() else line for line in rest]
        else:
            cut = self.indent[len(indent) :] if self.indent.startswith(indent) else ""
            if not cut or not all(x.startswith(cut) for x in rest if x.strip()):
                return self.text
            rest = [line[len(cut) :] if line.strip() else line for line in rest]
        return "\n".join([first, *rest])

    def marker(self) -> str:
        """The marker as black writes it (all on one line)."""
        return self.head + self.tail

    def pattern(self) -> re.Pattern[str]:
        """The marker in formatted code: any spacing, an optional trailing comma."""
        parts: list[str] = []
        for token in re.findall(r'"[^"]*"|-?\d+|[^\s]', self.marker()):
            if token in ")]}" and parts and parts[-1] != re.escape(","):
                parts.append(r"(?:,\s*)?")
            parts.append(re.escape(token))
        return re.compile(r"\s*".join(parts))


class _Span(NamedTuple):
    """Where a literal is: 1-based lines, 0-based character columns, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


def mask_pasted_data(notebook: Notebook) -> PastedData | None:
    """The notebook with each pasted literal replaced by a marker; None when it holds
    none."""
    taken = "".join(cell.source for cell in notebook.cells)
    literals: dict[str, _Literal] = {}
    markers: dict[tuple[str, str], str] = {}  # the same literal, the same marker
    cells = []
    for cell in notebook.cells:
        found = _pasted(cell) if _may_hold_data(cell) else []
        source = cell.source
        starts = _line_starts(source) if found else []
        for span, node_type, kind in reversed(found):  # bottom up: offsets stay valid
            start = starts[span.line - 1] + span.column
            end = starts[span.end_line - 1] + span.end_column
            text = source[start:end]
            before = source[starts[span.line - 1] : start]
            indent = before[: len(before) - len(before.lstrip(" \t"))]
            name = markers.get((text, indent))
            if name is None:
                name = _fresh_name(len(markers), taken)
                markers[(text, indent)] = name
            literal = _literal(node_type, kind, name, text, indent)
            masked = _masked(literal, span, text)
            if masked is None:
                continue
            literals[name] = literal
            source = source[:start] + masked + source[end:]
        cells.append(cell._replace(source=source) if found else cell)
    if not literals:
        return None
    return PastedData(notebook._replace(cells=tuple(cells)), literals)


def restore_pasted_data(
    files: dict[str, str], literals: dict[str, _Literal]
) -> dict[str, str] | None:
    """The package's files with each marker replaced by its literal; None when a marker
    is not where and as expected."""
    restored = {}
    for path, text in files.items():
        if not any(name in text for name in literals):
            restored[path] = text
            continue
        if not path.endswith(".py"):
            return None
        code = _restore_file(text, literals)
        if code is None:
            return None
        restored[path] = code
    return restored


def _may_hold_data(cell: Cell) -> bool:
    return cell.kind is CellKind.CODE and len(cell.source) >= MIN_SIZE


def _pasted(cell: Cell) -> list[tuple[_Span, type[ast.expr], _Kind]]:
    """(span, node type, kind) of each pasted literal of a code cell, in source
    order (not the nodes: they would keep the whole tree alive)."""
    with collection_paused():  # megabytes of `ast` nodes, no cycle among them
        return list(_literals_of(cell))


def _literals_of(cell: Cell) -> Iterator[tuple[_Span, type[ast.expr], _Kind]]:
    translation = translate_cell(cell.source)
    python = translation.python
    try:  # what else `parse_cell` refuses, the conversion refuses after the masking
        tree = ast.parse(python)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    lines = [content for content, _ in split_lines(python)]
    magic = {
        line
        for fact in translation.syntax
        for line in range(fact.span.line, fact.span.end_line + 1)
    }
    source_lines = (
        lines
        if python == cell.source
        else [content for content, _ in split_lines(cell.source)]
    )
    found = []
    pending: list[tuple[ast.AST, tuple[str, ...]]] = [(tree, ())]
    while pending:
        node, names = pending.pop()
        if isinstance(node, ast.JoinedStr):
            continue  # f-string parts are not positioned reliably before 3.12
        if isinstance(node, _CONTAINERS) and _size(node, lines) >= MIN_SIZE:
            kind = _constants_only(node)
            if kind is not None:
                span = _span(node, lines)
                if _qualifies(span, names, magic, lines, source_lines):
                    found.append((span, type(node), kind))
                    continue
        pending.extend(
            (child, names + _names(node, child))
            for child in ast.iter_child_nodes(node)
            if not hasattr(child, "lineno") or _size(child, lines) >= MIN_SIZE
        )
    yield from sorted(found, key=lambda item: item[0])


def _size(node: ast.AST, lines: list[str]) -> int:
    """About how many characters a node spans (columns in bytes: enough to compare)."""
    line, end = node.lineno, getattr(node, "end_lineno", None)  # type: ignore[attr-defined]
    if end is None:
        return 0
    if line == end:
        return node.end_col_offset - node.col_offset  # type: ignore[attr-defined]
    inner = sum(len(text) + 1 for text in lines[line : end - 1])
    first = len(lines[line - 1]) - node.col_offset  # type: ignore[attr-defined]
    return first + inner + node.end_col_offset  # type: ignore[attr-defined]


class _Kind(NamedTuple):
    plain: bool  # a plain value to libcst (no dict, no sign): `unused_locals` keeps
    # such a value under an underscore name
    movable: bool  # no string spans lines


def _constants_only(node: ast.expr) -> _Kind | None:
    """None unless `node` holds only constants and displays of them (keys that name a
    credential excepted); else what kind of value it is."""
    plain = movable = True
    keys: dict[str, bool] = {}  # whether a key names a credential, asked once per key
    pending: list[ast.AST] = [node]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is ast.Constant:
            value = item.value  # type: ignore[attr-defined]
            if isinstance(value, int) and value.bit_length() > _INT_BITS:
                return None  # more digits than Python turns into text: refused later
            movable = movable and item.lineno == item.end_lineno  # type: ignore[attr-defined]
            continue
        if kind is ast.List or kind is ast.Tuple or kind is ast.Set:
            pending.extend(item.elts)  # type: ignore[attr-defined]
        elif kind is ast.Dict:
            plain = False
            for key in item.keys:  # type: ignore[attr-defined]
                if key is None:  # `**spread`
                    return None
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    secret = keys.get(key.value)
                    if secret is None:
                        secret = keys[key.value] = is_secret_name(key.value)
                    if secret:
                        return None
                pending.append(key)
            pending.extend(item.values)  # type: ignore[attr-defined]
        elif kind is ast.UnaryOp and isinstance(item.op, (ast.USub, ast.UAdd)):  # type: ignore[attr-defined]
            plain = False
            if not isinstance(item.operand, ast.Constant):  # type: ignore[attr-defined]
                return None
        else:
            return None
    return _Kind(plain, movable)


def _names(parent: ast.AST, child: ast.AST) -> tuple[str, ...]:
    """The names a value in `child` is bound to or passed as, seen from `parent`."""
    if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return tuple(
            n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)
        )
    if isinstance(parent, ast.keyword) and parent.arg:
        return (parent.arg,)
    if isinstance(parent, ast.Dict):
        for key, value in zip(parent.keys, parent.values, strict=True):
            if value is child and isinstance(key, ast.Constant):
                return (str(key.value),)
    return ()


def _span(node: ast.expr, lines: list[str]) -> _Span:
    end_line = node.end_lineno or node.lineno
    return _Span(
        node.lineno,
        _characters(lines[node.lineno - 1], node.col_offset),
        end_line,
        _characters(lines[end_line - 1], node.end_col_offset or 0),
    )


def _characters(line: str, offset: int) -> int:
    """A column in characters, from `ast`'s UTF-8 byte offset."""
    return len(line.encode("utf-8")[:offset].decode("utf-8", "replace"))


def _qualifies(
    span: _Span,
    names: tuple[str, ...],
    magic: set[int],
    python: list[str],
    source: list[str],
) -> bool:
    """Outside IPython lines, the same text in the cell as in its translation, bound
    to no credential name, and holding no secret."""
    lines = range(span.line, span.end_line + 1)
    if any(line in magic for line in lines) or any(map(is_secret_name, names)):
        return False
    if python[span.line - 1 : span.end_line] != source[span.line - 1 : span.end_line]:
        return False
    return not text_secrets("\n".join(python[span.line - 1 : span.end_line]))


def _fresh_name(number: int, taken: str) -> str:
    name = f"{_PREFIX}{number}__"
    while name in taken:
        name = name[:-2] + "_x__"
    return name


def _literal(
    node: type[ast.expr], kind: _Kind, name: str, text: str, indent: str
) -> _Literal:
    """The marker of a literal: a container of the same kind and plainness."""
    quoted, plain = f'"{name}"', kind.plain
    if node is ast.Dict:
        head, tail = "{" + quoted + ": 0", "}"
    elif node is ast.Set:
        head, tail = "{" + (quoted if plain else f"({quoted}, -1)"), "}"
    else:
        item = quoted if plain else "{" + quoted + ": 0}"
        head, tail = ("[" + item, "]") if node is ast.List else ("(" + item + ",", ")")
    if node is ast.Tuple:
        text = f"({text})"  # a tuple's text may lack its parentheses: `1, 2`
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _Literal(text, head, tail, indent, kind.movable)


def _line_starts(source: str) -> list[int]:
    """The offset of each line, lines counted as Python counts them."""
    starts = [0]
    for content, ending in split_lines(source):
        starts.append(starts[-1] + len(content) + len(ending))
    return starts


def _masked(literal: _Literal, span: _Span, text: str) -> str | None:
    """The marker over the literal's lines, its end at the literal's end column."""
    if span.line == span.end_line:
        pad = len(text) - len(literal.head) - len(literal.tail)
        return literal.head + " " * pad + literal.tail if pad >= 0 else None
    pad = span.end_column - len(literal.tail)
    breaks = "\n" * (span.end_line - span.line)
    return literal.head + breaks + " " * pad + literal.tail if pad >= 0 else None


def _restore_file(code: str, literals: dict[str, _Literal]) -> str | None:
    """One formatted module with its markers replaced, each statement holding one
    between `# fmt: off` and `# fmt: on`."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    edits: list[tuple[int, int, str]] = []
    lines_with_data: set[int] = set()
    for name, literal in literals.items():
        matches = list(literal.pattern().finditer(code))
        if len(matches) != code.count(f'"{name}"'):
            return None  # a marker that black or a rewrite reshaped
        for match in matches:
            line_start = code.rfind("\n", 0, match.start()) + 1
            line = code[line_start : match.start()]
            indent = line[: len(line) - len(line.lstrip(" "))]
            edits.append((match.start(), match.end(), literal.placed(indent)))
            lines_with_data.add(code.count("\n", 0, match.start()) + 1)
    regions = _statements_holding(tree, lines_with_data)
    if regions is None:
        return None
    lines = code.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for first, last in regions:
        indent = lines[first - 1][
            : len(lines[first - 1]) - len(lines[first - 1].lstrip())
        ]
        edits.append((starts[first - 1], starts[first - 1], f"{indent}# fmt: off\n"))
        edits.append((starts[last], starts[last], f"{indent}# fmt: on\n"))
    pieces, done = [], 0
    for start, end, text in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        pieces += [code[done:start], text]
        done = end
    return "".join([*pieces, code[done:]])


def _statements_holding(
    tree: ast.Module, lines: set[int]
) -> list[tuple[int, int]] | None:
    """(first, last) line of the innermost statement around each line, outermost
    regions only (a region inside another one is already off)."""
    statements = [node for node in ast.walk(tree) if isinstance(node, ast.stmt)]
    regions = set()
    for line in lines:
        around = [
            (_first_line(node), node.end_lineno or node.lineno)
            for node in statements
            if _first_line(node) <= line <= (node.end_lineno or node.lineno)
        ]
        if not around:
            return None
        regions.add(min(around, key=lambda region: region[1] - region[0]))
    ordered = sorted(regions)
    return [
        region
        for region in ordered
        if not any(
            o != region and o[0] <= region[0] and region[1] <= o[1] for o in ordered
        )
    ]


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", ())
    return min([node.lineno, *(d.lineno for d in decorators)])
