from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.reading.magics import is_ipython_call
from nb2prod.testing import md, nb


class ImportAfterFirstCodeCell(Rule):
    """
    ## What it does
    Flags `import` and `from ... import` statements at the top level of any code cell
    other than the first one holding Python (a cell of only magics, shell lines or
    comments, such as `%load_ext autoreload`, does not count).

    ## Why is this bad?
    Readers cannot see the notebook's dependencies in one place, and running a cell out
    of order fails with a `NameError` when its import sits further down. pynblint checks
    this too, but misses `from x import y`.

    ## Example
    ```python
    # cell 1
    import pandas as pd
    # cell 5
    from sklearn.model_selection import train_test_split
    ```

    Use instead:
    ```python
    # cell 1
    import pandas as pd
    from sklearn.model_selection import train_test_split
    ```
    """

    code = "NB301"
    name = "import-after-first-code-cell"
    message = "import of `{module}` outside the first code cell"

    valid = [
        Valid(nb(md("# t"), "import os\nfrom sys import argv", "x = os.sep")),
        Valid(nb("", "import os", "def f():\n    import json\n    return json")),
        Valid(
            nb("%load_ext autoreload\n!python -V  # setup", "import os", "x = os.sep")
        ),
    ]
    invalid = [
        Invalid(
            nb("import pandas as pd", "df = pd.DataFrame()", "from sklearn import svm"),
            at=(2, 1, 0),
            message="import of `sklearn` outside the first code cell",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        first = next(
            (c.index for c in ctx.code_cells if _python_code(ctx, c.index)), None
        )
        for facts in ctx.cell_facts():
            if facts.index == first:
                continue
            for fact in facts.imports:
                if fact.in_function is None:
                    module = fact.module or "." * fact.level
                    yield ctx.finding(
                        self, facts.index, fact.line, fact.column, module=module
                    )


def _python_code(ctx: RuleContext, index: int) -> bool:
    """Whether the cell holds a Python statement, not only IPython lines or comments."""
    parsed = ctx.parsed_cell(index)
    if parsed is None or parsed.tree is None:
        return True  # unparsable: it is the first code cell as written
    return any(not is_ipython_call(node) for node in parsed.tree.body)
