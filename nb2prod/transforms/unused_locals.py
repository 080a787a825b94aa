"""Names a function assigns and never reads (pyflakes F841), made explicit.

At notebook scope every name is a global, so a value assigned and never used again
costs nothing; once the cell's code is a step function, or a notebook function's body
is linted as module code, it is an unused local. The assignment keeps its effect: a
call or computation stays as an expression statement (`imgplot = plt.imshow(a)` ->
`plt.imshow(a)`), a plain value keeps its slot under an underscore name (`_m = ...`,
the convention linters read as "deliberately unused"), `except E as e:` and
`with f() as h:` lose the unused `as` name, and an import inside a function drops
the names the function no longer reads (a `display` import whose calls became
logging).
"""

from __future__ import annotations

import ast
import bisect
import symtable

import libcst as cst

from nb2prod.scope_symbols import scope_symbols

# Names linters treat as deliberately unused, or that Python reads itself.
_SPECIAL = frozenset({"__tracebackhide__", "__traceback_info__", "__debuggerskip__"})
# Function scopes symtable reports that are not `def`s.
_NOT_DEFS = frozenset(
    f"{prefix}{name}{suffix}"
    for name in ("lambda", "listcomp", "setcomp", "dictcomp", "genexpr")
    for prefix, suffix in (("", ""), ("<", ">"))
)


def drop_unused_locals(code: str) -> str:
    """The module code with every function's unused locals made explicit. Only the
    top-level definitions that need it go through libcst (a parse is costly)."""
    unused = unused_locals(code)
    if not unused and " as " not in code:
        return code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    unread = _unread_handlers(tree)
    if not unused and not any(unread):
        return code
    lines = code.split("\n")
    result: list[str] = []
    done = 0  # lines of `code` already in `result`
    starts = sorted(unused)  # a search per statement, not a scan: many functions
    for node in tree.body:
        first = min([node.lineno, *(d.lineno for d in _decorators(node))])
        last = node.end_lineno or node.lineno
        at = bisect.bisect_left(starts, first)
        inside = at < len(starts) and starts[at] <= last
        if not inside and not any(_unread_handlers(node)):
            continue
        chunk = "\n".join(lines[first - 1 : last])
        result += lines[done : first - 1]
        result.append(_rewritten(chunk))
        done = last
    result += lines[done:]
    return "\n".join(result)


def _rewritten(chunk: str) -> str:
    """One top-level statement's code with its unused names made explicit."""
    return cst.parse_module(chunk).visit(_explicit(chunk, ast.parse(chunk))).code


def tidy_definition(node: cst.BaseStatement, code: str | None = None) -> str:
    """The code of a top-level definition (a step, a notebook function) with its
    unused names made explicit: the node is rewritten as it is, no parse needed.
    `code` is the node's code when the caller has it already."""
    assert isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    if code is None:
        code = cst.Module(body=[node]).code
    unused = unused_locals(code)
    if not unused and " as " not in code:
        return code
    tree = ast.parse(code)
    if not unused and not any(_unread_handlers(tree)):
        return code
    return cst.Module(body=[node.visit(_explicit(code, tree))]).code  # type: ignore[list-item]


def _explicit(code: str, tree: ast.Module) -> _MakeExplicit:
    """The rewriter for `code`, with what it needs in the order libcst visits it."""
    functions = sorted(
        (
            n
            for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        ),
        key=lambda n: (n.lineno, n.col_offset),
    )
    deleted = [
        {
            target.id
            for statement in ast.walk(function)
            if isinstance(statement, ast.Delete)
            for target in statement.targets
            if isinstance(target, ast.Name)
        }
        for function in functions
    ]
    return _MakeExplicit(
        unused_locals(code),
        [(f.lineno, names) for f, names in zip(functions, deleted, strict=True)],
        _unread_handlers(tree),
    )


def _decorators(node: ast.stmt) -> list[ast.expr]:
    return list(getattr(node, "decorator_list", ()))


def _unread_handlers(tree: ast.AST) -> list[bool]:
    """For each named `except E as e:` handler of a `try` (source order, the order
    libcst visits them): whether its block never reads `e`, which Python deletes
    after the block."""
    handlers = sorted(
        (
            handler
            for node in ast.walk(tree)
            if isinstance(node, ast.Try)
            for handler in node.handlers
            if handler.name is not None
        ),
        key=lambda h: (h.lineno, h.col_offset),
    )
    return [
        not any(
            isinstance(inner, ast.Name) and inner.id == handler.name
            for statement in handler.body
            for inner in ast.walk(statement)
        )
        for handler in handlers
    ]


