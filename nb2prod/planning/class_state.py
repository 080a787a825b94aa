"""Classes whose methods read notebook variables get them when they are created.

In the notebook a method reads the global `device` (or `vocab`, `tokenizer`) whenever it
runs; in the package there is no such global. The class takes the value as a
keyword-only constructor parameter and keeps it on the instance (`self.device`), and
every place that creates it passes it (`Net(device=device)`), as functions get theirs.

That is faithful when the value exists when the instance is created and is not rebound
afterwards; a class that fails one of these conditions, or whose shape forbids a new
constructor parameter (a dataclass, an enum, a named tuple, a static method reading
the value), keeps its warning, and the self-check reports the unbound name.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from nb2prod.analysis.dataflow import build_dataflow
from nb2prod.analysis.facts import ClassFacts, NotebookFacts
from nb2prod.analysis.literals import is_literal
from nb2prod.reading.parsing import ParsedCell

#: Bases that build their own constructor.
_FIXED_SHAPE = frozenset(
    {"NamedTuple", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "TypedDict"}
)


class ClassState(NamedTuple):
    """What a class receives at construction: every name, and those its notebook base
    class takes (forwarded through `super().__init__`)."""

    params: tuple[str, ...]
    inherited: tuple[str, ...]
    # (variable, keyword) where `__init__` has a parameter of the variable's own name:
    # the value comes in as `notebook_NAME`
    keywords: tuple[tuple[str, str], ...] = ()


class Refusal(NamedTuple):
    cell: int
    message: str


def definition_needs(
    facts: NotebookFacts,
    variables: set[str],
    function_params: dict[str, tuple[str, ...]],
    settled: frozenset[str] = frozenset(),
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(function -> parameters, class -> what its methods need), to a fixed point: a
    function creating a class needs what the class takes, and a class whose methods
    call a function or create a class needs what those take. `settled` classes take
    nothing (they read settings from Config)."""
    functions = {
        f.name: f for cell in facts.cells for f in cell.functions if not f.is_lambda
    }
    classes = {k.name: k for cell in facts.cells for k in cell.classes}
    function_needs = {
        name: dict.fromkeys(function_params.get(name, ())) for name in functions
    }
    class_needs = {
        name: dict.fromkeys(
            n for n in k.globals_read if n in variables and name not in settled
        )
        for name, k in classes.items()
    }
    changed = True
    while changed:
        changed = False
        for name, function in functions.items():
            own = {p.name for p in function.params}
            for read in function.globals_read:
                for need in class_needs.get(read, ()):
                    if need not in own and need not in function_needs[name]:
                        function_needs[name][need] = None
                        changed = True
        for name, klass in classes.items():
            if name in settled:
                continue
            for read in (*klass.globals_read, *klass.bases):  # a base's needs, too
                if read == name:
                    continue
                found = {**function_needs.get(read, {}), **class_needs.get(read, {})}
                for need in found:
                    if need not in class_needs[name]:
                        class_needs[name][need] = None
                        changed = True
    return (
        {name: tuple(needs) for name, needs in function_needs.items() if needs},
        {name: tuple(needs) for name, needs in class_needs.items() if needs},
    )


def class_state(
    facts: NotebookFacts,
    cells: dict[int, ParsedCell],
    class_needs: dict[str, tuple[str, ...]],
    config: frozenset[str] = frozenset(),
) -> tuple[dict[str, ClassState], list[Refusal]]:
    """The classes that get notebook variables at construction (`class_needs`, from
    `definition_needs`), and why the others that need some do not. A class that cannot
    take a constructor parameter but needs only settings (`config`) is no refusal: it
    reads their defaults from Config, as class bodies do."""
    latest: dict[str, tuple[int, ClassFacts]] = {}
    for cell in facts.cells:
        if cell.index in cells:
            for klass in cell.classes:
                latest[klass.name] = (cell.index, klass)
    own: dict[str, tuple[str, ...]] = {}
    refused: set[str] = set()
    refusals: list[Refusal] = []
    for name, (index, klass) in latest.items():
        state = class_needs.get(name, ())
        if not state:
            continue
        reason = _shape_problem(_class_node(cells[index], klass), state) or (
            _order_problem(
                facts, name, index, state, cells, _read_after_init(cells[index], klass)
            )
        )
        if reason is not None and set(state) <= config:
            continue  # only settings: read from Config where the class needs them
        if reason is not None:
            refusals.append(Refusal(index, f"class `{name}`: {reason}"))
            refused.add(name)
            continue
        own[name] = state
    injected: dict[str, ClassState] = {}
    for name, state in own.items():
        inherited = _inherited(name, latest, own, refused)
        if inherited is None:
            refusals.append(
                Refusal(
                    latest[name][0],
                    f"class `{name}`: a base class it inherits from cannot take "
                    "notebook variables",
                )
            )
            continue
        params = tuple(dict.fromkeys((*inherited, *state)))
        node = _class_node(cells[latest[name][0]], latest[name][1])
        injected[name] = ClassState(params, inherited, _renamed(node, params))
    for name, (index, klass) in latest.items():  # subclasses that read nothing
        if name in injected or name in own:
            continue
        inherited = _inherited(name, latest, own, refused)
        if inherited:
            node = _class_node(cells[index], klass)
            if _shape_problem(node, ()) is None:
                injected[name] = ClassState(inherited, inherited)
    return injected, refusals


