"""Per-cell facts: the walk's findings, qualified and classified, as `CellFacts`."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nb2prod.analysis.calls import classify, qualified_name
from nb2prod.analysis.facts import (
    CallFact,
    CallScope,
    CellFacts,
    DisplayFact,
    ImportFact,
    LiteralFact,
    Mention,
    PrintFact,
    SecretFact,
)
from nb2prod.analysis.literals import is_absolute_or_user_path, is_url, looks_like_path
from nb2prod.analysis.scopes import CellScan, RawCall, scan_cell
from nb2prod.analysis.secret_places import code_secrets, unparsed_secrets
from nb2prod.reading.magics import IPythonSyntax, SyntaxKind, column_shifts
from nb2prod.reading.parsing import TOO_NESTED, ParsedCell, SyntaxProblem

_NOT_DISPLAYED_CALLS = frozenset({"print", "display"})


def scan(parsed: ParsedCell) -> CellScan | None:
    """Walk a parsed cell (None for a cell that is not Python)."""
    if parsed.tree is None:
        return None
    try:
        shifts = column_shifts(parsed.translation.syntax)
        return scan_cell(parsed.tree, parsed.translation.python, shifts)
    except RecursionError:
        return None  # `cell_facts` reports the cell as too deeply nested to analyse


def aliases_of(imports: list[ImportFact]) -> dict[str, str]:
    """Notebook name -> what it imports (`np` -> `numpy`, `tts` -> `sklearn...split`)."""
    found: dict[str, str] = {}
    for fact in imports:
        if fact.bound is None or fact.level:
            continue
        if fact.name is None:
            found[fact.bound] = fact.module if fact.alias else fact.bound
        else:
            found[fact.bound] = f"{fact.module}.{fact.name}"
    return found


def cell_facts(
    parsed: ParsedCell, walked: CellScan | None, aliases: dict[str, str]
) -> CellFacts:
    """Assemble the facts of one code cell."""
    cell, syntax = parsed.cell, parsed.translation.syntax
    problems = () if parsed.problem is None else (parsed.problem,)
    if walked is None and parsed.tree is not None:
        problem = SyntaxProblem(cell.index, cell.execution_count, 1, 0, TOO_NESTED)
        return _empty_facts(parsed, (problem,))
    if walked is None or parsed.tree is None:
        return _empty_facts(parsed, problems)
    masked = _masked_lines(syntax)
    categories: dict[str, list[CallFact]] = {"plots": [], "randomness": [], "io": []}
    calls = [call for call in walked.raw_calls if call.line not in masked]
    for category, fact in classify(calls, aliases):
        categories[category].append(fact)
    return CellFacts(
        index=cell.index,
        execution_count=cell.execution_count,
        defines=tuple(sorted(set(walked.defines) | set(ipython_bindings(syntax)))),
        reads=tuple(sorted(walked.reads)),
        mutates=tuple(sorted(walked.mutates)),
        deletes=tuple(sorted(walked.deletes)),
        builtins_read=tuple(sorted(walked.builtins_read)),
        calls=tuple(sorted(walked.calls)),
        lambda_reads=tuple(sorted(walked.lambda_reads)),
        functions=tuple(sorted(walked.functions)),
        classes=tuple(sorted(walked.classes)),
        imports=tuple(walked.imports),  # document order
        star_imports=tuple(sorted({f.module for f in walked.imports if f.name == "*"})),
        prints=tuple(_prints(calls, aliases, parsed.translation.python)),
        display_expression=_display(parsed.tree, parsed.translation.python, masked),
        plots=tuple(sorted(categories["plots"], key=_place)),
        randomness=tuple(sorted(categories["randomness"], key=_place)),
        io=tuple(sorted(categories["io"], key=_place)),
        literals=tuple(sorted(_literals(walked, masked, aliases), key=_place)),
        secrets=_unique(
            code_secrets(
                walked.literals,
                syntax,
                masked,
                parsed.translation.python,
                column_shifts(syntax),
                parsed.tree,
            )
        ),
        ipython_syntax=syntax,
        problems=problems,
        read_sites=_mentions({**walked.lambda_reads, **walked.reads}),
        call_sites=_mentions(walked.calls),
        call_scopes=tuple(
            CallScope(name, tuple(sorted(bound)))
            for name, bound in sorted(walked.bound_before_call.items())
        ),
    )


def _mentions(sites: dict[str, tuple[int, int]]) -> tuple[Mention, ...]:
    return tuple(Mention(name, *sites[name]) for name in sorted(sites))


def _empty_facts(parsed: ParsedCell, problems: tuple) -> CellFacts:
    cell = parsed.cell
    return CellFacts(
        index=cell.index,
        execution_count=cell.execution_count,
        defines=(),
        reads=(),
        mutates=(),
        deletes=(),
        builtins_read=(),
        calls=(),
        lambda_reads=(),
        functions=(),
        classes=(),
        imports=(),
        star_imports=(),
        prints=(),
        display_expression=None,
        plots=(),
        randomness=(),
        io=(),
        literals=(),
        secrets=_unique(unparsed_secrets(cell.source, parsed.translation.syntax)),
        ipython_syntax=parsed.translation.syntax,
        problems=problems,
    )


def ipython_bindings(syntax: tuple[IPythonSyntax, ...]) -> Iterator[str]:
    """Names IPython syntax binds: `%%capture out`, `%store -r model`, and what a
    `%%cython` cell defines at its top level."""
    for fact in syntax:
        words = [word for word in fact.args.split() if not word.startswith("-")]
        if fact.kind is SyntaxKind.CELL_MAGIC and fact.name == "capture" and words:
            yield words[0]
        elif fact.kind is SyntaxKind.CELL_MAGIC and fact.body_language == "cython":
            yield from cython_names(fact.text.partition("\n")[2])
        elif fact.name == "store" and "-r" in fact.args.split():
            yield from (word for word in words if word.isidentifier())


#: Top-level Cython statements whose names IPython pushes into the notebook namespace
#: (cdef functions and variables stay private to the compiled module).
_CYTHON_BINDING = re.compile(
    r"^(?:(?:async\s+)?def\s+(?P<def>\w+)"
    r"|cpdef\s+(?:[\w.\[\]*]+\s+)*?(?P<cpdef>\w+)\s*\("
    r"|(?:cdef\s+|cpdef\s+)?class\s+(?P<class>\w+)"
    r"|(?P<assigned>\w+)\s*=[^=])",
    re.MULTILINE,
)
_CYTHON_IMPORT = re.compile(
    r"^(?:from\s+\S+\s+)?import\s+(?P<names>[\w., ]+?)\s*$", re.MULTILINE
)


def cython_names(body: str) -> Iterator[str]:
    """Functions, classes, imports and variables a `%%cython` cell defines."""
    for match in _CYTHON_BINDING.finditer(body):
        yield next(name for name in match.groups() if name)
    for match in _CYTHON_IMPORT.finditer(body):
        for part in match["names"].split(","):
            words = part.split()
            if words:  # `import a.b as c` binds c, `import a.b` binds a
                yield words[-1].split(".")[0]


def _place(fact: CallFact | LiteralFact | SecretFact) -> tuple[int, int]:
    """Sort facts by position; ties keep the order the walk found them in."""
    return (fact.line, fact.column)


def _unique(secrets: Iterator[SecretFact]) -> tuple[SecretFact, ...]:
    return tuple(sorted(dict.fromkeys(secrets), key=_place))


def _masked_lines(syntax: tuple[IPythonSyntax, ...]) -> frozenset[int]:
    """Lines that hold translated IPython syntax rather than the user's Python."""
    return frozenset(
        line
        for fact in syntax
        if not fact.keeps_python and fact.kind is not SyntaxKind.TOP_LEVEL_AWAIT
        for line in range(fact.span.line, fact.span.end_line + 1)
    )


