"""`global` assignments become returns: the function returns the values it used to set
as notebook globals, and each call statement assigns them (`setup()` -> `cfg = setup()`).
"""

from __future__ import annotations

import libcst as cst


class GlobalsToReturns(cst.CSTTransformer):
    """Drop the `global` declarations of `names` and return them instead."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self.names = names
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return self.depth == 1

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.depth -= 1
        statement = cst.SimpleStatementLine([cst.Return(_value(self.names))])
        body = updated.body
        return updated.with_changes(
            body=body.with_changes(body=[*body.body, statement])
        )

    def leave_Global(
        self, original: cst.Global, updated: cst.Global
    ) -> cst.Global | cst.RemovalSentinel:
        kept = [item for item in updated.names if item.name.value not in self.names]
        if not kept:
            return cst.RemovalSentinel.REMOVE
        return updated.with_changes(
            names=[n.with_changes(comma=cst.MaybeSentinel.DEFAULT) for n in kept]
        )

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        if self.depth == 1 and updated.value is None:
            return updated.with_changes(
                value=_value(self.names),
                whitespace_after_return=cst.SimpleWhitespace(" "),
            )
        return updated


class AssignCallResults(cst.CSTTransformer):
    """`setup()` as a statement -> `cfg = setup()` for functions that now return globals
    (`await setup()` -> `cfg = await setup()` for a coroutine function)."""

    def __init__(self, returned: dict[str, tuple[str, ...]]) -> None:
        super().__init__()
        self.returned = returned

    def leave_Expr(
        self, original: cst.Expr, updated: cst.Expr
    ) -> cst.BaseSmallStatement:
        value = updated.value
        call = value.expression if isinstance(value, cst.Await) else value
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name):
            names = self.returned.get(call.func.value)
            if names:
                target = _value(names)
                return cst.Assign([cst.AssignTarget(target)], value)
        return updated


def _value(names: tuple[str, ...]) -> cst.BaseAssignTargetExpression:
    if len(names) == 1:
        return cst.Name(names[0])
    return cst.Tuple([cst.Element(cst.Name(name)) for name in names], lpar=[], rpar=[])
