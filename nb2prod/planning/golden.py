"""Characterisation ("golden") cases: values the notebook displayed or printed that the
package can recompute by calling one of the notebook's own functions.

The stored outputs are the only specification a notebook has, so they are worth pinning
in tests, but only where a generated test can really recompute them: a call of a moved
function whose arguments are literals or config values, whose function neither prints,
draws random numbers, reads the clock, does I/O nor changes notebook state, and whose
stored text is the whole output of the cell, and neither holds a secret. Everything else
becomes a TODO stub.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from nb2prod.analysis.facts import CellFacts, FunctionFacts, NotebookFacts
from nb2prod.analysis.secret_places import notebook_redactor
from nb2prod.planning.plan import ConfigValue, FunctionPlan, GoldenCase, GoldenKind
from nb2prod.reading.notebook import Cell, Output
from nb2prod.reading.parsing import ParsedCell

#: IPython magics that print timings into the cell's output.
_TIMING = frozenset({"time", "timeit", "prun"})
#: A Python 2 long integer in a stored output (`10L`).
_PYTHON2_LONG = re.compile(r"(?<![\w.])\d+L\b")
#: Calls whose result depends on when the function runs.
_CLOCK = frozenset({"now", "today", "utcnow", "time", "perf_counter", "monotonic"})


def find_golden_cases(
    cells: dict[int, ParsedCell],
    facts: NotebookFacts,
    functions: Iterable[FunctionPlan],
    config: Iterable[ConfigValue],
) -> tuple[GoldenCase, ...]:
    """One case per cell whose stored display or print is a pure call's result."""
    constants = {v.name for v in config if v.original is None and v.kind != "path"}
    movable = {f.name: f for f in functions if f.kind == "function"}
    pure = _pure_functions(facts, cells, movable)
    found = []
    for cell_facts in facts.cells:
        parsed = cells.get(cell_facts.index)
        if parsed is None or parsed.tree is None or not parsed.tree.body:
            continue
        case = _case(parsed, cell_facts, pure, constants)
        if case is not None:
            found.append(case)
    return _without_secrets(found, cells, facts)


def _without_secrets(
    found: list[GoldenCase], cells: dict[int, ParsedCell], facts: NotebookFacts
) -> tuple[GoldenCase, ...]:
    """The cases whose call and stored text hold no secret: a test would publish it
    (the function gets a TODO stub instead)."""
    if not found:
        return ()
    redactor = notebook_redactor((item.cell for item in cells.values()), facts.cells)
    return tuple(
        case
        for case in found
        if not redactor.holds_secret(case.expected)
        and not redactor.holds_secret(case.call)
    )


def _pure_functions(
    facts: NotebookFacts, cells: dict[int, ParsedCell], movable: dict[str, FunctionPlan]
) -> dict[str, FunctionPlan]:
    """Moved functions a test can call and expect the notebook's answer from."""
    latest: dict[str, tuple[FunctionFacts, CellFacts]] = {}
    for cell in facts.cells:
        for function in cell.functions:
            latest[function.name] = (function, cell)
    clock_readers: dict[int, dict[str, bool]] = {}
    pure = {}
    for name, plan in movable.items():
        if name not in latest:
            continue
        function, cell = latest[name]
        impure = (
            function.prints
            or function.is_async
            or function.globals_written
            or function.globals_mutated
            or function.global_declarations
            or plan.returns_globals
            or any(call.in_function == name for call in (*cell.randomness, *cell.io))
            or _reads_clock(cells.get(cell.index), name, clock_readers)
        )
        if not impure:
            pure[name] = plan
    return pure


def _reads_clock(
    parsed: ParsedCell | None, name: str, cache: dict[int, dict[str, bool]]
) -> bool:
    """Whether the cell's definition of `name` calls the clock (True when unknown).

    The answers for a cell come from one walk of it, kept in `cache`: asking per
    function walked the whole cell each time, quadratic in a cell of many functions.
    """
    if parsed is None or parsed.tree is None:
        return True
    if parsed.cell.index not in cache:
        cache[parsed.cell.index] = _clock_readers(parsed.tree)
    return cache[parsed.cell.index].get(name, True)