def unused_locals(code: str) -> dict[int, frozenset[str]]:
    """Line of each function's `def` -> its locals assigned and never read there or in
    a nested scope (symtable: Python's own scoping, at C speed)."""
    try:
        table = symtable.symtable(code, "<module>", "exec")
    except SyntaxError:
        return {}
    found: dict[int, frozenset[str]] = {}
    pending = list(table.get_children())
    while pending:
        scope = pending.pop()
        pending.extend(scope.get_children())
        if scope.get_type() != "function" or scope.get_name() in _NOT_DEFS:
            continue
        names = _unused_in(scope)
        if names:
            found[scope.get_lineno()] = names
    if found:  # `x += 1` reads x, though symtable counts it as an assignment only
        augmented = _augmented_by_line(code)
        found = {
            line: kept
            for line, names in found.items()
            if (kept := names - augmented.get(line, frozenset()))
        }
    return found


def _augmented_by_line(code: str) -> dict[int, frozenset[str]]:
    """Line of each `def` -> the names augmented assignments in it change."""
    found: dict[int, frozenset[str]] = {}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            line = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            names = frozenset(
                inner.target.id
                for inner in ast.walk(node)
                if isinstance(inner, ast.AugAssign)
                and isinstance(inner.target, ast.Name)
            )
            found[node.lineno] = found[line] = names
    return found


def _unused_in(scope: symtable.SymbolTable) -> frozenset[str]:
    symbols = {symbol.get_name(): symbol for symbol in scope_symbols(scope)}
    if "locals" in symbols and symbols["locals"].is_referenced():
        return frozenset()  # `locals()` reads every local
    read_inside = _free_in_nested(scope)
    return frozenset(
        name
        for name, symbol in symbols.items()
        if (symbol.is_assigned() or symbol.is_imported())
        and symbol.is_local()
        and not symbol.is_referenced()
        and not symbol.is_parameter()
        and not symbol.is_namespace()
        and name not in read_inside
        and not name.startswith("_")
        and name not in _SPECIAL
    )


def _free_in_nested(scope: symtable.SymbolTable) -> set[str]:
    names: set[str] = set()
    pending = list(scope.get_children())
    while pending:
        child = pending.pop()
        pending.extend(child.get_children())
        names.update(s.get_name() for s in scope_symbols(child) if s.is_free())
    return names


def _is_plain_value(node: cst.BaseExpression) -> bool:
    """A literal, a name or a container of them: nothing would run if it stood alone,
    so it keeps an underscore name instead of becoming a useless expression."""
    if isinstance(node, (cst.BaseNumber, cst.SimpleString, cst.Name, cst.Ellipsis)):
        return True
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return all(
            isinstance(e, cst.Element) and _is_plain_value(e.value)
            for e in node.elements
        )
    if isinstance(node, cst.Dict):
        return all(
            isinstance(e, cst.DictElement)
            and _is_plain_value(e.key)
            and _is_plain_value(e.value)
            for e in node.elements
        )
    if isinstance(node, cst.ConcatenatedString):
        return _is_plain_value(node.left) and _is_plain_value(node.right)
    if isinstance(node, cst.UnaryOperation):  # -1
        return _is_plain_value(node.expression)
    return False


