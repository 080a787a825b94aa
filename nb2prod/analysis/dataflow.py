"""Dataflow across cells, in document order (what Restart & Run All executes).

Each name a cell needs is provided by the nearest earlier cell that defines it, as in
soorgeon. A cell needs what it reads, what lambdas it runs read, and what the notebook
functions it calls read (transitively); it defines what it binds plus what those
functions assign through `global`. A value is live-out of the cell that defines it, and
of every cell that mutates it, until the last cell that needs it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from nb2prod.analysis.facts import (
    CellFacts,
    CellFlow,
    Dataflow,
    FunctionFacts,
    MultipleDefinition,
    NameUse,
    Provider,
    StateRead,
    UseBeforeDefinition,
)

_DELETED = -1


def build_dataflow(cells: tuple[CellFacts, ...]) -> Dataflow:
    """Providers, needs and live-out names of each code cell, and what is wrong with them."""
    functions = _functions_by_cell(cells)
    defines = {cell.index: _defines(cell, functions[cell.index]) for cell in cells}
    definers: dict[str, list[int]] = defaultdict(list)
    for cell in cells:
        for name in defines[cell.index]:
            definers[name].append(cell.index)
    star_seen_at = min((c.index for c in cells if c.star_imports), default=None)

    last_definer: dict[str, int] = {}
    needs: dict[int, tuple[str, ...]] = {}
    providers: dict[int, tuple[Provider, ...]] = {}
    undefined: list[UseBeforeDefinition] = []
    never: list[NameUse] = []
    flows: list[tuple[int, str, int]] = []  # (provider, name, reader)
    for cell in cells:
        # A builtin name a notebook rebinds (`input = ...`) is read from that cell.
        shadowed = {
            n for n in cell.builtins_read if last_definer.get(n, _DELETED) != _DELETED
        }
        needs[cell.index] = tuple(
            sorted(set(_needs(cell, functions[cell.index])) | shadowed)
        )
        found = []
        for name in needs[cell.index]:
            provider = last_definer.get(name)
            if provider is None or provider == _DELETED:
                found.append(Provider(name, None))
                later = tuple(i for i in definers.get(name, ()) if i > cell.index)
                if later:
                    undefined.append(UseBeforeDefinition(name, cell.index, later))
                elif not definers.get(name) and (
                    star_seen_at is None or star_seen_at > cell.index
                ):
                    never.append(NameUse(name, cell.index))
            else:
                found.append(Provider(name, provider))
                flows.append((provider, name, cell.index))
        providers[cell.index] = tuple(found)
        for name in defines[cell.index]:
            last_definer[name] = cell.index
        for name in cell.deletes:
            last_definer[name] = _DELETED

    live_out = _live_out(cells, flows)
    return Dataflow(
        cells=tuple(
            CellFlow(
                index=cell.index,
                providers=providers[cell.index],
                needs=needs[cell.index],
                defines=defines[cell.index],
                live_out=tuple(sorted(live_out[cell.index])),
            )
            for cell in cells
        ),
        undefined_before_use=tuple(sorted(undefined)),
        never_defined=tuple(sorted(never)),
        defined_in_several_cells=tuple(
            MultipleDefinition(name, tuple(indexes))
            for name, indexes in sorted(definers.items())
            if len(indexes) > 1
        ),
        redefined_functions=_redefined_functions(cells),
        functions_reading_state=_functions_reading_state(cells),
    )


def _functions_by_cell(
    cells: tuple[CellFacts, ...],
) -> dict[int, dict[str, FunctionFacts]]:
    """For each cell, the notebook functions visible when it runs (latest definition)."""
    visible: dict[str, FunctionFacts] = {}
    result = {}
    for cell in cells:
        for function in cell.functions:
            visible[function.name] = function
        result[cell.index] = dict(visible)
    return result


def _called_functions(
    called: Iterable[str], functions: dict[str, FunctionFacts]
) -> list[FunctionFacts]:
    """The notebook functions `called` reaches, following calls between them."""
    seen: dict[str, FunctionFacts] = {}
    pending = [name for name in called if name in functions]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen[name] = functions[name]
        pending.extend(
            n for n in functions[name].calls if n in functions and n not in seen
        )
    return list(seen.values())


def _needs(cell: CellFacts, functions: dict[str, FunctionFacts]) -> tuple[str, ...]:
    called = _called_functions(cell.calls, functions)
    written_by_calls = {
        name for function in called for name in function.globals_written
    }
    needed = (set(cell.reads) | set(cell.lambda_reads)) - written_by_calls
    own = {function.name for function in cell.functions}
    for function in called:
        extra = set(function.globals_read) - set(function.globals_written)
        if (
            function.name in own
        ):  # defined and called here: what the cell bound is there
            extra -= set(cell.defines)
        needed |= extra - {function.name}
    return tuple(sorted(needed))


def _defines(cell: CellFacts, functions: dict[str, FunctionFacts]) -> tuple[str, ...]:
    defined = set(cell.defines)
    for function in _called_functions(cell.calls, functions):
        defined |= set(function.globals_written)
    return tuple(sorted(defined))


def _live_out(
    cells: tuple[CellFacts, ...], flows: list[tuple[int, str, int]]
) -> dict[int, set[str]]:
    """A name is live-out of its provider and of every cell mutating it before a reader."""
    mutators: dict[str, list[int]] = defaultdict(list)
    for cell in cells:
        for name in cell.mutates:
            mutators[name].append(cell.index)
    live: dict[int, set[str]] = {cell.index: set() for cell in cells}
    for provider, name, reader in flows:
        live[provider].add(name)
        for mutator in mutators.get(name, ()):
            if provider < mutator < reader:
                live[mutator].add(name)
    return live


def _redefined_functions(
    cells: tuple[CellFacts, ...],
) -> tuple[MultipleDefinition, ...]:
    bodies: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for cell in cells:
        for function in cell.functions:
            bodies[function.name][function.body_hash].append(cell.index)
    return tuple(
        MultipleDefinition(
            name, tuple(sorted({i for cells_ in by_hash.values() for i in cells_}))
        )
        for name, by_hash in sorted(bodies.items())
        if len(by_hash) > 1
    )


def _functions_reading_state(cells: tuple[CellFacts, ...]) -> tuple[StateRead, ...]:
    """Functions whose free names are notebook variables (not functions, classes, imports)."""
    code_names = {f.name for cell in cells for f in cell.functions}
    code_names |= {c.name for cell in cells for c in cell.classes}
    code_names |= {i.bound for cell in cells for i in cell.imports if i.bound}
    variables = {name for cell in cells for name in cell.defines} - code_names
    found = []
    for cell in cells:
        for function in cell.functions:
            names = tuple(n for n in function.globals_read if n in variables)
            if names:
                found.append(StateRead(cell.index, function.name, names))
    return tuple(sorted(found))
