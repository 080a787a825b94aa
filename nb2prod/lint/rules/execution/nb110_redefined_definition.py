from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.testing import nb


class RedefinedDefinition(Rule):
    """
    ## What it does
    Flags a function or class defined again in a later cell with a different body.

    ## Why is this bad?
    Which version the kernel holds depends on which cell ran last, not on where a cell
    sits: cells between the two definitions may have used either one. Readers (and
    converters) cannot tell which body the outputs came from.

    ## Example
    ```python
    # cell 1
    def clean(df):
        return df.dropna()
    # cell 5
    def clean(df):
        return df.dropna().drop_duplicates()
    ```

    Use instead:
    ```python
    # cell 1
    def clean(df, dedupe=False):
        df = df.dropna()
        return df.drop_duplicates() if dedupe else df
    ```
    """

    code = "NB110"
    name = "redefined-definition"
    message = (
        "{kind} `{name}` is redefined with a different body; the previous one is "
        "in cell {other}"
    )

    valid = [
        Valid(nb("def f(x):\n    return x", "def f(x):\n    return x")),
        Valid("try:\n    def f():\n        return 1\nexcept Exception:\n"
              "    def f():\n        return 2"),
    ]  # fmt: skip
    invalid = [
        Invalid(nb("def clean(df):\n    return df.dropna()", "x = 1",
                   "import os\ndef clean(df):\n    return df"), at=(2, 2, 0),
                message="function `clean` is redefined with a different body; the "
                "previous one is in cell 1"),
        Invalid(nb("class A:\n    x = 1", "class A:\n    x = 2"), at=(1, 1, 0)),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        redefined = {item.name for item in ctx.facts.dataflow.redefined_functions}
        seen: dict[tuple[str, str], tuple[int, str]] = {}  # (kind, name) -> cell, body
        for facts in ctx.cell_facts():
            definitions = [
                ("function", item.name, item.line, item.column, item.body_hash)
                for item in facts.functions
                if item.name in redefined
            ] + [
                ("class", item.name, item.line, item.column, item.body_hash)
                for item in facts.classes
            ]
            for kind, name, line, column, body in definitions:
                previous = seen.get((kind, name))
                if previous and previous[0] != facts.index and previous[1] != body:
                    yield ctx.finding(
                        self,
                        facts.index,
                        line,
                        column,
                        kind=kind,
                        name=name,
                        other=previous[0] + 1,
                    )
                seen[(kind, name)] = (facts.index, body)