def _clock_readers(tree: ast.Module) -> dict[str, bool]:
    """For each function name, whether its first definition (breadth first) calls
    the clock."""
    readers: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name not in readers:
            readers[node.name] = any(
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in _CLOCK
                for call in ast.walk(node)
            )
    return readers


def _case(
    parsed: ParsedCell,
    facts: CellFacts,
    pure: dict[str, FunctionPlan],
    constants: set[str],
) -> GoldenCase | None:
    last = parsed.tree.body[-1] if parsed.tree else None
    outputs = parsed.cell.outputs
    if any(output.output_type == "error" for output in outputs):
        return None
    if any(fact.name in _TIMING for fact in parsed.translation.syntax):
        return None  # `%time` adds "Wall time: ..." to what the cell printed
    if any(_PYTHON2_LONG.search(o.text or o.get("text/plain") or "") for o in outputs):
        return None  # `10L`: stored by a Python 2 kernel, not what Python 3 shows
    if facts.display_expression is not None and isinstance(last, ast.Expr):
        text = _displayed(outputs)
        call = _pure_call(last.value, pure, constants)
        if text is not None and call is not None and not _stdout(outputs):
            return _golden(parsed.cell, call, pure, text, "display")
    if len(facts.prints) != 1 or _displayed(outputs) is not None:
        return None
    printed = _stdout(outputs)
    for statement in parsed.tree.body if parsed.tree else ():
        if not (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id == "print"
        ):
            continue
        arguments = statement.value
        if len(arguments.args) != 1 or arguments.keywords or not printed:
            return None
        call = _pure_call(arguments.args[0], pure, constants)
        if call is None or not printed.endswith("\n"):
            return None
        return _golden(parsed.cell, call, pure, printed[:-1], "print")
    return None


def _golden(
    cell: Cell,
    call: ast.Call,
    pure: dict[str, FunctionPlan],
    expected: str,
    kind: GoldenKind,
) -> GoldenCase:
    function = pure[call.func.id]  # type: ignore[attr-defined]
    keywords = [
        ast.keyword(arg=name, value=ast.Name(id=name, ctx=ast.Load()))
        for name in function.extra_params
    ]
    rewritten = _ConfigNames().visit(
        ast.Call(func=call.func, args=call.args, keywords=[*call.keywords, *keywords])
    )
    source = ast.unparse(rewritten)
    return GoldenCase(
        cell=cell.index,
        function=function.name,
        module=function.module,
        call=source,
        expected=expected,
        kind=kind,
        uses_config="config." in source,
    )


class _ConfigNames(ast.NodeTransformer):
    """Names in a checked call are config values (literals were checked too)."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Attribute(
            value=ast.Name(id="config", ctx=ast.Load()), attr=node.id, ctx=ast.Load()
        )

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.args = [self.visit(argument) for argument in node.args]
        node.keywords = [
            ast.keyword(arg=k.arg, value=self.visit(k.value)) for k in node.keywords
        ]
        return node


def _pure_call(
    node: ast.expr, pure: dict[str, FunctionPlan], constants: set[str]
) -> ast.Call | None:
    """`node` when it calls a pure function with literal or config arguments only."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in pure
    ):
        return None
    function = pure[node.func.id]
    if any(name not in constants for name in function.extra_params):
        return None
    values = [*node.args, *(k.value for k in node.keywords)]
    if any(isinstance(v, ast.Starred) for v in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        return None
    if all(_literal(value, constants) for value in values):
        return node
    return None


def _literal(node: ast.expr, constants: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in constants
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _displayed(outputs: tuple[Output, ...]) -> str | None:
    results = [o for o in outputs if o.output_type == "execute_result"]
    if len(results) != 1:
        return None
    text = results[0].get("text/plain")
    return text if text else None


def _stdout(outputs: tuple[Output, ...]) -> str:
    return "".join(
        o.text for o in outputs if o.output_type == "stream" and o.name == "stdout"
    )
