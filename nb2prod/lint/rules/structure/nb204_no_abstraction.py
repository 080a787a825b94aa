from __future__ import annotations

import re
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.structure._helpers import code_lines

#: Below this many lines of code a notebook without functions is fine.
MIN_LINES = 60
_DEFINITION = re.compile(r"^\s*(async\s+def|def|class)\s", re.MULTILINE)

_STRAIGHT = "\n".join(f"x{i} = load({i})" for i in range(MIN_LINES))


class NoAbstraction(Rule):
    """
    ## What it does
    Flags notebooks with at least 60 lines of code that define no function and no
    class.

    ## Why is this bad?
    Straight-line code cannot be tested, reused or called with other inputs, and the
    same steps end up pasted from cell to cell. Pimentel et al. (MSR 2019) found that
    only 54 % of GitHub notebooks define a function and 8.5 % a class.

    ## Example
    ```python
    train = pd.read_csv("train.csv")
    train = train.dropna()
    test = pd.read_csv("test.csv")
    test = test.dropna()
    # ... 60 more lines at the top level
    ```

    Use instead:
    ```python
    def load(path):
        return pd.read_csv(path).dropna()

    train, test = load("train.csv"), load("test.csv")
    ```
    """

    code = "NB204"
    name = "no-abstraction"
    message = "{lines} lines of code and no function or class"

    valid = [
        Valid(_STRAIGHT[: _STRAIGHT.rfind("\n")]),
        Valid(_STRAIGHT + "\ndef f(x):\n    return x"),
    ]
    invalid = [
        Invalid(
            _STRAIGHT,
            at=(None, 1, 0),
            message=f"{MIN_LINES} lines of code and no function or class",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        facts = [f for f in ctx.cell_facts() if not f.problems]
        unparsed = [f for f in ctx.cell_facts() if f.problems]
        if any(f.functions or f.classes for f in facts) or any(
            _DEFINITION.search(ctx.cells[f.index].source) for f in unparsed
        ):
            return
        lines = sum(code_lines(ctx.cells[f.index].source) for f in facts)
        if lines >= MIN_LINES:
            yield ctx.finding(self, None, lines=lines)
