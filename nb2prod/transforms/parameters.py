"""Functions that read notebook variables get them as keyword-only parameters, and every
call site passes them (`clean()` -> `clean(df=df)`; a function handed over as a value
becomes `functools.partial(clean, df=df)`)."""

from __future__ import annotations

import libcst as cst

from nb2prod.transforms.call_arguments import with_arguments


class AddParameters(cst.CSTTransformer):
    """Add keyword-only parameters to the top-level function being rewritten."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self.names = names
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return True

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.depth -= 1
        if self.depth or not self.names:
            return updated
        params = updated.params
        existing = {
            p.name.value
            for p in (*params.params, *params.kwonly_params, *params.posonly_params)
        }
        added = [
            cst.Param(cst.Name(name)) for name in self.names if name not in existing
        ]
        star = (
            params.star_arg
            if not isinstance(params.star_arg, cst.MaybeSentinel)
            else cst.ParamStar()
        )
        return updated.with_changes(
            params=params.with_changes(
                star_arg=star, kwonly_params=[*params.kwonly_params, *added]
            )
        )


class PassArguments(cst.CSTTransformer):
    """Pass the new parameters at every call of the functions that gained them."""

    def __init__(
        self,
        extra: dict[str, tuple[str, ...]],
        keywords: dict[str, dict[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self.extra = extra
        self.keywords = keywords or {}  # callee -> variable -> its keyword
        self.partials = 0
        self.needs: set[str] = set()  # what the rewritten code reads (see emit/code.py)
        self.stored: set[int] = set()  # ids of names being bound, never rewritten
        self.scopes: list[set[str]] = []  # names each enclosing function binds itself

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(local_names(node))

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.scopes.pop()
        return updated

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.scopes.append({p.name.value for p in _parameters(node.params)})

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda) -> cst.Lambda:
        self.scopes.pop()
        return updated

    def _shadowed(self, name: str) -> bool:
        """True when an enclosing function binds `name` itself (a parameter or local
        called like the notebook function): that name is not the function."""
        return any(name in scope for scope in self.scopes)

    def _store(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.stored.add(id(target))
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._store(element.value)
        elif isinstance(target, cst.StarredElement):
            self._store(target.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._store(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._store(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._store(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._store(node.name)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:  # `class Deeper(Net)` subclasses the class itself
            self._store(base.value)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = updated.func
        if not isinstance(func, cst.Name) or func.value not in self.extra:
            return updated
        if self._shadowed(func.value):
            return updated
        given = {arg.keyword.value for arg in updated.args if arg.keyword is not None}
        renamed = self.keywords.get(func.value, {})
        added = [
            cst.Arg(keyword=cst.Name(renamed.get(name, name)), value=cst.Name(name))
            for name in self.extra[func.value]
            if renamed.get(name, name) not in given
        ]
        return with_arguments(updated, added)

    def _bound(self, value: cst.BaseExpression) -> cst.BaseExpression:
        """`clean` handed over as a value -> `functools.partial(clean, df=df)`."""
        if not isinstance(value, cst.Name) or value.value not in self.extra:
            return value
        if id(value) in self.stored or self._shadowed(value.value):
            return value
        self.partials += 1
        self.needs.add("functools")
        renamed = self.keywords.get(value.value, {})
        keywords = [
            cst.Arg(keyword=cst.Name(renamed.get(n, n)), value=cst.Name(n))
            for n in self.extra[value.value]
        ]
        return cst.Call(
            cst.Attribute(cst.Name("functools"), cst.Name("partial")),
            [cst.Arg(value), *keywords],
        )

    # Every place a value is handed over: an argument, an item of a list, tuple, set or
    # dict, an assignment, a return, a yield.
    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        if id(original.value) in self.stored:
            return updated
        return updated.with_changes(value=self._bound(updated.value))

    def leave_Element(self, original: cst.Element, updated: cst.Element) -> cst.Element:
        if id(original.value) in self.stored:
            return updated
        return updated.with_changes(value=self._bound(updated.value))

    def leave_DictElement(
        self, original: cst.DictElement, updated: cst.DictElement
    ) -> cst.DictElement:
        return updated.with_changes(value=self._bound(updated.value))

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        return updated.with_changes(value=self._bound(updated.value))

    def leave_AnnAssign(
        self, original: cst.AnnAssign, updated: cst.AnnAssign
    ) -> cst.AnnAssign:
        if updated.value is None:
            return updated
        return updated.with_changes(value=self._bound(updated.value))

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        if updated.value is None:
            return updated
        return updated.with_changes(value=self._bound(updated.value))

    def leave_Yield(self, original: cst.Yield, updated: cst.Yield) -> cst.Yield:
        if not isinstance(updated.value, cst.BaseExpression):
            return updated
        return updated.with_changes(value=self._bound(updated.value))


def _parameters(params: cst.Parameters) -> list[cst.Param]:
    star = [params.star_arg] if isinstance(params.star_arg, cst.Param) else []
    double = [params.star_kwarg] if params.star_kwarg is not None else []
    return [
        *params.posonly_params,
        *params.params,
        *star,
        *params.kwonly_params,
        *double,
    ]


def local_names(function: cst.FunctionDef) -> set[str]:
    """Names `function` binds in its own scope: parameters, assignments, loop and
    `with` targets, imports, nested definitions (less those it declares `global`)."""
    found = {param.name.value for param in _parameters(function.params)}
    declared: set[str] = set()

    class Bindings(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            found.add(node.name.value)
            return False  # a scope of its own

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            found.add(node.name.value)
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Global(self, node: cst.Global) -> None:
            declared.update(item.name.value for item in node.names)

        def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
            declared.update(item.name.value for item in node.names)

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            found.update(_target_names(node.target))

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            found.update(_target_names(node.target))

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            found.update(_target_names(node.target))

        def visit_For(self, node: cst.For) -> None:
            found.update(_target_names(node.target))

        def visit_AsName(self, node: cst.AsName) -> None:
            found.update(_target_names(node.name))

        def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
            if node.asname is None and isinstance(node.name, cst.Name):
                found.add(node.name.value)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            found.update(_target_names(node.target))

    for statement in (
        function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    ):
        statement.visit(Bindings())
    return found - declared


def _target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, cst.Tuple | cst.List):
        return {n for element in target.elements for n in _target_names(element.value)}
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()
