"""The IPython syntax layer: turn a code cell into Python plus facts, and back.

`translate_cell` finds every piece of IPython syntax in a cell (magics, shell escapes,
help, autocall, automagic, top-level `await`) and replaces it with the Python IPython
itself would run (`get_ipython().run_line_magic(...)`, as `TransformerManager` does),
except where the Python inside a magic must stay visible to analysis: the bodies of
`%time stmt`, `%%time`, `%%capture`... are kept in place. Each replacement keeps the
line count, so a line number in the translated source is the same line in the cell,
and `restore_source` turns the translation back into the original text exactly.

This module decides what the syntax *is*; what to do with it (drop, unwrap, make a
requirement, report) belongs to later stages, which read the `IPythonSyntax` facts.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from enum import Enum
from typing import NamedTuple

from nb2prod.reading.input_cleanup import clean_input
from nb2prod.reading.logical_lines import scan_logical_line
from nb2prod.reading.positions import Span, split_lines


class SyntaxKind(str, Enum):
    """The kinds of IPython syntax a cell can hold."""

    LINE_MAGIC = "line_magic"  # %name args, x = %name args
    CELL_MAGIC = "cell_magic"  # %%name args on the first line, then a body
    SHELL = "shell"  # !cmd
    SHELL_CAPTURE = "shell_capture"  # !!cmd, x = !cmd
    HELP = "help"  # obj?, ?obj, obj??, %magic?
    AUTOMAGIC = "automagic"  # a magic without its %: cd data, pip install x
    AUTOCALL = "autocall"  # /f a b, ,f a b, ;f a b
    TOP_LEVEL_AWAIT = "top_level_await"  # await / async for / async with outside a def
    INPUT_CLEANUP = "input_cleanup"  # a common indent or `>>>` prompts IPython strips


#: Escape characters IPython recognises at the start of a logical line.
ESCAPES = ("!!", "??", "!", "%", "?", ",", ";", "/")

#: Line magics that run a Python statement in the user namespace: their argument is
#: kept as Python so the names it binds are visible (`%time model = fit(X)`).
PYTHON_STATEMENT_LINE_MAGICS = frozenset({"time", "prun", "debug"})

#: Cell magics whose body is Python code (the rest hold shell, HTML, SQL, file text...).
PYTHON_BODY_CELL_MAGICS = frozenset(
    {
        "time",
        "timeit",
        "capture",
        "prun",
        "debug",
        "python",
        "python2",
        "python3",
        "pypy",
        "memit",
        "px",
        "ipytest",
        "snakeviz",
        "heat",
        "opts",  # holoviews: `%%opts Curve [width=600]` styles what the body returns
        "output",  # holoviews: `%%output size=200`
    }
)

_BODY_LANGUAGES = {
    "bash": "shell",
    "sh": "shell",
    "script": "shell",
    "system": "shell",
    "sx": "shell",
    "!": "shell",
    "html": "html",
    "HTML": "html",
    "javascript": "javascript",
    "js": "javascript",
    "latex": "latex",
    "markdown": "markdown",
    "svg": "svg",
    "SVG": "svg",
    "writefile": "text",
    "file": "text",
    "sql": "sql",
    "perl": "perl",
    "ruby": "ruby",
    "R": "r",
    "cython": "cython",
    "code_wrap": "python",
}

#: IPython's line magics and shell aliases, callable without `%` when automagic is on.
AUTOMAGIC_NAMES = frozenset(
    [
        "alias",
        "alias_magic",
        "autoawait",
        "autocall",
        "automagic",
        "bookmark",
        "cat",
        "cd",
        "clear",
        "code_wrap",
        "colors",
        "conda",
        "config",
        "connect_info",
        "cp",
        "debug",
        "dhist",
        "dirs",
        "doctest_mode",
        "ed",
        "edit",
        "env",
        "gui",
        "hist",
        "history",
        "killbgscripts",
        "ldir",
        "less",
        "lf",
        "lk",
        "ll",
        "load",
        "load_ext",
        "loadpy",
        "logoff",
        "logon",
        "logstart",
        "logstate",
        "logstop",
        "ls",
        "lsmagic",
        "lx",
        "macro",
        "magic",
        "mamba",
        "man",
        "matplotlib",
        "micromamba",
        "mkdir",
        "more",
        "mv",
        "notebook",
        "page",
        "pastebin",
        "pdb",
        "pdef",
        "pdoc",
        "pfile",
        "pinfo",
        "pinfo2",
        "pip",
        "popd",
        "pprint",
        "precision",
        "prun",
        "psearch",
        "psource",
        "pushd",
        "pwd",
        "pycat",
        "pylab",
        "qtconsole",
        "quickref",
        "recall",
        "rehashx",
        "reload_ext",
        "rep",
        "rerun",
        "reset",
        "reset_selective",
        "rm",
        "rmdir",
        "run",
        "save",
        "sc",
        "set_env",
        "store",
        "sx",
        "system",
        "tb",
        "time",
        "timeit",
        "unalias",
        "unload_ext",
        "uv",
        "who",
        "who_ls",
        "whos",
        "xdel",
        "xmode",
    ]
)

# A cell that matches none of these holds no IPython syntax, so the line scan is skipped.
_MAYBE_IPYTHON = re.compile(
    r"^[ \t]*(?:[!%?,;/]|([A-Za-z_]\w*)[ \t]+(?=\S))|\?[ \t]*$|=[ \t]*[!%]",
    re.MULTILINE,
)


def _maybe_ipython(text: str) -> bool:
    """Whether a line may hold IPython syntax: an escape, a `?` at the end, or an
    automagic name followed by an argument. (One alternation of all automagic names
    took 10 ms to compile on every start; the name is looked up instead.)"""
    for match in _MAYBE_IPYTHON.finditer(text):
        name = match.group(1)
        if name is None or name in AUTOMAGIC_NAMES:
            return True
    return False


# IPython's own pattern for `obj?` targets (inputtransformer2._help_end_re).
_HELP_END = re.compile(r"(%{0,2}(?!\d)[\w*]+(\.(?!\d)[\w*]+|\[-?[0-9]+\])*)(\?\??)$")
_AUTOMAGIC_LINE = re.compile(r"([A-Za-z_]\w*)(?:[ \t]+(.*))?$")
_EXPANSION = re.compile(r"\$\$|\{\{|\$([A-Za-z_]\w*)|\{([^{}]+)\}")
_NAME = re.compile(r"[A-Za-z_]")


class IPythonSyntax(NamedTuple):
    """One piece of IPython syntax in a cell, where it is and what stands in its place.

    `text` is the original text of the physical lines `span` covers (with their line
    endings) and `replacement` the Python that stands there in the translated source,
    with the same number of lines.
    """

    span: Span
    kind: SyntaxKind
    escape: (
        str  # "!", "!!", "%", "%%", "?", "??", "/", ",", ";", or "" (automagic, await)
    )
    name: str  # magic name, shell command, help kind (pinfo/pinfo2/psearch), callee
    args: str
    text: str
    replacement: str
    target: str | None = None  # the assigned name(s) in `x = !cmd` / `x = %magic`
    body_language: str | None = None  # for cell magics: "python", "shell", "html"...
    expansions: tuple[str, ...] = ()  # `$name` / `{expr}` IPython expands at run time
    keeps_python: bool = False  # Python inside stays as code (`%time stmt`, `%%time`)


class TranslatedCell(NamedTuple):
    """A code cell's source, its Python translation, and the IPython syntax in it."""

    source: str
    python: str
    syntax: tuple[IPythonSyntax, ...]


