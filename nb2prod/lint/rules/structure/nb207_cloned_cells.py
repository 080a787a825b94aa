from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.structure._helpers import code_lines
from nb2prod.testing import nb

#: Cells with fewer lines of code than this (`df.head()`, `plt.show()`) are ignored.
MIN_LINES = 3

_PLOT = "plt.figure()\nplt.plot(x, y)\nplt.title('sales')\nplt.show()"


class ClonedCells(Rule):
    """
    ## What it does
    Flags a code cell whose code is the same as an earlier cell's, ignoring comments
    and formatting. Cells with fewer than 3 lines of code are not compared.

    ## Why is this bad?
    A pasted cell must be fixed in every copy, and the copies drift apart. Clones are
    common in notebooks: Koenzen et al. (2020) measured 7.6 % self-duplication per
    repository on average.

    ## Example
    ```python
    # cell 3
    plt.figure()
    plt.plot(x, y)
    plt.title("sales")
    # cell 7: the same three lines again
    ```

    Use instead:
    ```python
    def plot_sales(x, y):
        plt.figure()
        plt.plot(x, y)
        plt.title("sales")
    ```
    """

    code = "NB207"
    name = "cloned-cells"
    message = "same code as cell {first}; make it a function"
    default = False

    valid = [
        Valid(nb(_PLOT, _PLOT.replace("sales", "costs"))),
        Valid(nb("df.head()", "df.head()")),
    ]
    invalid = [
        Invalid(
            nb(_PLOT, "x = 1", "# again\n" + _PLOT.replace("\n", "\n\n")),
            at=(2, 1, 0),
            message="same code as cell 1; make it a function",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: dict[str, int] = {}
        for parsed in ctx.parsed:
            if parsed.tree is None or code_lines(parsed.cell.source) < MIN_LINES:
                continue
            key = ast.dump(parsed.tree)
            first = seen.setdefault(key, parsed.cell.index)
            if first != parsed.cell.index:
                yield ctx.finding(self, parsed.cell.index, first=first + 1)
