"""One pass over a cell's `ast`, in execution order: who binds, reads and mutates what.

Module scope is the notebook's namespace. A load there is a cell *read* unless the cell
bound the name earlier (in source order). Function and lambda bodies do not run when
the cell runs: their free names become the function's `globals_read`. Class bodies and
comprehensions run at once, in scopes of their own, as Python runs them.

Why not libcst's ScopeProvider: it costs ~100 ms per corpus notebook (median) before
any fact is computed; this walker over CPython's `ast` does all facts in a few ms.
The test suite checks it against libcst's ScopeProvider and CPython's `symtable`.
"""

from __future__ import annotations

import ast
import sys
import types
import warnings
from collections.abc import Iterator
from typing import NamedTuple

from nb2prod.analysis.facts import ClassFacts, FunctionFacts, ImportFact, Param
from nb2prod.analysis.names import MUTATING_FUNCTIONS, MUTATING_METHODS, is_builtin
from nb2prod.analysis.versions import python2_branch

_IMPORT_ERRORS = frozenset(
    {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


class _Scope:
    """A scope being walked. Function scopes resolve their names when they end."""

    __slots__ = (
        "assigned_global",
        "bound",
        "called",
        "declared_global",
        "declared_nonlocal",
        "kind",
        "loads",
        "mutated",
        "name",
        "prints",
    )

    def __init__(self, kind: str, name: str | None = None) -> None:
        self.kind = kind  # module | class | function | comprehension
        self.name = name
        self.bound: set[str] = set()
        self.loads: set[str] = set()
        self.mutated: set[str] = set()
        self.called: set[str] = set()
        self.declared_global: set[str] = set()
        self.declared_nonlocal: set[str] = set()
        self.assigned_global: set[str] = set()
        self.prints = False


class _Context(NamedTuple):
    """Where the expression being walked sits: assigned to `target`, or an argument."""

    target: str | None = None  # `name = <here>`
    keyword: str | None = None  # `callee(keyword=<here>)`
    callee: str | None = None


class RawCall(NamedTuple):
    """A call as written, before the notebook's imports qualify its name."""

    line: int
    column: int
    func: str | None  # dotted name (`np.random.rand`), None for computed callees
    args: tuple[
        object, ...
    ]  # literal value of each positional argument, or NOT_LITERAL
    keywords: tuple[tuple[str, object], ...]  # (keyword, literal value or NOT_LITERAL)
    in_function: str | None
    node: ast.Call
    star_kwargs: bool = False  # `f(**params)`: keywords we cannot see


NOT_LITERAL = object()


class RawLiteral(NamedTuple):
    """A string anywhere, or a number given a name (assigned, or a keyword argument)."""

    line: int
    column: int
    value: str | int | float
    name: str | None  # the assigned name or the keyword
    callee: str | None  # the function a keyword or positional argument goes to
    in_function: str | None


class CellScan:
    """What the walk found; `cells.py` turns it into `CellFacts`."""

    def __init__(self) -> None:
        self.defines: dict[str, None] = {}  # dicts as ordered sets
        self.deletes: dict[str, None] = {}
        # reads and calls keep the (line, column) of their first node in the cell
        self.reads: dict[str, tuple[int, int]] = {}
        self.builtins_read: dict[str, None] = {}
        self.mutates: dict[str, None] = {}
        self.calls: dict[str, tuple[int, int]] = {}
        self.lambda_reads: dict[str, tuple[int, int]] = {}
        # what the cell had bound when it first called each name (`x = 1; f()`)
        self.bound_before_call: dict[str, frozenset[str]] = {}
        self.functions: list[FunctionFacts] = []
        self.function_names: set[str] = set()  # of `functions`, looked up per load
        self.classes: list[ClassFacts] = []
        self.imports: list[ImportFact] = []
        self.raw_calls: list[RawCall] = []
        self.literals: list[RawLiteral] = []


def scan_cell(
    tree: ast.Module, source: str, shifts: dict[int, int] | None = None
) -> CellScan:
    """Walk a parsed cell and collect its names, definitions, calls and constants."""
    walker = _Walker(source, shifts or {})
    # The walk recurses once per nesting level, a few frames each; CPython's parser
    # accepts chains (`a + b + ...`) a few thousand deep, so allow that much here.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 12_000))
    try:
        walker.run(tree)
    finally:
        sys.setrecursionlimit(limit)
    return walker.scan


class _Walker(ast.NodeVisitor):
    def __init__(self, source: str, shifts: dict[int, int]) -> None:
        self.shifts = shifts  # columns of `%time stmt` lines, translation -> cell
        self.scan = CellScan()
        self.lines = source.splitlines()
        self.scopes: list[_Scope] = [_Scope("module")]
        self.optional_imports = 0  # depth of `try` bodies guarded by ImportError
        self.python2_only = 0  # depth of branches that run only on Python 2
        self.context = _Context()
        # (name, whether it was new) for each walrus binding at module level, in order
        self.walrus_bound: list[tuple[str, bool]] = []

    # ---- entry and scope bookkeeping -------------------------------------------------

    def run(self, tree: ast.Module) -> None:
        for statement in _without_docstring(tree.body):
            self.visit(statement)

    @property
    def scope(self) -> _Scope:
        return self.scopes[-1]

    def _top_function_name(self) -> str | None:
        """The module-level function (or class) a nested scope belongs to."""
        names = [s.name for s in self.scopes if s.kind in ("function", "class")]
        return names[0] if names else None

    def _bind(self, name: str) -> None:
        scope = self.scope
        if scope.kind == "module":
            self.scan.defines[name] = None
            self.scan.deletes.pop(name, None)
            scope.bound.add(name)
        elif scope.kind == "function" and name in scope.declared_global:
            scope.assigned_global.add(name)
        else:
            scope.bound.add(name)

    def _unbind(self, name: str) -> None:
        scope = self.scope
        if scope.kind == "module":
            scope.bound.discard(name)
            self.scan.defines.pop(name, None)
            self.scan.deletes[name] = None
        else:
            self._bind(name)  # `del x` in a function makes x local

    def _load(self, name: str, node: ast.AST) -> None:
        scope = self.scope
        if self.python2_only:
            return  # never runs today: `unicode` there is not missing
        if scope.kind == "module":
            self._module_load(name, node)
        elif scope.kind == "class":
            if name not in scope.bound:
                self._outer_load(name, node)
        else:
            scope.loads.add(name)

    def _outer_load(self, name: str, node: ast.AST) -> None:
        """A load in a class body that the class itself does not bind."""
        outer = next(s for s in reversed(self.scopes[:-1]) if s.kind != "class")
        if outer.kind == "module":
            self._module_load(name, node)
        else:
            outer.loads.add(name)

    def _module_load(
        self, name: str, node: ast.AST, bound: set[str] | None = None
    ) -> None:
        """A read of the notebook's namespace by `node` (the first one is its place)."""
        if name in (self.scopes[0].bound if bound is None else bound):
            if name in self.scan.function_names and name not in self.scan.calls:
                # a function of this cell handed over as a value (`map(f, xs)`,
                # `FunctionSampler(func=f)`) runs too: it counts as called here
                self.scan.calls[name] = self._position(node)
                self.scan.bound_before_call[name] = frozenset(self.scopes[0].bound)
            return
        if is_builtin(name):
            self.scan.builtins_read[name] = None
        elif name not in self.scan.reads:
            self.scan.reads[name] = self._position(node)

    def _mutate(self, target: ast.expr) -> None:
        base = _base_name(target)
        if base is None:
            return
        scope = self.scope
        if scope.kind == "module":
            self.scan.mutates[base] = None
        elif scope.kind == "function" or scope.kind == "comprehension":
            scope.mutated.add(base)

    def _resolve(self, scope: _Scope) -> tuple[set[str], set[str], set[str]]:
        """Free loads, mutations and calls of an ended function scope, for its parent."""
        local = scope.bound - scope.declared_global
        free = {
            n
            for n in scope.loads
            if n not in local and n not in scope.declared_nonlocal
        }
        mutated = {
            n for n in scope.mutated if n not in local or n in scope.declared_global
        }
        called = {n for n in scope.called if n in free}
        return free, mutated, called

    def _end_function_scope(self, scope: _Scope) -> tuple[set[str], set[str], set[str]]:
        free, mutated, called = self._resolve(scope)
        parent = next(s for s in reversed(self.scopes) if s.kind != "class")
        if parent.kind in ("function", "comprehension"):
            parent.loads |= free
            parent.mutated |= mutated
            parent.called |= called
            parent.prints |= scope.prints
            parent.assigned_global |= scope.assigned_global
        return free, mutated, called

    # ---- statements -------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        name = node.targets[0].id if isinstance(node.targets[0], ast.Name) else None
        self._visit_value(node.value, name)
        for target in node.targets:
            self._store(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            name = node.target.id if isinstance(node.target, ast.Name) else None
            self._visit_value(node.value, name)
        if self.scope.kind != "function":
            self.visit(node.annotation)  # evaluated at module and class level
        if node.value is not None or self.scope.kind == "function":
            self._store(node.target)
        elif not isinstance(node.target, ast.Name):
            self.visit(node.target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Name):
            self._load(target.id, target)
            self.visit(node.value)
            self._bind(target.id)
        else:
            self.visit(target.value)
            if isinstance(target, ast.Subscript):
                self.visit(target.slice)
            self.visit(node.value)
            self._mutate(target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        name = node.target.id
        # A walrus in a comprehension binds in the enclosing function or module scope.
        index = len(self.scopes) - 1
        while self.scopes[index].kind == "comprehension":
            index -= 1
        saved, self.scopes = self.scopes, self.scopes[: index + 1]
        if index == 0:
            self.walrus_bound.append((name, name not in self.scopes[0].bound))
        try:
            self._bind(name)
        finally:
            self.scopes = saved

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._store(node.target)
        for statement in node.body + node.orelse:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._store(item.optional_vars)
        for statement in node.body:
            self.visit(statement)

    visit_AsyncWith = visit_With

    def visit_Try(self, node: ast.Try) -> None:
        guarded = any(_catches_import_error(handler) for handler in node.handlers)
        self.optional_imports += guarded
        for statement in node.body:
            self.visit(statement)
        self.optional_imports -= guarded
        for handler in node.handlers:
            if handler.type is not None:
                self.visit(handler.type)
            if handler.name:
                self._bind(handler.name)
            for statement in handler.body:
                self.visit(statement)
        for statement in node.orelse + node.finalbody:
            self.visit(statement)

    visit_TryStar = visit_Try

    def visit_If(self, node: ast.If | ast.IfExp) -> None:
        self.visit(node.test)
        branches = {"body": node.body, "orelse": node.orelse}
        python2 = python2_branch(node.test)
        for branch, code in branches.items():
            self.python2_only += branch == python2
            for child in code if isinstance(code, list) else [code]:
                self.visit(child)
            self.python2_only -= branch == python2

    visit_IfExp = visit_If

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._delete(target)

    def _delete(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self._unbind(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._delete(element)
        else:
            self.visit(target)
            self._mutate(target)

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.declared_global.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.declared_nonlocal.update(node.names)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            self._import(node, alias.name, None, alias.asname, 0, bound)
            self._bind(bound)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            bound = None if alias.name == "*" else (alias.asname or alias.name)
            self._import(node, module, alias.name, alias.asname, node.level, bound)
            if bound is not None:
                self._bind(bound)

    def _import(
        self,
        node: ast.stmt,
        module: str,
        name: str | None,
        alias: str | None,
        level: int,
        bound: str | None,
    ) -> None:
        line, column = self._position(node)
        self.scan.imports.append(
            ImportFact(
                line=line,
                column=column,
                module=module,
                name=name,
                alias=alias,
                level=level,
                bound=bound,
                optional=self.optional_imports > 0,
                in_function=self._top_function_name(),
            )
        )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._visit_arguments_outside(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        scope = _Scope("function", node.name)
        scope.bound.update(_parameter_names(node.args))
        self.scopes.append(scope)
        for statement in _without_docstring(node.body):
            self.visit(statement)
        self.scopes.pop()
        free, mutated, called = self._end_function_scope(scope)
        if self.scope.kind == "module":
            self.scan.functions.append(
                self._function_facts(node, node.name, scope, free, mutated, called)
            )
            self.scan.function_names.add(node.name)
        self._bind(node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        target = self.context.target
        self._visit_arguments_outside(node.args)
        scope = _Scope("function", target)
        scope.bound.update(_parameter_names(node.args))
        self.scopes.append(scope)
        self._visit_in(node.body, _Context())
        self.scopes.pop()
        free, mutated, called = self._end_function_scope(scope)
        if self.scope.kind != "module":
            return
        if target is not None:  # `f = lambda x: x * rate` is a function named f
            self.scan.function_names.add(target)
            self.scan.functions.append(
                self._function_facts(node, target, scope, free, mutated, called)
            )
            return
        for name in sorted(free):  # passed on and run now (`df.apply(lambda r: ...)`)
            if not is_builtin(name) and name not in self.scopes[0].bound:
                self.scan.lambda_reads.setdefault(name, self._position(node))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expression in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expression)
        scope = _Scope("class", node.name)
        self.scopes.append(scope)
        method_globals: set[str] = set()
        methods: list[str] = []
        for statement in _without_docstring(node.body):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                methods.append(statement.name)
                method_globals |= self._method_globals(statement)
            else:
                self.visit(statement)
        self.scopes.pop()
        if self.scope.kind == "module":
            line, column = self._position(node)
            self.scan.classes.append(
                ClassFacts(
                    line=line,
                    column=column,
                    name=node.name,
                    bases=tuple(self._text(base) for base in node.bases),
                    methods=tuple(methods),
                    globals_read=tuple(
                        sorted(n for n in method_globals if not is_builtin(n))
                    ),
                    body_hash=_hash(node),
                )
            )
        self._bind(node.name)

    def _method_globals(
        self, method: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> set[str]:
        for decorator in method.decorator_list:
            self.visit(decorator)
        self._visit_arguments_outside(method.args)
        if method.returns is not None:  # `-> DataBunch` runs with the `def`, too
            self.visit(method.returns)
        scope = _Scope("function", method.name)
        scope.bound.update(_parameter_names(method.args))
        self.scopes.append(scope)
        for statement in _without_docstring(method.body):
            self.visit(statement)
        self.scopes.pop()
        free, _, _ = self._end_function_scope(scope)
        self.scope.bound.add(method.name)
        return free

    def visit_Match(self, node: ast.Match) -> None:
        self.visit(node.subject)
        for case in node.cases:
            self._visit_pattern(case.pattern)
            if case.guard is not None:
                self.visit(case.guard)
            for statement in case.body:
                self.visit(statement)

    def _visit_pattern(self, pattern: ast.pattern) -> None:
        for node in ast.walk(pattern):
            if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                self._bind(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                self._bind(node.rest)
            elif isinstance(node, ast.MatchValue):
                self.visit(node.value)
            elif isinstance(node, ast.MatchClass):
                self.visit(node.cls)

    def visit_TypeAlias(self, node: ast.AST) -> None:  # Python 3.12: `type X = ...`
        self._bind(node.name.id)  # type: ignore[attr-defined]

    # ---- expressions -------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self._load(node.id, node)
        elif isinstance(node.ctx, ast.Store):
            self._bind(node.id)
        else:
            self._unbind(node.id)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        dotted = _dotted(func)
        if isinstance(func, ast.Name):
            if self.scope.kind in ("module", "class"):
                if not is_builtin(func.id) and func.id not in self.scan.calls:
                    self.scan.calls[func.id] = self._position(node)
                    self.scan.bound_before_call[func.id] = frozenset(
                        self.scopes[0].bound
                    )
            else:
                self.scope.called.add(func.id)
            if func.id == "print":
                self._mark_prints()
        self.visit(func)
        callee = dotted
        for argument in node.args:
            self._visit_argument(argument, None, callee)
        for keyword in node.keywords:
            self._visit_argument(keyword.value, keyword.arg, callee)
        self._record_call(node, dotted)
        self._mutations_of_call(node)

    def _visit_argument(
        self, value: ast.expr, keyword: str | None, callee: str | None
    ) -> None:
        self._visit_in(value, _Context(keyword=keyword, callee=callee))

    def _visit_in(self, node: ast.AST, context: _Context) -> None:
        """Visit `node` knowing where it sits, when it is a literal (or a lambda) itself."""
        if not isinstance(node, (ast.Constant, ast.Lambda, ast.UnaryOp)):
            context = _Context()
        saved, self.context = self.context, context
        try:
            self.visit(node)
        finally:
            self.context = saved

    def _mark_prints(self) -> None:
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                scope.prints = True
                return

    def _record_call(self, node: ast.Call, dotted: str | None) -> None:
        line, column = self._position(node)
        self.scan.raw_calls.append(
            RawCall(
                line=line,
                column=column,
                func=dotted,
                args=tuple(_literal_value(argument) for argument in node.args),
                keywords=tuple(
                    (keyword.arg, _literal_value(keyword.value))
                    for keyword in node.keywords
                    if keyword.arg is not None
                ),
                in_function=self._top_function_name(),
                node=node,
                star_kwargs=any(keyword.arg is None for keyword in node.keywords),
            )
        )

    def _mutations_of_call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            inplace = any(
                keyword.arg == "inplace"
                and isinstance(keyword.value, ast.Constant)
                and keyword.value.value is True
                for keyword in node.keywords
            )
            if func.attr in MUTATING_METHODS or inplace:
                self._mutate(func.value)
        name = (
            func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        )
        if name in MUTATING_FUNCTIONS and node.args:
            self._mutate(node.args[0])

    def visit_Constant(self, node: ast.Constant) -> None:
        self._literal(node, node.value)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        value = _literal_value(node)
        if value is NOT_LITERAL:
            self.generic_visit(node)
        else:
            self._literal(node, value)

    def _literal(self, node: ast.expr, value: object) -> None:
        context = self.context
        named = context.target or context.keyword
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if isinstance(value, str) or (is_number and named):
            line, column = self._position(node)
            self.scan.literals.append(
                RawLiteral(line, column, value, named, context.callee, self._top_function_name())  # type: ignore[arg-type]
            )

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None:
                self.visit(key)
            name = (
                key.value
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
                else None
            )
            self._visit_in(value, _Context(target=name))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value)  # the literal parts are fragments, not values

    def visit_ListComp(self, node: ast.expr) -> None:
        self._comprehension(node, [node.elt])  # type: ignore[attr-defined]

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    def _comprehension(self, node: ast.expr, results: list[ast.expr]) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        walruses = len(self.walrus_bound)  # a walrus inside binds as it runs
        scope = _Scope("comprehension")
        self.scopes.append(scope)
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self._store(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for result in results:
            self.visit(result)
        self.scopes.pop()
        free, mutated, called = self._resolve(scope)
        parent = self.scope
        if parent.kind == "module":
            # free names not bound before the comprehension (a copy of the module's
            # names per comprehension was quadratic in a cell of many comprehensions)
            bound = self.scopes[0].bound
            new = {name for name, fresh in self.walrus_bound[walruses:] if fresh}
            for name in sorted(n for n in free if n not in bound or n in new):
                self._module_load(name, node, bound=set())
            self.scan.mutates.update(dict.fromkeys(sorted(mutated)))
            for name in sorted(n for n in called if not is_builtin(n)):
                if name not in self.scan.calls:
                    self.scan.calls[name] = self._position(node)
                    self.scan.bound_before_call[name] = frozenset(bound)
        elif parent.kind == "class":
            for name in sorted(free):
                self._outer_load(name, node)
        else:
            parent.loads |= free
            parent.mutated |= mutated
            parent.called |= called

    # ---- helpers -------------------------------------------------------------------------

    def _visit_value(self, value: ast.expr, name: str | None) -> None:
        self._visit_in(value, _Context(target=name))

    def _store(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._store(element)
        elif isinstance(target, ast.Starred):
            self._store(target.value)
        elif isinstance(target, ast.Attribute):
            self.visit(target.value)
            self._mutate(target)
        elif isinstance(target, ast.Subscript):
            self.visit(target.value)
            self.visit(target.slice)
            self._mutate(target)

    def _visit_arguments_outside(self, arguments: ast.arguments) -> None:
        """Defaults and annotations run when the `def` runs, in the enclosing scope."""
        for default in [*arguments.defaults, *arguments.kw_defaults]:
            if default is not None:
                self.visit(default)
        for argument in _all_arguments(arguments):
            if argument.annotation is not None:
                self.visit(argument.annotation)

    def _function_facts(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
        name: str,
        scope: _Scope,
        free: set[str],
        mutated: set[str],
        called: set[str],
    ) -> FunctionFacts:
        line, column = self._position(node)
        global_reads = {n for n in scope.loads if n in scope.declared_global}
        return FunctionFacts(
            line=line,
            column=column,
            name=name,
            params=tuple(_params(node.args)),
            globals_read=tuple(
                sorted(n for n in free | global_reads if not is_builtin(n))
            ),
            globals_written=tuple(sorted(scope.assigned_global)),
            globals_mutated=tuple(sorted(n for n in mutated if not is_builtin(n))),
            global_declarations=tuple(sorted(scope.declared_global)),
            nonlocal_declarations=tuple(sorted(scope.declared_nonlocal)),
            calls=tuple(sorted(n for n in called if not is_builtin(n))),
            prints=scope.prints,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            body_hash=_hash(node),
            is_lambda=isinstance(node, ast.Lambda),
        )

    def _position(self, node: ast.AST) -> tuple[int, int]:
        line: int = node.lineno  # type: ignore[attr-defined]
        column = self._column(line, node.col_offset)  # type: ignore[attr-defined]
        return line, column + self.shifts.get(line, 0)

    def _column(self, line: int, byte_offset: int) -> int:
        """ast counts columns in UTF-8 bytes; people and libcst count characters."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

    def _text(self, node: ast.AST) -> str:
        """The source text of `node` (one line at most is enough for what we show)."""
        line, end_line = node.lineno, node.end_lineno  # type: ignore[attr-defined]
        start = self._column(line, node.col_offset)  # type: ignore[attr-defined]
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if end_line == line:
            end = self._column(line, node.end_col_offset)  # type: ignore[attr-defined]
            return text[start:end]
        return text[start:] + " ..."


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        return body[1:] if isinstance(first.value.value, str) else body
    return body


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(_dotted(kind) in _IMPORT_ERRORS for kind in kinds)


def _dotted(node: ast.expr) -> str | None:
    """`np.random.rand` for a Name/Attribute chain; None for anything computed."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return "." + ".".join(reversed(parts)) if parts else None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _base_name(node: ast.expr) -> str | None:
    """The variable a target changes: `df` in `df.loc[m, "a"]` or `model.coef_`."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _literal_value(node: ast.expr) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
    ):
        return -node.operand.value
    return NOT_LITERAL


def _all_arguments(arguments: ast.arguments) -> Iterator[ast.arg]:
    yield from arguments.posonlyargs
    yield from arguments.args
    if arguments.vararg is not None:
        yield arguments.vararg
    yield from arguments.kwonlyargs
    if arguments.kwarg is not None:
        yield arguments.kwarg


def _parameter_names(arguments: ast.arguments) -> set[str]:
    return {argument.arg for argument in _all_arguments(arguments)}


def _params(arguments: ast.arguments) -> Iterator[Param]:
    positional = [*arguments.posonlyargs, *arguments.args]
    first_default = len(positional) - len(arguments.defaults)
    for index, argument in enumerate(positional):
        kind = "positional_only" if index < len(arguments.posonlyargs) else "positional"
        yield Param(argument.arg, kind, index >= first_default)
    if arguments.vararg is not None:
        yield Param(arguments.vararg.arg, "var_positional", False)
    for argument, default in zip(
        arguments.kwonlyargs, arguments.kw_defaults, strict=True
    ):
        yield Param(argument.arg, "keyword_only", default is not None)
    if arguments.kwarg is not None:
        yield Param(arguments.kwarg.arg, "var_keyword", False)


def _hash(node: ast.AST) -> str:
    """Same hash for the same code, wherever it sits: the compiled code without its
    positions (compiling runs in C; `ast.dump` of a long function took milliseconds).
    Code that parses but does not compile (`break` outside a loop) is dumped."""
    import hashlib  # 3 ms of OpenSSL start-up, paid only by notebooks with functions

    try:
        with warnings.catch_warnings():  # `x is 1` warns at compile time: not ours
            warnings.simplefilter("ignore")
            compiled = compile(ast.Module([node], []), "<cell>", "exec")  # type: ignore[list-item]
        text = repr(_code_shape(compiled))
    except (SyntaxError, ValueError, TypeError):
        text = ast.dump(node, annotate_fields=False, include_attributes=False)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def _code_shape(code: types.CodeType) -> tuple[object, ...]:
    """What a code object computes, without where it sits (no line table)."""
    return (
        code.co_code,
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        tuple(
            _code_shape(const) if isinstance(const, types.CodeType) else const
            for const in code.co_consts
        ),
    )