def translate_cell(source: str) -> TranslatedCell:
    """Translate a cell's IPython syntax to Python, recording each piece as a fact
    (IPython's input clean-up first: a common indent, pasted prompts)."""
    cleaned = _clean_magic_body(clean_input(source))
    pieces = split_lines(cleaned)
    lines = [content for content, _ in pieces]
    maybe = "\r" in cleaned or _maybe_ipython(cleaned)
    syntax = list(_find_syntax(lines, pieces)) if maybe else []
    python = _apply(pieces, syntax)
    syntax.extend(_top_level_awaits(python))
    if cleaned != source:
        cleanup = _cleanup_fact(source, cleaned)
        shifts = column_shifts((cleanup,))
        syntax = [_shifted(fact, shifts) for fact in syntax] + [cleanup]
    return TranslatedCell(source=source, python=python, syntax=tuple(sorted(syntax)))


#: Python-body cell magics that are not run by the kernel but by another interpreter,
#: as a script: IPython does not clean their body up.
_SCRIPT_MAGICS = frozenset({"python", "python2", "python3", "pypy"})


def _clean_magic_body(cleaned: str) -> str:
    """`%%time` and the other Python-body magics run their body through IPython's
    clean-up too (`transform_cell`): a body indented as a whole is no syntax error."""
    lines = cleaned.splitlines(keepends=True)
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None or not _is_cell_magic(lines[first]):
        return cleaned
    name = (lines[first][2:].split() or [""])[0]
    if name not in PYTHON_BODY_CELL_MAGICS or name in _SCRIPT_MAGICS:
        return cleaned
    return "".join(lines[: first + 1]) + clean_input("".join(lines[first + 1 :]))


