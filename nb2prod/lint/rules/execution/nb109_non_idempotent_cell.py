from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.execution._reruns import changes_again
from nb2prod.testing import nb


class NonIdempotentCell(Rule):
    """
    ## What it does
    Flags a cell that changes a variable an earlier cell made, from its own value:
    `x = f(x)`, `x += 1`, `results.append(...)`, `df.drop(..., inplace=True)`, `del x`.
    Filters and conversions that give the same value again (`df = df[df.x > 0]`,
    `df = df.dropna()`) are left alone.

    ## Why is this bad?
    Running the cell twice, which happens all the time while exploring, gives another
    result or an error (`KeyError` when the column is already gone), and the outputs no
    longer say how many times it ran. Off by default: updating a variable in place is
    also an everyday idiom that does no harm under Restart & Run All.

    ## Example
    ```python
    df["price"] = df["price"] / 100
    df.drop(columns=["currency"], inplace=True)
    ```

    Use instead:
    ```python
    prices = raw.assign(price=raw["price"] / 100).drop(columns=["currency"])
    ```
    """

    code = "NB109"
    name = "non-idempotent-cell"
    message = "re-running this cell changes `{name}` again: {how}"
    default = False

    valid = [
        Valid(nb("df = load()", "df = df.dropna()\nx = [1]\nx.append(2)")),
        Valid(
            nb(
                "df = load()",
                "df = df[df.x > 0].iloc[:10]",
                "df['d'] = to_datetime(df['d'])",
            )
        ),
        Valid(nb("xs = []", "def f():\n    xs.append(1)")),
    ]
    invalid = [
        Invalid(nb("n = 0", "print(n)\nn += 1"), at=(1, 2, 0),
                message="re-running this cell changes `n` again: it is updated "
                "from its own value"),
        Invalid(nb("df = load()", "df['p'] = df['p'] / 100"), at=(1, 1, 0)),
        Invalid(nb("xs = load()", "xs = xs[1:]")),
        Invalid(nb("xs = load()", "xs = xs.iloc[:-1]")),
        Invalid(nb("log = []", "for i in range(3):\n    log.append(i)"), at=(1, 2, 4)),
        Invalid(nb("df = load()", "df.drop(columns=['a'], inplace=True)")),
        Invalid(nb("m = fit()", "del m")),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for parsed in ctx.parsed:
            facts = ctx.facts_of(parsed.cell.index)
            if parsed.tree is None or facts is None:
                continue
            outside = {*facts.reads, *facts.deletes}
            try:
                changes = list(changes_again(parsed.tree, outside))
            except RecursionError:  # `ast.unparse` of absurdly deep expressions
                continue
            reported: set[str] = set()
            for name, node, how in changes:
                if name not in reported:
                    reported.add(name)
                    yield ctx.node_finding(self, parsed, node, name=name, how=how)
