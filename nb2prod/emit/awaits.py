"""Top-level `await` in a step: the step runs its cells' code in an event loop.

IPython runs a cell that awaits at top level in its event loop (autoawait); a module
cannot await outside `async def`. So a step whose cells await keeps their code as it
is, in a coroutine function nested in the step, and runs it with `asyncio.run`: the
step's name, parameters, returns and callers (pipeline, verify, tests) do not change.
The step's values are the coroutine's arguments, so rebinding one stays local.
"""

from __future__ import annotations

import ast

import libcst as cst

from nb2prod.errors import ConversionError
from nb2prod.reading.magics import SyntaxKind
from nb2prod.reading.parsing import ParsedCell

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def awaits_at_top_level(parsed: ParsedCell) -> bool:
    """Whether the cell awaits outside any function (`await`, `async for/with`)."""
    return any(
        fact.kind is SyntaxKind.TOP_LEVEL_AWAIT for fact in parsed.translation.syntax
    )


def refuse_awaiting_definitions(parsed: ParsedCell, path: str) -> None:
    """Raise `ConversionError` for a `def` or `class` whose decorators or defaults
    await: definitions move to module level, where nothing can await."""
    if parsed.tree is None or not awaits_at_top_level(parsed):
        return
    lines = [
        fact.span.line
        for fact in parsed.translation.syntax
        if fact.kind is SyntaxKind.TOP_LEVEL_AWAIT
    ]
    for node in parsed.tree.body:
        if not isinstance(node, _DEFINITIONS):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        awaiting = [line for line in lines if first <= line <= (node.end_lineno or 0)]
        if awaiting:
            raise ConversionError(
                path,
                f"`{node.name}` awaits in its decorators or defaults, which run where it "
                "is defined; nb2prod moves definitions to module level, where nothing "
                "can await: await the value in a statement before the definition",
                cell=parsed.cell.index,
                line=awaiting[0],
            )


def run_in_event_loop(
    function: cst.FunctionDef, taken: frozenset[str]
) -> cst.FunctionDef:
    """`def step(a):` with its docstring and body -> the body in `async def` nested in
    the step, run by `asyncio.run`. `taken`: names the body uses (the coroutine's name
    must not hide one of them)."""
    assert isinstance(function.body, cst.IndentedBlock)  # a step: docstring and body
    docstring, *body = function.body.body
    if not body:
        return function
    params = [param.name.value for param in function.params.params]
    name = _free_name(f"{function.name.value}_async", taken)
    coroutine = cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters(params=[cst.Param(cst.Name(p)) for p in params]),
        body=cst.IndentedBlock(body=body),
        asynchronous=cst.Asynchronous(),
    )
    call = f"asyncio.run({name}({', '.join(params)}))"
    run = cst.parse_statement(f"return {call}" if _returns_value(body[-1]) else call)
    return function.with_changes(
        body=cst.IndentedBlock(body=[docstring, coroutine, run])
    )


def _returns_value(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Return) and small.value is not None
        for small in statement.body
    )


def _free_name(name: str, taken: frozenset[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    return candidate