def _cleanup_fact(source: str, cleaned: str) -> IPythonSyntax:
    """The cell from its first line of code on, as written and as IPython cleans it up
    (leading blank lines are the same in both)."""
    lines, tidy = split_lines(source), split_lines(cleaned)
    first = next(n for n, (content, _) in enumerate(lines) if content.strip())
    start = lines[first][0]
    return IPythonSyntax(
        span=Span(
            first + 1, len(start) - len(start.lstrip()), len(lines), len(lines[-1][0])
        ),
        kind=SyntaxKind.INPUT_CLEANUP,
        escape="",
        name="cleanup",
        args="",
        text="".join(content + end for content, end in lines[first:]),
        replacement="".join(content + end for content, end in tidy[first:]),
        keeps_python=True,
    )


def _shifted(fact: IPythonSyntax, shifts: dict[int, int]) -> IPythonSyntax:
    """`fact` with its columns where they are in the cell as written."""
    span = fact.span
    return fact._replace(
        span=span._replace(
            column=span.column + shifts.get(span.line, 0),
            end_column=span.end_column + shifts.get(span.end_line, 0),
        )
    )


def restore_source(python: str, syntax: tuple[IPythonSyntax, ...]) -> str:
    """Turn a translation back into the cell's original source, exactly."""
    pieces = split_lines(python)
    last_line = max((fact.span.end_line for fact in syntax), default=0)
    pieces += [("", "")] * (
        last_line - len(pieces)
    )  # trailing lines blanked by a magic
    for fact in sorted(syntax, reverse=True):
        if fact.kind in (SyntaxKind.TOP_LEVEL_AWAIT, SyntaxKind.INPUT_CLEANUP):
            continue  # a note on the translation, or undone last (below)
        first, last = fact.span.line - 1, fact.span.end_line - 1
        replaced = "".join(content + end for content, end in pieces[first : last + 1])
        if replaced != fact.replacement:
            raise ValueError(
                f"line {fact.span.line} no longer holds the translated {fact.kind.value}"
            )
        original = split_lines(fact.text)
        pieces[first : last + 1] = original
    for fact in syntax:
        if fact.kind is SyntaxKind.INPUT_CLEANUP:
            first = fact.span.line - 1
            if "".join(c + e for c, e in pieces[first:]) != fact.replacement:
                raise ValueError("the cell no longer holds its cleaned-up text")
            pieces[first:] = split_lines(fact.text)
    return "".join(content + end for content, end in pieces)


def _apply(pieces: list[tuple[str, str]], syntax: list[IPythonSyntax]) -> str:
    out = [content + end for content, end in pieces]
    for fact in syntax:
        replacement = split_lines(fact.replacement)
        count = fact.span.end_line - fact.span.line + 1
        replacement += [("", "")] * (count - len(replacement))  # blanked last lines
        for offset, (content, end) in enumerate(replacement):
            out[fact.span.line - 1 + offset] = content + end
    return "".join(out)


def _find_syntax(
    lines: list[str], pieces: list[tuple[str, str]]
) -> Iterator[IPythonSyntax]:
    start = 0
    first_code = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first_code is not None and _is_cell_magic(lines[first_code]):
        magic = _cell_magic(lines, pieces, first_code)
        yield magic
        if magic.body_language != "python":
            return
        start = first_code + 1
    index = start
    while index < len(lines):
        line = lines[index]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        fact = _escaped_command(lines, pieces, index) or _automagic(
            lines, pieces, index
        )
        if fact is not None:
            yield fact
            index = fact.span.end_line
            continue
        logical = scan_logical_line(lines, index)
        fact = None
        if logical.ends_with_question:
            fact = _help_end(lines, pieces, index, logical.last)
        if fact is None and logical.assign is not None:
            fact = _assigned_escape(lines, pieces, logical.assign)
        if fact is not None:
            yield fact
            index = fact.span.end_line
        else:
            index = logical.last + 1