def with_constructions(
    facts: NotebookFacts,
    injected: dict[str, ClassState],
    function_needs: dict[str, tuple[str, ...]],
) -> NotebookFacts:
    """`facts` where each cell that creates (or hands over) an injected class, or calls
    a function that does, reads the names these take: its step must receive them."""
    if not injected:
        return facts
    needs = {name: state.params for name, state in injected.items()}
    needs.update(function_needs)
    cells = []
    for cell in facts.cells:
        mentioned = set(cell.calls) | set(cell.reads)
        extra = {param for name in mentioned for param in needs.get(name, ())}
        extra -= {*cell.reads, *cell.defines}  # set here first: the order was checked
        cells.append(
            cell._replace(reads=tuple(sorted({*cell.reads, *extra}))) if extra else cell
        )
    cells_tuple = tuple(cells)
    return facts._replace(cells=cells_tuple, dataflow=build_dataflow(cells_tuple))


def _class_node(parsed: ParsedCell, klass: ClassFacts) -> ast.ClassDef | None:
    for node in ast.walk(parsed.tree) if parsed.tree is not None else ():
        if (
            isinstance(node, ast.ClassDef)
            and node.name == klass.name
            and node.lineno == klass.line
        ):
            return node
    return None


def _shape_problem(node: ast.ClassDef | None, state: tuple[str, ...]) -> str | None:
    """Why the class cannot take a new constructor parameter, or None."""
    if node is None:
        return "its definition was not found"
    if node.decorator_list:
        return "a decorated class (a dataclass?) builds its own constructor"
    if any(keyword.arg == "metaclass" for keyword in node.keywords):
        return "a class with a metaclass builds its own constructor"
    for base in node.bases:
        text = ast.unparse(base).split(".")[-1]
        if text in _FIXED_SHAPE:
            return f"a `{text}` subclass builds its own constructor"
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            problem = _method_problem(statement, state)
            if problem is not None:
                return problem
        elif _loads(statement) & set(state):
            names = ", ".join(sorted(_loads(statement) & set(state)))
            return f"its class body reads {names} when the class is defined"
    return None


def _method_problem(
    method: ast.FunctionDef | ast.AsyncFunctionDef, state: tuple[str, ...]
) -> str | None:
    read = _loads(method) & set(state)
    arguments = method.args
    calls = any(isinstance(node, ast.Call) for node in ast.walk(method))
    if state and calls and not (arguments.posonlyargs or arguments.args):
        # a call it makes may need the state (`data_load()` reading a setting)
        return f"`{method.name}` has no `self` to keep {', '.join(state)} on"
    if not read:
        return None
    decorators = {ast.unparse(d).split(".")[-1] for d in method.decorator_list}
    if decorators & {"staticmethod", "classmethod"}:
        return f"`{method.name}` is a {sorted(decorators)[0]} and reads {', '.join(sorted(read))}"
    arguments = method.args
    if not (arguments.posonlyargs or arguments.args):
        return f"`{method.name}` has no `self` to keep {', '.join(sorted(read))} on"
    declared = {
        name
        for node in ast.walk(method)
        if isinstance(node, ast.Global | ast.Nonlocal)
        for name in node.names
    }
    if declared & set(state):
        return f"`{method.name}` declares {', '.join(sorted(declared & set(state)))} global"
    return None


def _loads(node: ast.AST) -> set[str]:
    return {
        item.id
        for item in ast.walk(node)
        if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Load)
    }


