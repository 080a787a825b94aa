"""Arguments added to a call that the code already makes.

`total(v for v in values)`: a lone generator argument borrows the call's parentheses,
and Python refuses another argument beside it (`total(v for v in values, s=s)`), so
it gets parentheses of its own first.
"""

from __future__ import annotations

import libcst as cst


def with_arguments(call: cst.Call, added: list[cst.Arg]) -> cst.Call:
    """`call` with `added` after its arguments."""
    if not added:
        return call
    args = list(call.args)
    if len(args) == 1 and isinstance(args[0].value, cst.GeneratorExp):
        generator = args[0].value
        if not generator.lpar:
            parenthesised = generator.with_changes(
                lpar=[cst.LeftParen()], rpar=[cst.RightParen()]
            )
            args[0] = args[0].with_changes(value=parenthesised)
    return call.with_changes(args=[*args, *added])