def _is_cell_magic(line: str) -> bool:
    return line.startswith("%%") and not re.match(r"%%\w+\?", line)


def _cell_magic(
    lines: list[str], pieces: list[tuple[str, str]], first: int
) -> IPythonSyntax:
    name, _, args = lines[first][2:].rstrip().partition(" ")
    language = (
        "python"
        if name in PYTHON_BODY_CELL_MAGICS
        else _BODY_LANGUAGES.get(name, "other")
    )
    target = _capture_target(args) if name == "capture" else None
    if target is not None:  # what the analysis sees: the cell binds the name
        call = f"{target} = get_ipython().run_cell_magic('capture', {args!r}, '')"
        last, replacement = first, call + pieces[first][1]
    elif language == "python":
        last, replacement = first, pieces[first][1]  # the header becomes an empty line
    else:
        last = len(lines) - 1
        body = "".join(content + end for content, end in pieces[first + 1 :])
        if body and not body.endswith(("\n", "\r")):
            body += "\n"  # IPython appends a newline to every cell before translating
        call = f"get_ipython().run_cell_magic({name!r}, {args!r}, {body!r})"
        replacement = _blank_lines(pieces, first, last, call)
    return IPythonSyntax(
        span=_span(lines, first, last),
        kind=SyntaxKind.CELL_MAGIC,
        escape="%%",
        name=name,
        args=args,
        text=_text(pieces, first, last),
        replacement=replacement,
        target=target,
        body_language=language,
        keeps_python=language == "python",
        expansions=_expansions(args) if language != "python" else (),
    )


def _capture_target(args: str) -> str | None:
    """The variable `%%capture [--no-stdout] NAME` stores the captured output in."""
    words = [word for word in args.split() if not word.startswith("-")]
    return words[-1] if words and words[-1].isidentifier() else None


def _escaped_command(
    lines: list[str], pieces: list[tuple[str, str]], first: int
) -> IPythonSyntax | None:
    """`!cmd`, `!!cmd`, `%magic`, `?obj`, `/f a`: an escape at the start of a logical line."""
    line = lines[first]
    stripped = line.lstrip()
    if stripped[0] not in "!%?,;/":
        return None
    column = len(line) - len(stripped)
    last = _continued_end(lines, first)
    content = _joined(lines, first, last, column)
    help_fact = _help_fact(lines, pieces, first, last, column, content)
    if help_fact is not None:
        return help_fact
    escape = next(e for e in ESCAPES if content.startswith(e))
    name = content[len(escape) :].partition(" ")[0]
    if escape == "%" and name in PYTHON_STATEMENT_LINE_MAGICS | {"timeit"}:
        # `%timeit f(a,\n b)` spans lines inside brackets; IPython 4 accepted that.
        last = _bracketed_end(lines, first, last)
        content = _joined(lines, first, last, column, keep_newlines=True)
        kept = _statement_kept(lines, pieces, first, last, column, name)
        if name in PYTHON_STATEMENT_LINE_MAGICS and kept is not None:
            return kept
    body = content[len(escape) :]
    call = _escape_call(escape, body)
    if call is None:
        return None  # IPython leaves it alone too: it stays a syntax error
    kind = _ESCAPE_KINDS.get(escape, SyntaxKind.AUTOCALL)
    name, _, args = body.partition(" ")
    if kind is SyntaxKind.HELP:
        name, args = ("pinfo2" if escape == "??" else "pinfo"), body
    return IPythonSyntax(
        span=_span(lines, first, last),
        kind=kind,
        escape=escape,
        name=name,
        args=args,
        text=_text(pieces, first, last),
        replacement=_blank_lines(pieces, first, last, line[:column] + call),
        expansions=_expansions(body) if kind in _EXPANDING else (),
    )