def _prints(
    calls: list[RawCall], aliases: dict[str, str], source: str
) -> Iterator[PrintFact]:
    lines = source.splitlines()
    for call in calls:
        if call.func != "print" or "print" in aliases:
            continue
        node = call.node
        yield PrintFact(
            line=call.line,
            column=call.column,
            args=tuple(_segment(lines, argument) for argument in node.args),
            keywords=tuple(keyword.arg for keyword in node.keywords if keyword.arg),
            in_function=call.in_function,
        )


def _display(
    tree: ast.Module, source: str, masked: frozenset[int]
) -> DisplayFact | None:
    """The last top-level bare expression, unless `;` or a None-returning call hides it."""
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    expression = tree.body[-1].value
    if expression.lineno in masked:
        return None
    if isinstance(expression, ast.Call) and (
        getattr(expression.func, "id", None) in _NOT_DISPLAYED_CALLS
        or getattr(expression.func, "attr", None) == "show"  # plt.show() returns None
    ):
        return None
    lines = source.splitlines()
    end_line = lines[expression.end_lineno - 1] if expression.end_lineno else ""
    after = end_line.encode("utf-8")[expression.end_col_offset or 0 :].decode(
        "utf-8", "ignore"
    )
    if after.lstrip().startswith(";"):
        return None  # a trailing semicolon suppresses the display
    line = lines[expression.lineno - 1]
    column = len(
        line.encode("utf-8")[: expression.col_offset].decode("utf-8", "ignore")
    )
    return DisplayFact(expression.lineno, column, _segment(lines, expression))


def _segment(lines: list[str], node: ast.AST) -> str:
    """Source text of a node; a multi-line node is shortened to its first line."""
    line = lines[node.lineno - 1]  # type: ignore[attr-defined]
    data = line.encode("utf-8")
    start = node.col_offset  # type: ignore[attr-defined]
    if node.end_lineno == node.lineno:  # type: ignore[attr-defined]
        return data[start : node.end_col_offset].decode("utf-8", "ignore")  # type: ignore[attr-defined]
    return data[start:].decode("utf-8", "ignore") + " ..."


def _literals(
    walked: CellScan, masked: frozenset[int], aliases: dict[str, str]
) -> Iterator[LiteralFact]:
    for literal in walked.literals:
        if literal.line in masked:
            continue
        value, name, callee = literal.value, literal.name, literal.callee
        kind = _literal_kind(value, name, callee, literal.in_function)
        if kind is None:
            continue
        yield LiteralFact(
            line=literal.line,
            column=literal.column,
            kind=kind,
            value=repr(value),
            name=name,
            callee=qualified_name(callee, aliases) if callee else None,
            absolute=kind == "path" and is_absolute_or_user_path(str(value)),
            in_function=literal.in_function,
        )


def _literal_kind(
    value: object, name: str | None, callee: str | None, in_function: str | None
) -> str | None:
    """url, path, hyperparameter (a number given to a keyword), constant, or None."""
    if isinstance(value, str) and is_url(value):
        return "url"
    if isinstance(value, str) and looks_like_path(value):
        return "path"
    if callee is not None:
        return "hyperparameter" if name and not isinstance(value, str) else None
    if (
        name is not None
        and in_function is None
        and (not isinstance(value, str) or name.isupper())
    ):
        return "constant"
    return None
