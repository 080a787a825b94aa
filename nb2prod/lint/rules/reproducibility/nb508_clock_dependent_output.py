from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.output._helpers import call_name, log_message
from nb2prod.lint.rules.reproducibility._helpers import (
    CLOCKS,
    simple_statements,
    track_times,
    uses_clock,
)
from nb2prod.reading.magics import SyntaxKind
from nb2prod.testing import nb

_SINKS = frozenset("print display pprint pprint.pprint IPython.display.display".split())
_TIMING_MAGICS = frozenset({"time", "timeit"})
_MAGIC_KINDS = (SyntaxKind.LINE_MAGIC, SyntaxKind.CELL_MAGIC, SyntaxKind.AUTOMAGIC)


class ClockDependentOutput(Rule):
    """
    ## What it does
    Flags outputs that show the clock: a value of `datetime.now()`, `time.time()`,
    `date.today()` and the like (directly or through a variable) that is printed,
    displayed or logged, and the `%time`/`%timeit` magics.

    ## Why is this bad?
    The stored output changes on every run even when nothing else does, so diffs are
    noisy and outputs cannot be compared to check that a re-run reproduced the
    results (Pimentel et al. 2021 had to normalise dates and times to compare them).

    ## Example
    ```python
    start = time.time()
    model.fit(X, y)
    print(f"trained in {time.time() - start:.1f}s")
    ```

    Use instead:
    ```python
    model.fit(X, y)
    ```
    """

    code = "NB508"
    name = "clock-dependent-output"
    message = "output depends on the clock: {what}"
    default = False

    valid = [
        Valid("start = time.time()\nstart = 0\nprint(start)"),
        Valid("stamp = datetime.now()\ndf.to_csv(f'out-{stamp}.csv')"),
    ]
    invalid = [
        Invalid(
            nb("import time\nt0 = time.time()", "fit()\nprint(time.time() - t0)"),
            at=(1, 2, 0),
            message="output depends on the clock: `print` of a time",
        ),
        Invalid("from datetime import datetime\ndatetime.now()", at=(0, 2, 0)),
        Invalid("%%time\nmodel.fit(X, y)", at=(0, 1, 0)),
        Invalid("for e in range(3):\n    t = time.time()\n    log.info('%s', t)"),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        timed: set[str] = set()  # names holding a time, in document order
        for parsed in ctx.parsed:
            index = parsed.cell.index
            for fact in parsed.translation.syntax:
                if fact.name in _TIMING_MAGICS and fact.kind in _MAGIC_KINDS:
                    what = f"`{fact.escape or '%'}{fact.name}` prints timings"
                    line, column = fact.span.line, fact.span.column
                    yield ctx.finding(self, index, line, column, what=what)
            facts = ctx.facts_of(index)
            shown = facts is not None and facts.display_expression is not None
            body = parsed.tree.body if parsed.tree is not None else []
            for statement in simple_statements(body):
                last = shown and statement is body[-1]
                for sink, what in _sinks(ctx, statement, last):
                    if uses_clock(ctx, sink, timed):
                        yield ctx.node_finding(self, parsed, sink, what=what)
                track_times(ctx, statement, timed)


def _sinks(
    ctx: RuleContext, statement: ast.stmt, last: bool
) -> Iterator[tuple[ast.expr, str]]:
    """Where a value becomes output: print, display and logging calls, the display."""
    for node in ast.walk(statement):
        if isinstance(node, ast.Call):
            name = call_name(ctx, node) or ""
            if name in _SINKS or log_message(ctx, node) is not None:
                yield node, f"`{name.rsplit('.', 1)[-1] or 'log'}` of a time"
    if last and isinstance(statement, ast.Expr):
        value = statement.value  # of a call, only the result is shown, not arguments
        if isinstance(value, ast.Call) and call_name(ctx, value) not in CLOCKS:
            value = value.func
        yield value, "a time is displayed"