_ESCAPE_KINDS = {
    "!": SyntaxKind.SHELL,
    "!!": SyntaxKind.SHELL_CAPTURE,
    "%": SyntaxKind.LINE_MAGIC,
    "?": SyntaxKind.HELP,
    "??": SyntaxKind.HELP,
}
_EXPANDING = frozenset(
    {
        SyntaxKind.SHELL,
        SyntaxKind.SHELL_CAPTURE,
        SyntaxKind.LINE_MAGIC,
        SyntaxKind.AUTOMAGIC,
    }
)


def _escape_call(escape: str, body: str) -> str | None:
    """The Python IPython runs for an escaped line (inputtransformer2's `tr` table)."""
    name, _, args = body.partition(" ")
    if escape in ("!", "!!"):
        method = "system" if escape == "!" else "getoutput"
        return f"get_ipython().{method}({body!r})"
    if escape == "%":
        return f"get_ipython().run_line_magic({name!r}, {args!r})"
    if escape in ("?", "??"):
        return _help_call(body, escape)
    if not name:
        return None  # IPython refuses an autocall without a callable name
    if escape == ",":
        return name + '("' + '", "'.join(args.split()) + '")'
    if escape == ";":
        return f'{name}("{args}")'
    return f"{name}({', '.join(args.split())})"


def _help_call(target: str, escape: str) -> str:
    if not target:
        return "get_ipython().show_usage()"
    method = "pinfo2" if escape == "??" else "psearch" if "*" in target else "pinfo"
    magic_name, _, magic_args = f"{method} {target}".partition(" ")
    return f"get_ipython().run_line_magic({magic_name!r}, {magic_args!r})"


def _help_end(
    lines: list[str], pieces: list[tuple[str, str]], first: int, last: int
) -> IPythonSyntax | None:
    column = len(lines[first]) - len(lines[first].lstrip())
    return _help_fact(
        lines, pieces, first, last, column, _joined(lines, first, last, column)
    )


def _help_fact(
    lines: list[str],
    pieces: list[tuple[str, str]],
    first: int,
    last: int,
    column: int,
    content: str,
) -> IPythonSyntax | None:
    """`obj?` / `obj??` / `%magic?` at the end of a logical line (IPython's HelpEnd)."""
    if not content.rstrip().endswith("?") or "#" in content:
        return None
    match = _HELP_END.search(content.rstrip())
    if match is None:
        return None
    target, escape = match.group(1), match.group(3)
    method = "pinfo2" if escape == "??" else "psearch" if "*" in target else "pinfo"
    call = lines[first][:column] + _help_call(target, escape)
    return IPythonSyntax(
        span=_span(lines, first, last),
        kind=SyntaxKind.HELP,
        escape=escape,
        name=method,
        args=target,
        text=_text(pieces, first, last),
        replacement=_blank_lines(pieces, first, last, call),
    )


def _assigned_escape(
    lines: list[str], pieces: list[tuple[str, str]], assign: tuple[int, int]
) -> IPythonSyntax | None:
    """`x = %magic args` and `x = !cmd` (IPython's MagicAssign and SystemAssign)."""
    first, at = assign
    line = lines[first]
    rest = line[at + 1 :]
    value = rest.lstrip()
    if not value or value[0] not in "!%":
        return None
    if value[0] == "%" and not _NAME.match(value[1:2]):
        return None
    if first > 0 and not _starts_logical_line(lines, first):
        return (
            None  # the `=` sits on a continuation line; IPython's result is not Python
        )
    start = at + 1 + len(rest) - len(value)
    last = _continued_end(lines, first)
    content = _joined(lines, first, last, start)
    lhs = line[:start]
    if content[0] == "!":
        kind, escape, command = SyntaxKind.SHELL_CAPTURE, "!", content[1:]
        name, _, args = command.partition(" ")
        call = f"get_ipython().getoutput({command!r})"
    else:
        kind, escape = SyntaxKind.LINE_MAGIC, "%"
        name, _, args = content[1:].partition(" ")
        call = f"get_ipython().run_line_magic({name!r}, {args!r})"
        kept = lhs + args.lstrip()
        if name == "time" and first == last and _is_python(kept):
            # `x = %time f()`: %time returns the value it timed; the Python stays
            return IPythonSyntax(
                span=_span(lines, first, last),
                kind=kind,
                escape=escape,
                name=name,
                args=args,
                text=_text(pieces, first, last),
                replacement=kept + pieces[first][1],
                target=line[:at].strip(),
                keeps_python=True,
            )
    return IPythonSyntax(
        span=_span(lines, first, last),
        kind=kind,
        escape=escape,
        name=name,
        args=args,
        text=_text(pieces, first, last),
        replacement=_blank_lines(pieces, first, last, lhs + call),
        target=line[:at].strip(),
        expansions=_expansions(args if kind is SyntaxKind.LINE_MAGIC else content[1:]),
    )


