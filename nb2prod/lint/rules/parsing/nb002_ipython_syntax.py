from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.parsing._helpers import quoted, syntax_facts
from nb2prod.reading.magics import SyntaxKind

_WHAT = {
    SyntaxKind.LINE_MAGIC: "line magic",
    SyntaxKind.CELL_MAGIC: "cell magic",
    SyntaxKind.SHELL: "shell escape",
    SyntaxKind.SHELL_CAPTURE: "shell escape",
    SyntaxKind.HELP: "help request",
    SyntaxKind.AUTOMAGIC: "magic without `%`",
    SyntaxKind.AUTOCALL: "autocall",
}


class IpythonSyntax(Rule):
    """
    ## What it does
    Flags IPython syntax in code cells: line magics (`%matplotlib`), shell escapes
    (`!pip`), help (`obj?`), autocall (`/f x`), magics typed without `%` (automagic),
    and cell magics whose body is Python (`%%time`).

    ## Why is this bad?
    None of it is Python: the cell runs only in an IPython kernel, and a `.py` file
    exported from the notebook fails to parse. It is often fine in exploration, so the
    rule is off by default; turn it on to see what a conversion must translate or drop.
    Cell magics with a non-Python body are NB003; top-level `await` is NB004.

    ## Example
    ```python
    %matplotlib inline
    !pip install lightgbm
    ```

    Use instead:
    ```python
    import matplotlib.pyplot as plt  # figures show inline by default in Jupyter
    # lightgbm is listed in requirements.txt
    ```
    """

    code = "NB002"
    name = "ipython-syntax"
    message = "IPython {what} `{text}` runs only in IPython/Jupyter"
    default = False

    valid = [Valid("import os\nos.listdir('.')"), Valid("await fetch()")]
    invalid = [
        Invalid("x = 1\n%matplotlib inline", at=(0, 2, 0),
                message="IPython line magic `%matplotlib inline` runs only in "
                "IPython/Jupyter"),
        Invalid("files = !ls data", at=(0, 1, 0)),
        Invalid("df.merge?"),
        Invalid("%%time\nfit(X, y)", at=(0, 1, 0)),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for cell, fact in syntax_facts(ctx, *_WHAT):
            if fact.kind is SyntaxKind.CELL_MAGIC and fact.body_language != "python":
                continue  # NB003 non-python-cell
            yield ctx.finding(
                self,
                cell,
                fact.span.line,
                fact.span.column,
                what=_WHAT[fact.kind],
                text=quoted(fact.text),
            )
