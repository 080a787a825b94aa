from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.structure._comments import comment_blocks, is_code

#: pynblint's `max_multiline_python_comment`.
MIN_LINES = 4

_PROSE = "# We load the data.\n# Then we drop rows\n# without a label,\n# and train.\n"


class LongCommentBlock(Rule):
    """
    ## What it does
    Flags 4 or more consecutive comment lines at the top level of a code cell that
    read as prose. Blocks of commented-out code and comments inside functions or
    loops are left alone.

    ## Why is this bad?
    Explanations belong in Markdown cells, which render headings, lists, links and
    formulas and show up in the notebook's outline; pynblint flags the same thing.

    ## Example
    ```python
    # We drop the rows without a label, because the
    # model cannot learn from them, and we keep the
    # ones with a missing age: the imputer fills
    # them in later.
    df = df.dropna(subset=["label"])
    ```

    Use instead:
    ```python
    # (a Markdown cell above explains why rows are dropped)
    df = df.dropna(subset=["label"])
    ```
    """

    code = "NB208"
    name = "long-comment-block"
    message = "{count} lines of comments; write prose in a Markdown cell"
    default = False

    valid = [
        Valid(_PROSE.replace("# and train.\n", "x = 1\n")),
        Valid("# x = 1\n# y = 2\n# z = x + y\n# print(z)\n"),
        Valid(
            "# Uncomment to download\n# url = ('https://a.org/'\n"
            "#        'b.csv')\n# !curl -O {url}"
        ),
        Valid("def f():\n" + _PROSE.replace("#", "    #") + "    return 1\n"),
    ]
    invalid = [
        Invalid(
            "x = 1\n" + _PROSE + "y = 2",
            at=(0, 2, 0),
            message="4 lines of comments; write prose in a Markdown cell",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for parsed in ctx.parsed:
            if parsed.tree is None:
                continue
            for block in comment_blocks(parsed.translation.python):
                if len(block) >= MIN_LINES and not is_code(block):
                    line = block[0][0]
                    yield ctx.finding(self, parsed.cell.index, line, count=len(block))
