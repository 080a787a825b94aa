"""Parameters and returns: what each step takes from earlier steps and leaves to later
ones, and which notebook variables each moved function now receives as parameters.

Built on the analyzer's providers (nearest earlier defining cell). Imports are hoisted
to module level and notebook functions are imported, so neither travels between steps.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from typing import NamedTuple

from nb2prod.analysis.facts import CellFacts, FunctionFacts, NotebookFacts
from nb2prod.planning.plan import StarImport
from nb2prod.reading.parsing import ParsedCell


class Signature(NamedTuple):
    params: tuple[str, ...]
    returns: tuple[str, ...]
    undefined: tuple[str, ...]


class Bindings(NamedTuple):
    """What each cell binds that is not a value passed between steps."""

    imports: dict[int, set[str]]
    definitions: dict[int, set[str]]  # functions and classes
    config: set[str]
    star_names: frozenset[str]  # names star imports provide
    unresolved_star: bool  # a star import whose names are unknown

    def imported_by_star(self, name: str) -> bool:
        return self.unresolved_star or name in self.star_names

    def hoisted(self, name: str) -> bool:
        """Whether some cell imports or defines `name`: the package's modules import
        it at their top, so a cell or function reading it before that cell (a
        function calling `torch.stack` before `import torch`) still finds it."""
        return any(name in names for names in self.imports.values()) or any(
            name in names for names in self.definitions.values()
        )

    def travels(self, name: str, provider: int) -> bool:
        """Whether a value provided by `provider` is passed from step to step."""
        return name not in self.imports.get(
            provider, set()
        ) and name not in self.definitions.get(provider, set())


def bindings(
    facts: NotebookFacts,
    config: set[str],
    stars: tuple[StarImport, ...] = (),
    aliases: dict[int, frozenset[str]] | None = None,
) -> Bindings:
    aliases = aliases or {}
    return Bindings(
        imports={
            c.index: {i.bound for i in c.imports if i.bound and not i.in_function}
            | aliases.get(c.index, frozenset())
            for c in facts.cells
        },
        definitions={
            c.index: {f.name for f in c.functions if not f.is_lambda}
            | {k.name for k in c.classes}
            for c in facts.cells
        },
        config=config,
        star_names=frozenset(n for star in stars for n in star.names or ()),
        unresolved_star=any(star.names is None for star in stars),
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
                if not known.imported_by_star(name) and not known.hoisted(name):
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


def assigned_results(
    cells: tuple[int, ...], parsed: dict[int, ParsedCell], known: Bindings, last: bool
) -> tuple[str, ...]:
    """Names a step assigns at its top level that it never reads itself (the last step:
    every such name). Returning them keeps the values reachable from `run()` and leaves
    no dead local in the generated function. Only plain top-level assignments count:
    a loop variable or an `except ... as` name may be unbound at the end."""
    assigned: dict[str, None] = {}
    loaded: set[str] = set()
    for index in cells:
        tree = parsed[index].tree if index in parsed else None
        if tree is None:
            continue
        hoisted = known.imports.get(index, set())  # module aliases moved up
        for statement in tree.body:
            targets = [t for t in _plain_targets(statement) if t not in hoisted]
            assigned.update(dict.fromkeys(targets))
            for node in _runs_in_step(statement):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    loaded.add(node.id)
    return tuple(
        name
        for name in assigned
        if name not in known.config
        and not name.startswith("_")
        and (last or name not in loaded)
    )


def config_reads(
    cells: tuple[int, ...], parsed: dict[int, ParsedCell], config: set[str]
) -> tuple[str, ...]:
    """Config names the step's own code reads (its `NAME = literal` line moved to config.py,
    so even a read right after it in the same cell now needs the config value)."""
    found: dict[str, None] = {}
    for index in cells:
        tree = parsed[index].tree if index in parsed else None
        for statement in tree.body if tree is not None else []:
            for node in _runs_in_step(statement):
                if (
                    isinstance(node, ast.Name)
                    and isinstance(node.ctx, ast.Load)
                    and node.id in config
                ):
                    found[node.id] = None
    return tuple(found)


def _plain_targets(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and statement.value is not None:
        return [statement.target.id] if isinstance(statement.target, ast.Name) else []
    if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []


def _runs_in_step(statement: ast.stmt) -> list[ast.AST]:
    """Nodes of a statement that stay in the step (function and class bodies move out)."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []
    return list(ast.walk(statement))


def function_parameters(facts: NotebookFacts) -> dict[str, tuple[str, ...]]:
    """Notebook variables each function reads (directly or through the notebook functions
    it calls), which become its extra parameters."""
    latest: dict[str, FunctionFacts] = {}
    for cell in facts.cells:
        for function in cell.functions:
            if not function.is_lambda:
                latest[function.name] = function
    state = {r.function: set(r.names) for r in facts.dataflow.functions_reading_state}
    extra = {name: set(state.get(name, ())) for name in latest}
    changed = True
    while changed:
        changed = False
        for name, function in latest.items():
            own = {p.name for p in function.params}
            for callee in function.globals_read:  # called, or passed on as a value
                if callee in extra and callee != name:
                    added = extra[callee] - extra[name] - own
                    if added:
                        extra[name] |= added
                        changed = True
    return {name: tuple(sorted(names)) for name, names in extra.items() if names}