def _order_problem(
    facts: NotebookFacts,
    name: str,
    index: int,
    state: tuple[str, ...],
    cells: dict[int, ParsedCell],
    read_later: set[str],
) -> str | None:
    """Why passing the values at construction would not be faithful, or None: each
    value must be set before the first instance is created, and one that a method
    other than `__init__` reads (`read_later`) never rebound after."""
    creating = sorted(
        cell.index
        for cell in facts.cells
        if cell.index >= index and (name in cell.calls or name in cell.reads)
    )
    if not creating:
        return None  # never created in the notebook: the caller passes the values
    first = creating[0]
    for variable in state:
        definers = [
            flow.index for flow in facts.dataflow.cells if variable in flow.defines
        ]
        if not definers or min(definers) > first:
            return (
                f"`{variable}` is set only after the class is first used "
                f"(cell {first + 1}); pass it in by hand"
            )
        if (
            max(definers) > first
            and variable in read_later
            and not _same_constant(variable, definers, cells)
        ):
            return (
                f"`{variable}` is set again after the class is first used "
                f"(cell {max(definers) + 1}); its methods would see the old value"
            )
        if min(definers) == first and not _set_before_use(cells[first], variable, name):
            return (
                f"`{variable}` is set after the class is first used in "
                f"cell {first + 1}; pass it in by hand"
            )
    return None


def _renamed(
    node: ast.ClassDef | None, params: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """(variable, keyword) for each variable `__init__` already has a parameter of."""
    init = next(
        (
            s
            for s in (node.body if node is not None else ())
            if isinstance(s, ast.FunctionDef) and s.name == "__init__"
        ),
        None,
    )
    if init is None:
        return ()
    arguments = init.args
    taken = {
        a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
    }
    return tuple((name, f"notebook_{name}") for name in params if name in taken)


def _same_constant(
    variable: str, definers: list[int], cells: dict[int, ParsedCell]
) -> bool:
    """True when every cell that sets `variable` assigns it the same literal
    (`patch_size = 16` repeated): setting it again changes nothing."""
    values = set()
    for index in definers:
        tree = cells[index].tree if index in cells else None
        if tree is None:
            return False
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(variable in _loads_or_stores(t) for t in targets):
                if not (
                    len(targets) == 1
                    and isinstance(targets[0], ast.Name)
                    and is_literal(node.value)  # type: ignore[attr-defined]
                ):
                    return False
                values.add(ast.dump(node.value))  # type: ignore[attr-defined]
            elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For) and (
                variable in _loads_or_stores(node.target)
            ):
                return False
    return len(values) == 1


def _loads_or_stores(node: ast.AST) -> set[str]:
    return {item.id for item in ast.walk(node) if isinstance(item, ast.Name)}


def _read_after_init(parsed: ParsedCell, klass: ClassFacts) -> set[str]:
    """Names the class's methods other than `__init__` read: when they run, later than
    construction, they see the value the notebook holds then. (Unknown: all of them.)"""
    node = _class_node(parsed, klass)
    if node is None:
        return set(klass.globals_read)
    return {
        name
        for statement in node.body
        if not (isinstance(statement, ast.FunctionDef) and statement.name == "__init__")
        for name in _loads(statement)
    }


def _set_before_use(parsed: ParsedCell, variable: str, name: str) -> bool:
    """True when, in one cell, `variable` is assigned before `name` is first used."""
    if parsed.tree is None:
        return False
    stores = [
        node.lineno
        for node in ast.walk(parsed.tree)
        if isinstance(node, ast.Name)
        and node.id == variable
        and isinstance(node.ctx, ast.Store)
    ]
    uses = [
        node.lineno
        for node in ast.walk(parsed.tree)
        if isinstance(node, ast.Name)
        and node.id == name
        and isinstance(node.ctx, ast.Load)
    ]
    return bool(stores) and (not uses or min(stores) < min(uses))


def _inherited(
    name: str,
    latest: dict[str, tuple[int, ClassFacts]],
    own: dict[str, tuple[str, ...]],
    refused: set[str],
    seen: frozenset[str] = frozenset(),
) -> tuple[str, ...] | None:
    """What the notebook base classes of `name` take, transitively (None when one of
    them reads notebook variables but cannot take them)."""
    result: dict[str, None] = {}
    for base in latest[name][1].bases:
        if base not in latest or base in seen:
            continue
        if base in refused:
            return None
        inherited = _inherited(base, latest, own, refused, seen | {name})
        if inherited is None:
            return None
        result.update(dict.fromkeys((*inherited, *own.get(base, ()))))
    return tuple(result)