class _MakeExplicit(cst.CSTTransformer):
    """Rewrites the unused names of the functions `unused_locals` found."""

    def __init__(
        self,
        unused: dict[int, frozenset[str]],
        functions: list[tuple[int, set[str]]],
        unread: list[bool],
    ) -> None:
        super().__init__()
        self._unused = unused
        self._functions = iter(functions)  # (def line, deleted names), visiting order
        self._unread = iter(unread)  # per named handler, visiting order
        self._handlers: list[bool] = []
        self._stack: list[frozenset[str]] = []
        self._deleted: list[set[str]] = []
        self._tries = 0

    @property
    def _names(self) -> frozenset[str]:
        return self._stack[-1] if self._stack else frozenset()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        line, deleted = next(self._functions)
        self._stack.append(self._unused.get(line, frozenset()))
        self._deleted.append(deleted)

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._stack.pop()
        self._deleted.pop()
        return updated

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._stack.append(frozenset())  # a class body's names are attributes
        self._deleted.append(set())

    def leave_ClassDef(
        self, original: cst.ClassDef, updated: cst.ClassDef
    ) -> cst.ClassDef:
        self._stack.pop()
        self._deleted.pop()
        return updated

    def _is_unused(self, node: cst.CSTNode) -> bool:
        return (
            isinstance(node, cst.Name)
            and node.value in self._names
            and node.value not in self._deleted[-1]
        )

    def _renamed(self, node: cst.BaseExpression) -> cst.BaseExpression:
        if self._is_unused(node):
            assert isinstance(node, cst.Name)
            return node.with_changes(value=f"_{node.value}")
        return node

    def leave_Assign(
        self, original: cst.Assign, updated: cst.Assign
    ) -> cst.BaseSmallStatement:
        targets = []
        for target in updated.targets:
            if isinstance(target.target, (cst.Tuple, cst.List)):
                if not isinstance(updated.value, (cst.Tuple, cst.List)):
                    targets.append(target)  # unpacking a result: not a finding
                    continue
                elements = [
                    element.with_changes(value=self._renamed(element.value))
                    for element in target.target.elements
                ]
                target = target.with_changes(
                    target=target.target.with_changes(elements=elements)
                )
            elif self._is_unused(target.target):
                if not _is_plain_value(updated.value):
                    continue
                target = target.with_changes(target=self._renamed(target.target))
            targets.append(target)
        if not targets:
            return cst.Expr(updated.value, semicolon=updated.semicolon)
        return updated.with_changes(targets=targets)

    def leave_AnnAssign(
        self, original: cst.AnnAssign, updated: cst.AnnAssign
    ) -> cst.BaseSmallStatement:
        if updated.value is None or not self._is_unused(updated.target):
            return updated
        if _is_plain_value(updated.value):
            return updated.with_changes(target=self._renamed(updated.target))
        return cst.Expr(updated.value, semicolon=updated.semicolon)

    def leave_NamedExpr(
        self, original: cst.NamedExpr, updated: cst.NamedExpr
    ) -> cst.BaseExpression:
        return updated.with_changes(target=self._renamed(updated.target))

    def leave_ExceptHandler(
        self, original: cst.ExceptHandler, updated: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        """`except E as e:` binds `e` for its own block only (Python deletes it
        after), so each handler's name is unused when its block never reads it."""
        name = updated.name.name if updated.name is not None else None
        unread = self._handlers.pop() if updated.name is not None else False
        if not isinstance(name, cst.Name):
            return updated
        if self._is_unused(name) or unread:
            return updated.with_changes(name=None)
        return updated

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._handlers.append(next(self._unread))

    def leave_IndentedBlock(
        self, original: cst.IndentedBlock, updated: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        """Imports inside a function keep the names the function reads (a `display`
        import whose calls became logging is one it no longer reads); the comments
        of a line that goes move to the next statement."""
        if not self._stack:
            return updated
        if self._tries:  # `try: import x` tests that x is installed: say so
            return updated.with_changes(
                body=[self._availability_check(s) for s in updated.body]
            )
        body: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        changed = False
        for statement in updated.body:
            if isinstance(statement, cst.SimpleStatementLine):
                smalls = [self._narrowed(small) for small in statement.body]
                kept = [small for small in smalls if small is not None]
                if not kept:
                    carried += [x for x in statement.leading_lines if x.comment]
                    changed = True
                    continue
                if kept != list(statement.body):
                    last = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                    statement = statement.with_changes(body=[*kept[:-1], last])
                    changed = True
            if carried:
                assert isinstance(
                    statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
                )  # libcst's two kinds of statement
                leading = [*carried, *statement.leading_lines]
                statement = statement.with_changes(leading_lines=leading)
                carried = []
            body.append(statement)
        if not changed:
            return updated
        if not body:
            body = [cst.SimpleStatementLine([cst.Pass()], leading_lines=carried)]
            carried = []
        return updated.with_changes(body=body, footer=[*carried, *updated.footer])

    def _availability_check(self, statement: cst.BaseStatement) -> cst.BaseStatement:
        """An import in a `try:` whose names the function never reads is there to
        test that a package is installed; the comment tells linters and readers."""
        if not isinstance(statement, cst.SimpleStatementLine):
            return statement
        imports = [
            s for s in statement.body if isinstance(s, (cst.Import, cst.ImportFrom))
        ]
        if not imports or len(imports) != len(statement.body):
            return statement
        if any(self._narrowed(small) is small for small in imports):
            return statement  # some name is read
        if statement.trailing_whitespace.comment is not None:
            return statement
        note = "# noqa: F401 (checks that it is installed)"
        line = cst.Module(body=[statement]).code.strip()
        if len(line) + len(note) + 10 > 88:  # black would split it from its noqa
            note += "  # fmt: skip"
        comment = cst.Comment(note)
        return statement.with_changes(
            trailing_whitespace=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  "), comment=comment
            )
        )

    def _narrowed(self, small: cst.BaseSmallStatement) -> cst.BaseSmallStatement | None:
        """An import statement without the names that are unused; None: all are."""
        if not isinstance(small, (cst.Import, cst.ImportFrom)) or isinstance(
            small.names, cst.ImportStar
        ):
            return small
        kept = [a for a in small.names if not self._is_unused(_bound_name(a))]
        if len(kept) == len(small.names):
            return small
        if not kept:
            return None
        last = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return small.with_changes(names=[*kept[:-1], last])

    def visit_Try(self, node: cst.Try) -> None:
        self._tries += 1

    def leave_Try(self, original: cst.Try, updated: cst.Try) -> cst.Try:
        self._tries -= 1
        return updated

    def leave_WithItem(
        self, original: cst.WithItem, updated: cst.WithItem
    ) -> cst.WithItem:
        if updated.asname is not None and self._is_unused(updated.asname.name):
            return updated.with_changes(asname=None)
        return updated


def _bound_name(alias: cst.ImportAlias) -> cst.Name:
    """The name an import alias binds: `a` for `import a.b`, `c` for `... as c`."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name
    node = alias.name
    while isinstance(node, cst.Attribute):
        node = node.value  # type: ignore[assignment]
    assert isinstance(node, cst.Name)
    return node
