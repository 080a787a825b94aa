"""Parameters and returns: what each step takes from earlier steps and leaves to later
ones, and which notebook variables each moved function now receives as parameters.

Built on the analyzer's providers (nearest earlier defining cell). Imports are hoisted
to module level and notebook functions are imported, so neither travels between steps.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from nb2prod.analysis.facts import CellFacts, FunctionFacts, NotebookFacts


class Signature(NamedTuple):
    params: tuple[str, ...]
    returns: tuple[str, ...]
    undefined: tuple[str, ...]


class Bindings(NamedTuple):
    """What each cell binds that is not a value passed between steps."""

    imports: dict[int, set[str]]
    definitions: dict[int, set[str]]  # functions and classes
    config: set[str]

    def travels(self, name: str, provider: int) -> bool:
        """Whether a value provided by `provider` is passed from step to step."""
        return name not in self.imports.get(
            provider, set()
        ) and name not in self.definitions.get(provider, set())


def bindings(facts: NotebookFacts, config: set[str]) -> Bindings:
    return Bindings(
        imports={
            c.index: {i.bound for i in c.imports if i.bound and not i.in_function}
            for c in facts.cells
        },
        definitions={
            c.index: {f.name for f in c.functions} | {k.name for k in c.classes}
            for c in facts.cells
        },
        config=config,
    )


def step_signatures(
    groups: list[tuple[int, ...]], facts: NotebookFacts, known: Bindings
) -> list[Signature]:
    """(params, returns, undefined names) of each group of cells, in order."""
    step_of = {cell: number for number, cells in enumerate(groups) for cell in cells}
    params: list[dict[str, None]] = [{} for _ in groups]
    undefined: list[dict[str, None]] = [{} for _ in groups]
    flows: list[tuple[int, str, int]] = []  # (providing cell, name, reading cell)
    for flow in facts.dataflow.cells:
        step = step_of.get(flow.index)
        if step is None:
            continue
        for provider in flow.providers:
            name = provider.name
            if name in known.config:
                params[step][name] = None
            elif provider.cell is None:
                undefined[step][name] = None
            elif known.travels(name, provider.cell):
                flows.append((provider.cell, name, flow.index))
                if step_of.get(provider.cell) != step:
                    params[step][name] = None
    returns = _returns(groups, step_of, flows, facts.cells)
    return [
        Signature(tuple(params[i]), tuple(returns[i]), tuple(undefined[i]))
        for i in range(len(groups))
    ]


def _returns(
    groups: list[tuple[int, ...]],
    step_of: dict[int, int],
    flows: list[tuple[int, str, int]],
    cells: tuple[CellFacts, ...],
) -> list[list[str]]:
    mutators: dict[str, list[int]] = defaultdict(list)
    for cell in cells:
        for name in cell.mutates:
            mutators[name].append(cell.index)
    returns: list[dict[str, None]] = [{} for _ in groups]
    for provider, name, reader in sorted(flows):
        source, target = step_of[provider], step_of[reader]
        if target > source:
            returns[source][name] = None
            for mutator in mutators.get(name, ()):
                step = step_of.get(mutator)
                if step is not None and source < step < target:
                    returns[step][name] = None
    return [list(names) for names in returns]


def outputs(
    last: tuple[int, ...], facts: NotebookFacts, known: Bindings
) -> tuple[str, ...]:
    """What `run()` returns: the values the last step defines."""
    names: dict[str, None] = {}
    for cell in facts.cells:
        if cell.index in last:
            for name in cell.defines:
                kept = known.travels(name, cell.index) and name not in known.config
                if kept and not name.startswith("_"):
                    names[name] = None
    return tuple(names)


def function_parameters(facts: NotebookFacts) -> dict[str, tuple[str, ...]]:
    """Notebook variables each function reads (directly or through the notebook functions
    it calls), which become its extra parameters."""
    latest: dict[str, FunctionFacts] = {}
    for cell in facts.cells:
        for function in cell.functions:
            latest[function.name] = function
    state = {r.function: set(r.names) for r in facts.dataflow.functions_reading_state}
    extra = {name: set(state.get(name, ())) for name in latest}
    changed = True
    while changed:
        changed = False
        for name, function in latest.items():
            own = {p.name for p in function.params}
            for callee in function.calls:
                if callee in extra and callee != name:
                    added = extra[callee] - extra[name] - own
                    if added:
                        extra[name] |= added
                        changed = True
    return {name: tuple(sorted(names)) for name, names in extra.items() if names}