def _starts_logical_line(lines: list[str], index: int) -> bool:
    """Cheap check used only for `x = !cmd`: the previous line does not continue."""
    previous = lines[index - 1].rstrip()
    return not previous.endswith(("\\", ",", "(", "[", "{"))


def _automagic(
    lines: list[str], pieces: list[tuple[str, str]], first: int
) -> IPythonSyntax | None:
    """`cd data`, `pip install x`: a magic name without `%` on a line that is not Python."""
    line = lines[first]
    stripped = line.lstrip()
    match = _AUTOMAGIC_LINE.match(stripped)
    if match is None or match.group(1) not in AUTOMAGIC_NAMES or not match.group(2):
        return None
    args = match.group(2)
    if args[0] in "=([.,:;+-*/%&|^<>!~@" and not args.startswith(
        ("-", "..", "./", "~")
    ):
        return (
            None  # an operator follows: Python using a name that happens to be a magic
        )
    last = _continued_end(lines, first)
    if _is_python(_joined(lines, first, last, len(line) - len(stripped))):
        return None
    name = match.group(1)
    call = (
        line[: len(line) - len(stripped)]
        + f"get_ipython().run_line_magic({name!r}, {args!r})"
    )
    return IPythonSyntax(
        span=_span(lines, first, last),
        kind=SyntaxKind.AUTOMAGIC,
        escape="",
        name=name,
        args=args,
        text=_text(pieces, first, last),
        replacement=_blank_lines(pieces, first, last, call),
        expansions=_expansions(args),
    )


def _statement_kept(
    lines: list[str],
    pieces: list[tuple[str, str]],
    first: int,
    last: int,
    column: int,
    name: str,
) -> IPythonSyntax | None:
    """`%time stmt`: the statement stays in place as Python, at the magic's indentation."""
    start = column + 1 + len(name)
    statement = [
        lines[first][:column] + lines[first][start:].lstrip(),
        *lines[first + 1 : last + 1],
    ]
    if not statement[0].strip() or not _is_python("\n".join(statement)):
        return None
    return IPythonSyntax(
        span=_span(lines, first, last),
        kind=SyntaxKind.LINE_MAGIC,
        escape="%",
        name=name,
        args=lines[first][start:].lstrip(),
        text=_text(pieces, first, last),
        replacement="".join(
            content + end
            for content, (_, end) in zip(
                statement, pieces[first : last + 1], strict=True
            )
        ),
        keeps_python=True,
    )


def _top_level_awaits(python: str) -> Iterator[IPythonSyntax]:
    """`await`, `async for`, `async with` and async comprehensions outside any function
    body (IPython's autoawait), decorators and defaults included: they run at top level.
    Found in the translation, which keeps the cell's line numbers."""
    if "await" not in python and "async" not in python:
        return
    try:
        tree = ast.parse(python)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # the parse stage reports it
    pieces = split_lines(python)  # `%time await f()`: the fact is on the Python
    lines = [content for content, _ in pieces]
    for node in _outside_functions(tree):
        name = _awaiting(node)
        if name is not None:
            assert isinstance(node, (ast.expr, ast.stmt))  # _awaiting found one
            first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
            text = _text(pieces, first, last)
            yield IPythonSyntax(
                span=Span(node.lineno, node.col_offset, last + 1, len(lines[last])),
                kind=SyntaxKind.TOP_LEVEL_AWAIT,
                escape="",
                name=name,
                args="",
                text=text,
                replacement=text,
            )


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp)


def _awaiting(node: ast.AST) -> str | None:
    """`await`, `async` (a statement) or `async for` (a comprehension), else None."""
    if isinstance(node, ast.Await):
        return "await"
    if isinstance(node, (ast.AsyncFor, ast.AsyncWith)):
        return "async"
    if isinstance(node, _COMPREHENSIONS) and any(g.is_async for g in node.generators):
        return "async for"
    return None


