"""Parameter defaults that read notebook variables, passed by the calls instead.

`def plot_predictions(train_data=X_train, ..., predictions=None)` reads `X_train` once,
when its cell runs; a module has no `X_train` to read. When every use of such a
function is a plain call, the parameters become required and each call that leaves
one out passes what the default read: `plot_predictions(predictions=y_preds)` becomes
`plot_predictions(predictions=y_preds, train_data=X_train, ...)`, what an engineer
would write. The value is the variable's when the function is called, as with the
late defaults (`late_defaults.py`) that handle the functions this cannot rewrite: a
default that hides its variable (`model=model`), a function passed as a value, a
parameter that must stay optional because an optional one comes before it.
"""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.cell_rewrites import (
    Edit,
    Rewritten,
    bound_in,
    edited_notebook,
)
from nb2prod.planning.config import module_bindings
from nb2prod.planning.late_defaults import notebook_variables, state_defaults
from nb2prod.planning.plan import Warning
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell

_Function = ast.FunctionDef | ast.AsyncFunctionDef
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMMENT = re.compile(r"#[^\n]*")


class _Candidate(NamedTuple):
    """A function whose state-reading defaults can become required parameters."""

    cell: int  # where it is defined
    # (parameter, the default's code, its place among the positional parameters)
    defaults: tuple[tuple[str, str, int | None], ...]
    edits: tuple[Edit, ...]  # the defaults removed from the `def`


def pass_defaults(
    notebook: Notebook, parsed: tuple[ParsedCell, ...], facts: NotebookFacts
) -> Rewritten | None:
    """The notebook with state-reading defaults of called-only functions made
    required and passed by every call, or None when no function qualifies."""
    variables = notebook_variables(facts)
    bound = module_bindings({item.cell.index: item for item in parsed})
    candidates = {
        name: candidate
        for name, candidate in _candidates(parsed, variables).items()
        if all(bound[variable] <= 1 for variable in _reads(candidate))
    }  # a variable bound again (`for lr in ...`) is not the value the `def` read
    if not candidates:
        return None
    calls = _calls(parsed, candidates)
    candidates = {n: c for n, c in candidates.items() if n in calls}
    if not candidates:
        return None
    edits: dict[int, list[Edit]] = {}
    for name, candidate in candidates.items():
        edits.setdefault(candidate.cell, []).extend(candidate.edits)
        for item, call in calls[name]:
            edit = _call_edit(item, call, candidate.defaults)
            if edit is not None:
                edits.setdefault(item.cell.index, []).append(edit)
    edited = edited_notebook(
        notebook, {item.cell.index: item for item in parsed}, edits
    )
    if edited is None:
        return None
    warnings = tuple(
        Warning(
            candidate.cell,
            f"`{name}`: {_listed(candidate.defaults)}, whose defaults read notebook "
            "variables, are required parameters in the package; its calls pass "
            "the variables when they leave them out",
        )
        for name, candidate in sorted(candidates.items())
    )
    return Rewritten(edited, warnings)


def _listed(defaults: tuple[tuple[str, str, int | None], ...]) -> str:
    return ", ".join(f"`{parameter}`" for parameter, _, _ in defaults)


def _candidates(
    parsed: tuple[ParsedCell, ...], variables: set[str]
) -> dict[str, _Candidate]:
    """Top-level functions, defined once, whose state-reading defaults can all become
    required parameters."""
    found: dict[str, _Candidate] = {}
    defined: dict[str, int] = {}
    for item in parsed:
        for node in item.tree.body if item.tree is not None else ():
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            defined[node.name] = defined.get(node.name, 0) + 1
            moved = state_defaults(node, variables)
            if not moved or not _requirable(node, [arg for (arg, _), _ in moved]):
                continue
            if any(arg.arg in names for (arg, _), names in moved):
                continue  # `model=model`: the value as the cell had it (late defaults)
            python = item.translation.python
            positional = [*node.args.posonlyargs, *node.args.args]
            defaults = []
            edits: list[Edit] = []
            for (arg, default), _ in moved:
                code = ast.get_source_segment(python, default) or ""
                if "\n" in code or arg.end_lineno != default.end_lineno:
                    break
                assert arg.end_col_offset is not None
                place = positional.index(arg) if arg in positional else None
                defaults.append((arg.arg, code, place))
                edits.append(
                    (arg.lineno, arg.end_col_offset, default.end_col_offset or 0, "")
                )
            else:
                found[node.name] = _Candidate(
                    item.cell.index, tuple(defaults), tuple(edits)
                )
    return {
        name: candidate
        for name, candidate in found.items()
        if defined[name] == 1 and name not in variables
    }


