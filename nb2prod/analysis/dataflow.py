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
    Mention,
    MultipleDefinition,
    NameUse,
    Provider,
    StateRead,
    UseBeforeDefinition,
)

_DELETED = -1


def build_dataflow(cells: tuple[CellFacts, ...]) -> Dataflow:
    """Providers, needs and live-out names of each code cell, and what is wrong with them."""
    defines = _defines_by_cell(cells)
    definers: dict[str, list[int]] = defaultdict(list)
    for cell in cells:
        for name in defines[cell.index]:
            definers[name].append(cell.index)
    resolved = _Resolution(cells, defines, definers)
    live_out = _live_out(cells, resolved.flows)
    return Dataflow(
        cells=tuple(
            CellFlow(
                index=cell.index,
                providers=resolved.providers[cell.index],
                needs=resolved.needs[cell.index],
                defines=defines[cell.index],
                live_out=tuple(sorted(live_out[cell.index])),
                need_sites=resolved.sites[cell.index],
            )
            for cell in cells
        ),
        undefined_before_use=tuple(sorted(resolved.undefined)),
        never_defined=tuple(sorted(resolved.never)),
        defined_in_several_cells=tuple(
            MultipleDefinition(name, tuple(indexes))
            for name, indexes in sorted(definers.items())
            if len(indexes) > 1
        ),
        redefined_functions=_redefined_functions(cells),
        functions_reading_state=_functions_reading_state(cells),
    )


def _defines_by_cell(cells: tuple[CellFacts, ...]) -> dict[int, tuple[str, ...]]:
    defines = {}
    visible: dict[str, FunctionFacts] = {}  # notebook functions, latest definition
    for cell in cells:
        visible.update((function.name, function) for function in cell.functions)
        defines[cell.index] = _defines(cell, visible)
    return defines


class _Resolution:
    """Walk the cells in order, finding the provider of each name each cell needs."""

    def __init__(
        self,
        cells: tuple[CellFacts, ...],
        defines: dict[int, tuple[str, ...]],
        definers: dict[str, list[int]],
    ) -> None:
        self.needs: dict[int, tuple[str, ...]] = {}
        self.sites: dict[int, tuple[Mention, ...]] = {}
        self.providers: dict[int, tuple[Provider, ...]] = {}
        self.undefined: list[UseBeforeDefinition] = []
        self.never: list[NameUse] = []
        self.flows: list[tuple[int, str, int]] = []  # (provider, name, reader)
        star_at = min((cell.index for cell in cells if cell.star_imports), default=None)
        visible: dict[str, FunctionFacts] = {}
        last_definer: dict[str, int] = {}
        for cell in cells:
            visible.update((function.name, function) for function in cell.functions)
            # A builtin name the notebook rebinds (`input = ...`) is read from that cell.
            shadowed = {
                n for n in cell.builtins_read if last_definer.get(n, _DELETED) >= 0
            }
            sites = _needs(cell, visible)
            needs = tuple(sorted(set(sites) | shadowed))
            self.needs[cell.index] = needs
            self.sites[cell.index] = tuple(
                sites[name] for name in needs if name in sites
            )
            self.providers[cell.index] = tuple(
                self._provide(name, cell.index, last_definer, definers, star_at)
                for name in needs
            )
            for name in defines[cell.index]:
                last_definer[name] = cell.index
            for name in cell.deletes:
                last_definer[name] = _DELETED

    def _provide(
        self,
        name: str,
        reader: int,
        last_definer: dict[str, int],
        definers: dict[str, list[int]],
        star_at: int | None,
    ) -> Provider:
        provider = last_definer.get(name, _DELETED)
        if provider >= 0:
            self.flows.append((provider, name, reader))
            return Provider(name, provider)
        later = tuple(index for index in definers.get(name, ()) if index > reader)
        if later:
            self.undefined.append(UseBeforeDefinition(name, reader, later))
        elif not definers.get(name) and (star_at is None or star_at > reader):
            self.never.append(NameUse(name, reader))
        return Provider(name, None)


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


def _needs(cell: CellFacts, functions: dict[str, FunctionFacts]) -> dict[str, Mention]:
    """Each name the cell needs, with the node that needs it: the read itself, or the
    first call of a notebook function that reads it."""
    # A function handed over as a value (`odeint(f, ...)`) runs too: count every mention.
    mentioned = {*cell.calls, *cell.reads, *cell.lambda_reads}
    written_by_calls = {
        name
        for function in _called_functions(mentioned, functions)
        for name in function.globals_written
    }
    placed = {site.name: site for site in cell.read_sites}
    # reads may be added after the scan (what classes need): those have no place
    needed = {
        name: placed.get(name, Mention(name, 1, 0))
        for name in (*cell.reads, *cell.lambda_reads)
        if name not in written_by_calls
    }
    own = {function.name for function in cell.functions}
    bound_before = {scope.name: scope.bound_before for scope in cell.call_scopes}
    sites = {site.name: site for site in (*cell.read_sites, *cell.call_sites)}
    # earliest call first, so that a name read by several functions is placed there
    for name in sorted(
        mentioned & functions.keys(), key=lambda n: (sites[n].line, sites[n].column)
    ):
        # what the cell bound before calling it is there, and what the functions it
        # reaches assign through `global` (`global model; model = ...; predict()`)
        given = set(bound_before.get(name, ()))
        if name in own:  # defined and called here: what the cell binds is there
            given |= set(cell.defines)
        for extra in reads_through(name, functions) - given - {name}:
            needed.setdefault(extra, sites[name]._replace(name=extra))
    return needed


def reads_through(name: str, functions: dict[str, FunctionFacts]) -> set[str]:
    """Notebook names that calling `name` reads and no function it reaches assigns."""
    reached = _called_functions([name], functions)
    read = {n for function in reached for n in function.globals_read}
    return read - {n for function in reached for n in function.globals_written}


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
    """Functions whose free names are notebook variables (not functions, classes,
    imports; a lambda bound to a name is a variable)."""
    code_names = {f.name for cell in cells for f in cell.functions if not f.is_lambda}
    code_names |= {c.name for cell in cells for c in cell.classes}
    code_names |= {i.bound for cell in cells for i in cell.imports if i.bound}
    variables = {name for cell in cells for name in cell.defines} - code_names
    found = []
    for cell in cells:
        for function in cell.functions:
            names = tuple(n for n in function.globals_read if n in variables)
            if names and not function.is_lambda:
                found.append(StateRead(cell.index, function.name, names))
    return tuple(sorted(found))
