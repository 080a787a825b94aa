from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.reading.magics import SyntaxKind


class CellTooLong(Rule):
    """
    ## What it does
    Flags code cells with more lines of code than `max-cell-lines` (30 by default, as
    in pynblint); blank lines and comment lines are not counted. Cells whose body is
    not Python (`%%html`, `%%bash`, `%%writefile`...) are not counted.

    ## Why is this bad?
    A long cell does several things at once: its intermediate results cannot be
    inspected, re-running it repeats all of them, and it becomes one opaque step when
    the notebook is turned into a pipeline.

    ## Example
    ```python
    df = load()
    df = clean(df)
    # ... 40 more lines of features, training and plots
    ```

    Use instead:
    ```python
    df = clean(load())
    # features, training and plots in their own cells, or in functions
    ```
    """

    code = "NB202"
    name = "cell-too-long"
    message = "cell has {count} lines of code, more than {limit}"

    valid = [
        Valid("\n\n".join(f"x{i} = {i}" for i in range(30))),
        Valid("%%html\n" + "<p>hi</p>\n" * 40),
        Valid("\n".join(f"x{i} = {i}  # set\n# then" for i in range(30))),
        Valid("x = (\n" + "    # a comment in brackets\n" * 40 + "    1\n)"),
    ]
    invalid = [
        Invalid(
            "\n".join(f"x{i} = {i}" for i in range(31)),
            at=(0, 1, 0),
            message="cell has 31 lines of code, more than 30",
        ),
        # every line of a string written over several lines is code, even `# ...`
        Invalid(
            'query = """\n' + "# not a comment\n\n" * 15 + '"""',
            at=(0, 1, 0),
            message="cell has 32 lines of code, more than 30",
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        limit = ctx.settings.max_cell_lines
        for facts in ctx.cell_facts():
            if any(
                fact.kind is SyntaxKind.CELL_MAGIC and not fact.keeps_python
                for fact in facts.ipython_syntax
            ):
                continue
            parsed = ctx.parsed_cell(facts.index)
            if parsed is not None and parsed.translation.python.count("\n") < limit:
                continue  # no more lines than the limit: tokenizing could not find more
            if parsed is None or parsed.tree is None:
                source = ctx.cells[facts.index].source
                count = sum(1 for line in source.splitlines() if _is_code(line))
            else:
                count = len(_code_lines(parsed.translation.python, ctx.nodes(parsed)))
            if count > limit:
                yield ctx.finding(self, facts.index, count=count, limit=limit)


def _code_lines(python: str, nodes: Iterable[ast.AST]) -> set[int]:
    """Lines holding part of a statement: not blank, not only a comment, and every line
    of a string written over several lines (whatever it holds). Read from the cell's
    syntax tree, walked once for all rules (tokenizing cost a regex compile per run)."""
    lines = {n for n, line in enumerate(python.splitlines(), 1) if _is_code(line)}
    for node in nodes:
        # only strings span lines (one triple-quoted, or pieces joined in brackets)
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _is_code(line: str) -> bool:
    text = line.strip()
    return bool(text) and not text.startswith("#")
