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
from nb2prod.parsing import ParsedCell

#: Bases that build their own constructor.
_FIXED_SHAPE = frozenset(
    {"NamedTuple", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "TypedDict"}
)


class ClassState(NamedTuple):
    """What a class receives at construction: every name, and those its notebook base
    class takes (forwarded through `super().__init__`)."""

    params: tuple[str, ...]
    inherited: tuple[str, ...]


class Refusal(NamedTuple):
    cell: int
    message: str


def class_state(
    facts: NotebookFacts,
    cells: dict[int, ParsedCell],
    variables: set[str],
) -> tuple[dict[str, ClassState], list[Refusal]]:
    """The classes that get notebook variables at construction, and why the others
    that read some do not."""
    latest: dict[str, tuple[int, ClassFacts]] = {}
    for cell in facts.cells:
        if cell.index in cells:
            for klass in cell.classes:
                latest[klass.name] = (cell.index, klass)
    own: dict[str, tuple[str, ...]] = {}
    refused: set[str] = set()
    refusals: list[Refusal] = []
    for name, (index, klass) in latest.items():
        state = tuple(n for n in klass.globals_read if n in variables)
        if not state:
            continue
        reason = _shape_problem(_class_node(cells[index], klass), state) or (
            _order_problem(facts, name, index, state, cells)
        )
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
        injected[name] = ClassState(params, inherited)
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
    facts: NotebookFacts, injected: dict[str, ClassState]
) -> NotebookFacts:
    """`facts` where each cell that creates (or hands over) an injected class reads the
    names the class takes: the step creating it must receive them."""
    if not injected:
        return facts
    cells = []
    for cell in facts.cells:
        mentioned = set(cell.calls) | set(cell.reads)
        extra = {
            param
            for name, state in injected.items()
            if name in mentioned
            for param in state.params
        }
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
    if method.name == "__init__":
        names = {a.arg for a in (*arguments.posonlyargs, *arguments.args)}
        names |= {a.arg for a in arguments.kwonlyargs}
        if names & set(state):
            clash = ", ".join(sorted(names & set(state)))
            return f"`__init__` already has a parameter named {clash}"
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
) -> str | None:
    """Why passing the values at construction would not be faithful, or None: each
    value must be set before the first instance is created and never rebound after."""
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
        if max(definers) > first:
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
