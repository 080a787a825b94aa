"""Parameter defaults that read notebook variables, read when the function is called.

`def fetch(url=HOUSING_URL):` evaluates `HOUSING_URL` once, when the cell runs; in a
module the function is defined at import time, before any step has computed the
value. Before planning, such a default becomes `url=None` with `if url is None:
url = HOUSING_URL` at the top of the body: the function now reads the variable, so it
gets it as a parameter and every call passes it, like any other notebook state.
When the parameter hides the variable (`def f(s, model=model)`), the value is kept
as the cell had it, `model_default = model` above the `def`, and the body falls back
to that.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.cell_rewrites import ipython_lines, with_sources
from nb2prod.planning.naming import unique
from nb2prod.planning.plan import Warning
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell
from nb2prod.reading.positions import split_lines


class LateDefaults(NamedTuple):
    notebook: Notebook
    warnings: tuple[Warning, ...]


def late_defaults(
    notebook: Notebook, parsed: tuple[ParsedCell, ...], facts: NotebookFacts
) -> LateDefaults | None:
    """The notebook with state-reading defaults moved into the function bodies."""
    variables = notebook_variables(facts)
    taken = {n for c in facts.cells for n in (*c.defines, *c.reads)}
    sources: dict[int, str] = {}
    warnings = []
    for item in parsed:
        if item.tree is None:
            continue
        lines = [content + ending for content, ending in split_lines(item.cell.source)]
        changed = False
        magic = ipython_lines(item)
        functions = [
            node
            for node in item.tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        for function in reversed(functions):
            moved = state_defaults(function, variables)
            if not moved or not _editable(function, moved, magic):
                continue
            _move(lines, item.translation.python, function, moved, taken)
            changed = True
            read = sorted({n for _, names in moved for n in names})
            warnings.append(
                Warning(
                    item.cell.index,
                    f"`{function.name}`: defaults reading {', '.join(read)} are "
                    "read when it is called (None stands for them in the signature)",
                )
            )
        if changed:
            sources[item.cell.index] = "".join(lines)
    if not sources:
        return None
    return LateDefaults(with_sources(notebook, sources), tuple(warnings))


def notebook_variables(facts: NotebookFacts) -> set[str]:
    """Names the notebook binds to values (not functions, classes or imports)."""
    code = {f.name for c in facts.cells for f in c.functions}
    code |= {k.name for c in facts.cells for k in c.classes}
    code |= {i.bound for c in facts.cells for i in c.imports if i.bound}
    return {n for c in facts.cells for n in c.defines} - code


def state_defaults(
    function: ast.FunctionDef | ast.AsyncFunctionDef, variables: set[str]
) -> list[tuple[tuple[ast.arg, ast.expr], set[str]]]:
    """(parameter, default) pairs whose default reads notebook variables."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(
        zip(
            positional[len(positional) - len(args.defaults) :],
            args.defaults,
            strict=True,
        )
    )
    pairs += [
        (a, d)
        for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
        if d is not None
    ]
    moved = []
    for arg, default in pairs:
        names = {
            n.id
            for n in ast.walk(default)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        read = names & variables
        if read and not _is_none(default):
            moved.append(((arg, default), read))
    return moved


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _editable(function, moved, magic: set[int]) -> bool:
    """Whether the text can be edited safely: the body starts on its own line, and
    no line touched holds IPython syntax (whose columns are not the source's)."""
    first = function.body[0]
    if first.lineno == function.lineno or _body_start(function) in magic:
        return False
    return not any(
        line in magic
        for (_, default), _ in moved
        for line in range(default.lineno, (default.end_lineno or default.lineno) + 1)
    )


def _body_start(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The line before which the new statements go (after a docstring)."""
    first = function.body[0]
    docstring = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    if docstring and len(function.body) > 1:
        return function.body[1].lineno
    if docstring:
        return (first.end_lineno or first.lineno) + 1
    return first.lineno


def _move(lines: list[str], python: str, function, moved, taken: set[str]) -> None:
    """Edit the cell's lines in place, bottom up: the prologue, the defaults, then
    the captured values above the `def`."""
    first = function.body[0]
    text = lines[first.lineno - 1]
    indent = text[: len(text) - len(text.lstrip())]
    prologue, captured = [], []
    for (arg, default), names in moved:
        expression = ast.get_source_segment(python, default) or ast.unparse(default)
        if "\n" in expression:
            expression = ast.unparse(default)
        if arg.arg in names:  # `model=model`: the parameter hides the variable
            capture = unique(f"{arg.arg}_default", taken)
            captured.append(f"{capture} = {expression}\n")
            expression = capture
        prologue += [
            f"{indent}if {arg.arg} is None:\n",
            f"{indent}    {arg.arg} = {expression}\n",
        ]
    at = _body_start(function) - 1
    if at >= len(lines):
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.extend(prologue)
    else:
        lines[at:at] = prologue
    edits = sorted(
        (
            (
                default.lineno,
                default.col_offset,
                default.end_lineno,
                default.end_col_offset,
            )
            for (_, default), _ in moved
        ),
        reverse=True,
    )
    for line, start, end_line, end in edits:
        head = lines[line - 1].encode("utf-8")[:start]
        tail = lines[end_line - 1].encode("utf-8")[end:]
        lines[line - 1 : end_line] = [(head + b"None" + tail).decode("utf-8")]
    top = min([function.lineno, *(d.lineno for d in function.decorator_list)])
    lines[top - 1 : top - 1] = captured  # the value as it was when the cell ran
