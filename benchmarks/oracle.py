"""Independent readings of a cell, to check the analyzer against.

- `libcst_names`: module-level defines and reads from libcst's ScopeProvider and
  PositionProvider (what the analyzer would cost 10x more to compute this way).
- `symtable_globals`: per top-level function, the notebook names it reads, from
  CPython's own symbol table.

Both are oracles with known blind spots (noted inline); the corpus report lists every
disagreement so that each is either an analyzer bug or one of those blind spots.
"""

from __future__ import annotations

import re
import symtable

import libcst
from libcst.metadata import (
    ClassScope,
    ComprehensionScope,
    FunctionScope,
    GlobalScope,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from nb2prod.analysis.names import is_builtin


def libcst_names(python: str) -> tuple[set[str], set[str]]:
    """(defines, reads) of a cell's translated source, read with libcst metadata.

    Blind spot: a read and a binding on the same line are ordered by line only, so
    `x = 1; print(x)` counts x as read (the analyzer orders them properly).
    """
    wrapper = MetadataWrapper(libcst.parse_module(python), unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    positions = wrapper.resolve(PositionProvider)
    global_scope = next(s for s in scopes.values() if isinstance(s, GlobalScope))
    first_binding: dict[str, int] = {}
    for assignment in global_scope.assignments:
        node = assignment.node
        line = positions[node].start.line if node in positions else 0
        name = assignment.name.split(".")[0]  # `import a.b` binds `a`
        first_binding[name] = min(first_binding.get(name, line), line)
    defines = {name for name in first_binding if not _deleted_last(python, name)}
    reads = set()
    for scope in {s for s in scopes.values() if s is not None}:
        if not _runs_with_the_cell(scope):
            continue
        for access in scope.accesses:
            if not isinstance(access.node, libcst.Name):
                continue  # string annotations and the like
            name = access.node.value
            if is_builtin(name) or _bound_in_nested_scope(scope, global_scope, name):
                continue
            line = positions[access.node].start.line
            if name not in first_binding or line <= first_binding[name]:
                reads.add(name)
    return defines, reads


def _bound_in_nested_scope(scope: Scope, global_scope: Scope, name: str) -> bool:
    """A comprehension variable, seen from this or an enclosing comprehension/class."""
    while scope is not None and scope is not global_scope:
        if name in scope.assignments:
            return True
        scope = scope.parent
    return False


def _runs_with_the_cell(scope: Scope) -> bool:
    """Global scope, and class or comprehension scopes not inside a function."""
    while scope is not None and not isinstance(scope, GlobalScope):
        if isinstance(scope, FunctionScope) or not isinstance(
            scope, (ClassScope, ComprehensionScope)
        ):
            return False
        scope = scope.parent
    return True


def _deleted_last(python: str, name: str) -> bool:
    """libcst keeps `del x` as an access; the analyzer treats it as an unbinding."""
    pattern = re.compile(rf"^\s*del\s+(?:\w+\s*,\s*)*{re.escape(name)}\s*(?:,|$)", re.M)
    bindings = re.compile(
        rf"^\s*{re.escape(name)}\s*=|import .*\b{re.escape(name)}\b", re.M
    )
    deleted = [m.start() for m in pattern.finditer(python)]
    bound = [m.start() for m in bindings.finditer(python)]
    return bool(deleted) and (not bound or max(deleted) > max(bound))


def symtable_globals(python: str) -> dict[str, set[str]]:
    """For each top-level `def`, the non-builtin global names it (or nested code) reads."""
    table = symtable.symtable(python, "<cell>", "exec")
    result = {}
    for child in table.get_children():
        if child.get_type() == "function" and child.get_name() != "lambda":
            result[child.get_name()] = _global_reads(child)
    return result


def _global_reads(table: symtable.SymbolTable) -> set[str]:
    names = {
        symbol.get_name()
        for symbol in table.get_symbols()
        if symbol.is_global()
        and symbol.is_referenced()
        and not is_builtin(symbol.get_name())
    }
    for child in table.get_children():
        names |= _global_reads(child)
    return names