def _reads(candidate: _Candidate) -> set[str]:
    """The names the candidate's moved defaults read."""
    return {
        node.id
        for _, code, _ in candidate.defaults
        for node in ast.walk(ast.parse(code, mode="eval"))
        if isinstance(node, ast.Name)
    }


def _requirable(function: _Function, moved: list[ast.arg]) -> bool:
    """Whether the parameters can lose their defaults: keyword-only ones can; the
    positional ones must come first among the positional parameters with defaults (a
    required parameter cannot follow an optional one), and none positional-only."""
    args = function.args
    if any(arg in args.posonlyargs for arg in moved):
        return False
    positional = [arg for arg in moved if arg in args.args]
    with_defaults = args.args[len(args.args) - len(args.defaults) :]
    return with_defaults[: len(positional)] == positional


def _calls(
    parsed: tuple[ParsedCell, ...], candidates: dict[str, _Candidate]
) -> dict[str, list[tuple[ParsedCell, ast.Call]]]:
    """Each candidate's calls; a candidate used otherwise (passed as a value, called
    with `*args` or a lone generator, called where a local hides a variable its
    defaults read) is left out, and so is one only functions call: an API (a
    library's) keeps optional parameters."""
    calls: dict[str, list[tuple[ParsedCell, ast.Call]]] = {n: [] for n in candidates}
    refused: set[str] = set()
    by_notebook: set[str] = set()  # called by a cell itself, not only by functions
    for item in parsed:
        if item.tree is None:
            continue
        pending: list[tuple[ast.AST, frozenset[str], bool]] = [
            (item.tree, frozenset(), False)
        ]
        called: set[int] = set()  # ids of the Name nodes that are a call's function
        while pending:
            node, local, inside = pending.pop()
            if isinstance(node, (*_SCOPES, ast.ClassDef)):
                inside = True
            if isinstance(node, _SCOPES):
                local = local | bound_in(node)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in candidates
            ):
                name = node.func.id
                called.add(id(node.func))
                unseen = any(
                    isinstance(a, ast.Starred | ast.GeneratorExp) for a in node.args
                ) or any(k.arg is None for k in node.keywords)
                # (a lone generator argument `f(v for v in x)` takes no keyword)
                if unseen or _reads(candidates[name]) & local or name in local:
                    refused.add(name)
                else:
                    calls[name].append((item, node))
                    if not inside:
                        by_notebook.add(name)
            elif (
                isinstance(node, ast.Name)
                and node.id in candidates
                and id(node) not in called
            ):
                refused.add(node.id)  # `map(f, rows)`, `callback=f`: no call to edit
            pending.extend(
                (child, local, inside) for child in ast.iter_child_nodes(node)
            )
    return {
        name: found
        for name, found in calls.items()
        if name not in refused and name in by_notebook
    }


def _call_edit(
    item: ParsedCell,
    call: ast.Call,
    defaults: tuple[tuple[str, str, int | None], ...],
) -> Edit | None:
    """The keywords the call adds before its `)`, for the parameters it leaves out
    (neither by keyword nor by position)."""
    given = {keyword.arg for keyword in call.keywords}
    missing = [
        f"{parameter}={code}"
        for parameter, code, place in defaults
        if parameter not in given and (place is None or place >= len(call.args))
    ]
    if not missing:
        return None
    line, end = call.end_lineno or call.lineno, (call.end_col_offset or 1) - 1
    added = ", ".join(missing)
    arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    if arguments:
        last = max(arguments, key=lambda a: (a.end_lineno or 0, a.end_col_offset or 0))
        between = _text_between(item.translation.python, last, line, end)
        added = f" {added}" if "," in _COMMENT.sub("", between) else f", {added}"
    return line, end, end, added


def _text_between(
    python: str, node: ast.expr | ast.keyword, line: int, column: int
) -> str:
    """The code from the end of `node` to (line, byte column)."""
    lines = python.split("\n")
    start_line, start = node.end_lineno or 1, node.end_col_offset or 0
    if start_line == line:
        return lines[line - 1].encode()[start:column].decode(errors="replace")
    parts = [lines[start_line - 1].encode()[start:].decode(errors="replace")]
    parts += lines[start_line : line - 1]
    parts.append(lines[line - 1].encode()[:column].decode(errors="replace"))
    return "\n".join(parts)
