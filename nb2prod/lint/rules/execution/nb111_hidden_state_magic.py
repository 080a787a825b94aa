from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.reading.magics import SyntaxKind
from nb2prod.testing import nb

_MAGICS = (SyntaxKind.LINE_MAGIC, SyntaxKind.AUTOMAGIC)
_EFFECTS = {
    "store": "loads variables another notebook stored",
    "run": "runs code from outside the notebook in its namespace",
    "load": "pastes in code from outside the notebook",
    "reset": "deletes the kernel's variables mid-notebook",
    "reset_selective": "deletes the kernel's variables mid-notebook",
    "xdel": "deletes a variable, so the state depends on which cells ran since",
}


class HiddenStateMagic(Rule):
    """
    ## What it does
    Flags magics that bring state in from outside the notebook or wipe it: `%store -r`,
    `%run`, `%load`, and `%reset` / `%xdel` (a `%reset` before any other code is fine).

    ## Why is this bad?
    What the cells below see depends on another notebook's stored values, a script's
    current contents, or which cells ran since the reset: none of it is on the page.
    Readers cannot follow where names come from, and static analysis cannot either.

    ## Example
    ```python
    %store -r train_df
    %run ./helpers.py
    ```

    Use instead:
    ```python
    import pandas as pd
    from helpers import clean

    train_df = pd.read_parquet("data/train.parquet")
    ```
    """

    code = "NB111"
    name = "hidden-state-magic"
    message = "`{text}` {effect}"

    valid = [
        Valid("%store df"),
        Valid("%reset -f\nimport pandas as pd"),
        Valid("%load_ext autoreload"),
    ]
    invalid = [
        Invalid("%store -r train_df", at=(0, 1, 0),
                message="`%store -r train_df` loads variables another notebook stored"),
        Invalid(nb("x = 1", "run helpers.py"), at=(1, 1, 0)),
        Invalid(nb("x = 1", "%reset -f")),
        Invalid("del_me = 1\n%xdel del_me", at=(0, 2, 0)),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        first = _first_statement(ctx)
        for facts in ctx.cell_facts():
            for fact in facts.ipython_syntax:
                if fact.kind not in _MAGICS or fact.name not in _EFFECTS:
                    continue
                if fact.name == "store" and "-r" not in fact.args.split():
                    continue  # storing is fine, loading is hidden input
                if fact.name.startswith("reset") and first == (
                    facts.index,
                    fact.span.line,
                ):
                    continue  # a clean start, before any code ran
                text = " ".join(fact.text.split())[:60]
                yield ctx.finding(
                    self,
                    facts.index,
                    fact.span.line,
                    fact.span.column,
                    text=text,
                    effect=_EFFECTS[fact.name],
                )


def _first_statement(ctx: RuleContext) -> tuple[int, int] | None:
    """(cell, line) of the notebook's first statement (line 1 of a non-Python cell)."""
    for parsed in ctx.parsed:
        if parsed.tree is None and parsed.cell.source.strip():
            return parsed.cell.index, 1
        if parsed.tree is not None and parsed.tree.body:
            return parsed.cell.index, parsed.tree.body[0].lineno
    return None
