"""A class whose methods read notebook variables takes them in its constructor.

`__init__` gains keyword-only parameters (one is written when the class had none,
forwarding everything else to the base class), keeps the values other methods need on
the instance, and those methods read `self.device` where they read `device`. The
values a notebook base class takes are forwarded through `super().__init__(...)`.
Which classes, and which names, is the plan's decision (`planning/class_state.py`).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from nb2prod.transforms.call_arguments import with_arguments


def inject_class_state(
    node: cst.ClassDef,
    params: tuple[str, ...],
    inherited: tuple[str, ...],
    keywords: dict[str, str] | None = None,
) -> cst.ClassDef:
    """`node` taking `params` at construction (`inherited` go on to its base class);
    `keywords` renames the parameters `__init__` already has (`notebook_NAME`)."""
    keywords = keywords or {}
    wrapper = MetadataWrapper(cst.Module(body=[node]))
    scopes = wrapper.resolve(ScopeProvider)
    reads: dict[str, set[int]] = {}  # method -> ids of the Name nodes to rewrite
    methods = _methods(wrapper.module.body[0])  # type: ignore[arg-type]
    for method in methods:
        found = set()
        for item in _names(method):
            scope = scopes.get(item)
            if scope is None or item.value not in params:
                continue
            if any(
                access.node is item and not access.referents
                for access in scope.accesses[item.value]
            ):
                found.add(id(item))
        reads[method.name.value] = found
    needed = {
        name
        for method in methods
        if method.name.value != "__init__"
        for name in params
        if any(
            isinstance(item, cst.Name) and id(item) in reads[method.name.value]
            for item in _names(method)
            if item.value == name
        )
    }
    klass = wrapper.module.body[0]
    assert isinstance(klass, cst.ClassDef)
    attributes = {name: _attribute(name, klass) for name in sorted(needed)}
    rewritten = klass.visit(_ReadFromSelf(reads, attributes))
    assert isinstance(rewritten, cst.ClassDef)
    return _with_constructor(rewritten, params, inherited, attributes, keywords)


def _methods(klass: cst.ClassDef) -> list[cst.FunctionDef]:
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    return [item for item in body if isinstance(item, cst.FunctionDef)]


def _names(node: cst.CSTNode) -> list[cst.Name]:
    found: list[cst.Name] = []

    class Collect(cst.CSTVisitor):
        def visit_Name(self, item: cst.Name) -> None:
            found.append(item)

    node.visit(Collect())
    return found


def _attribute(name: str, klass: cst.ClassDef) -> str:
    """`name`, unless the class already has an attribute of that name."""
    used: set[str] = set()

    class Attributes(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            used.add(node.attr.value)

    klass.visit(Attributes())
    candidate = name
    while candidate in used:
        candidate = f"_{candidate}"
    return candidate


class _ReadFromSelf(cst.CSTTransformer):
    """`device` -> `self.device` in the methods other than `__init__`."""

    def __init__(self, reads: dict[str, set[int]], attributes: dict[str, str]) -> None:
        super().__init__()
        self.reads = reads
        self.attributes = attributes
        self.depth = 0
        self.method: str | None = None
        self.receiver = "self"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        if self.depth == 1:
            self.method = node.name.value
            params = [*node.params.posonly_params, *node.params.params]
            self.receiver = params[0].name.value if params else "self"
        return True

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.depth -= 1
        return updated

    def leave_Name(
        self, original: cst.Name, updated: cst.Name
    ) -> cst.Name | cst.Attribute:
        if (
            self.method is None
            or self.method == "__init__"
            or id(original) not in self.reads.get(self.method, ())
            or original.value not in self.attributes
        ):
            return updated
        return cst.Attribute(
            cst.Name(self.receiver), cst.Name(self.attributes[original.value])
        )


def _with_constructor(
    klass: cst.ClassDef,
    params: tuple[str, ...],
    inherited: tuple[str, ...],
    attributes: dict[str, str],
    keywords: dict[str, str],
) -> cst.ClassDef:
    body = list(klass.body.body) if isinstance(klass.body, cst.IndentedBlock) else []
    keep = [
        cst.parse_statement(f"self.{attribute} = {keywords.get(name, name)}")
        for name, attribute in attributes.items()
    ]
    for number, statement in enumerate(body):
        if (
            isinstance(statement, cst.FunctionDef)
            and statement.name.value == "__init__"
        ):
            body[number] = _extended_init(statement, params, inherited, keep, keywords)
            break
    else:
        at = 1 if body and _is_docstring(body[0]) else 0
        body.insert(at, _new_init(klass, params, inherited, keep))
    return klass.with_changes(body=klass.body.with_changes(body=body))


def _new_init(
    klass: cst.ClassDef,
    params: tuple[str, ...],
    inherited: tuple[str, ...],
    keep: list[cst.SimpleStatementLine | cst.BaseCompoundStatement],
) -> cst.FunctionDef:
    names = ", ".join(params)
    forwarded = "".join(f"{name}={name}, " for name in inherited)
    lines = [cst.Module(body=[statement]).code.strip() for statement in keep]
    if klass.bases:
        head = f"def __init__(self, *args, {names}, **kwargs):"
        lines.append(f"super().__init__(*args, {forwarded}**kwargs)")
    else:
        head = f"def __init__(self, *, {names}):"
    source = head + "\n" + "".join(f"    {line}\n" for line in lines or ["pass"])
    function = cst.parse_statement(source)
    assert isinstance(function, cst.FunctionDef)
    return function


def _extended_init(
    init: cst.FunctionDef,
    params: tuple[str, ...],
    inherited: tuple[str, ...],
    keep: list[cst.SimpleStatementLine | cst.BaseCompoundStatement],
    keywords: dict[str, str],
) -> cst.FunctionDef:
    arguments = init.params
    star = (
        arguments.star_arg
        if not isinstance(arguments.star_arg, cst.MaybeSentinel)
        else cst.ParamStar()
    )
    added = [cst.Param(cst.Name(keywords.get(name, name))) for name in params]
    init = init.with_changes(
        params=arguments.with_changes(
            star_arg=star, kwonly_params=[*arguments.kwonly_params, *added]
        )
    )
    if inherited:
        init = init.visit(_ForwardToBase(inherited, keywords))  # type: ignore[assignment]
    statements = (
        list(init.body.body) if isinstance(init.body, cst.IndentedBlock) else []
    )
    at = next(
        (n + 1 for n, s in enumerate(statements) if _calls_base_init(s)),
        1 if statements and _is_docstring(statements[0]) else 0,
    )
    statements[at:at] = keep
    return init.with_changes(body=init.body.with_changes(body=statements))


class _ForwardToBase(cst.CSTTransformer):
    """`super().__init__(a)` -> `super().__init__(a, vocab=vocab)`."""

    def __init__(self, names: tuple[str, ...], keywords: dict[str, str]) -> None:
        super().__init__()
        self.names = names
        self.keywords = keywords  # a name this `__init__` takes under another one

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not _is_base_init(updated):
            return updated
        given = {a.keyword.value for a in updated.args if a.keyword is not None}
        extra = [
            cst.Arg(
                keyword=cst.Name(name), value=cst.Name(self.keywords.get(name, name))
            )
            for name in self.names
            if name not in given
        ]
        return with_arguments(updated, extra)


def _is_base_init(call: cst.Call) -> bool:
    """`super().__init__(...)` or `Base.__init__(self, ...)`."""
    func = call.func
    return isinstance(func, cst.Attribute) and func.attr.value == "__init__"


def _calls_base_init(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return any(
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and _is_base_init(small.value)
        for small in statement.body
    )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(
            statement.body[0].value, cst.SimpleString | cst.ConcatenatedString
        )
    )