def _outside_functions(tree: ast.AST) -> Iterator[ast.AST]:
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if _awaiting(node) is not None:
            continue  # report the outermost one only
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.extend(_run_at_definition(child))
            else:
                stack.append(child)


def _run_at_definition(
    function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
) -> list[ast.AST]:
    """What a `def` or `lambda` evaluates where it stands: decorators, defaults and
    annotations (its body runs later, in its own scope)."""
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    nodes: list[ast.AST] = [*arguments.defaults]
    nodes += [d for d in arguments.kw_defaults if d is not None]
    if not isinstance(function, ast.Lambda):
        nodes += function.decorator_list
        nodes += [a.annotation for a in every if a.annotation is not None]
        nodes += [function.returns] if function.returns is not None else []
    return nodes


def _continued_end(lines: list[str], first: int) -> int:
    """The last line of a backslash-continued escape (IPython's find_end_of_continued_line)."""
    last = first
    while lines[last].endswith("\\") and last + 1 < len(lines):
        last += 1
    return last


def _bracketed_end(lines: list[str], first: int, last: int) -> int:
    """Extend a Python-statement magic over lines until its brackets close."""
    depth = 0
    for index in range(first, len(lines)):
        depth += sum(lines[index].count(c) for c in "([{")
        depth -= sum(lines[index].count(c) for c in ")]}")
        if depth <= 0 and index >= last:
            return index
    return last


def _joined(
    lines: list[str], first: int, last: int, column: int, *, keep_newlines: bool = False
) -> str:
    """The command text from `column` of `first` to `last`, continuations joined."""
    parts = [lines[first][column:], *lines[first + 1 : last + 1]]
    if keep_newlines:
        return "\n".join(parts).rstrip()
    joined = [
        part.rstrip()[:-1] if part.rstrip().endswith("\\") else part
        for part in parts[:-1]
    ]
    return " ".join([*joined, parts[-1].rstrip()])


def _is_python(text: str) -> bool:
    try:
        ast.parse(text.strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _expansions(text: str) -> tuple[str, ...]:
    """The `$name` and `{expr}` IPython substitutes into shell and magic arguments."""
    found = []
    for match in _EXPANSION.finditer(text):
        expression = match.group(1) or match.group(2)
        if expression and expression.strip():
            found.append(expression.strip())
    return tuple(found)


def _span(lines: list[str], first: int, last: int) -> Span:
    column = len(lines[first]) - len(lines[first].lstrip())
    return Span(first + 1, column, last + 1, len(lines[last]))


def _text(pieces: list[tuple[str, str]], first: int, last: int) -> str:
    return "".join(content + end for content, end in pieces[first : last + 1])


def _blank_lines(
    pieces: list[tuple[str, str]], first: int, last: int, code: str
) -> str:
    """`code` on line `first`, then empty lines up to `last`, keeping every line ending."""
    return code + "".join(end for _, end in pieces[first : last + 1])


def column_shifts(syntax: tuple[IPythonSyntax, ...]) -> dict[int, int]:
    """Line -> how far right the cell's text sits from its translation on that line:
    `%time x = f()` is translated to `x = f()`, six characters to the left."""
    shifts: dict[int, int] = {}
    for fact in syntax:
        if fact.keeps_python and fact.kind is SyntaxKind.LINE_MAGIC:
            original = fact.text.splitlines()[0]
            translated = fact.replacement.splitlines()[0]
            shifts[fact.span.line] = (
                shifts.get(fact.span.line, 0) + len(original) - len(translated)
            )
        elif fact.kind is SyntaxKind.INPUT_CLEANUP:  # the indent or prompt removed
            pairs = zip(
                fact.text.splitlines(), fact.replacement.splitlines(), strict=False
            )
            for line, (original, cleaned) in enumerate(pairs, start=fact.span.line):
                if len(original) != len(cleaned):
                    shifts[line] = shifts.get(line, 0) + len(original) - len(cleaned)
    return shifts


def is_ipython_call(node: ast.stmt) -> bool:
    """`get_ipython().system(...)`: how the translated text spells a line of IPython."""
    call = node.value if isinstance(node, ast.Expr) else None
    while isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
        call = call.func.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "get_ipython"
    )
