from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid


class StarImport(Rule):
    """
    ## What it does
    Flags `from module import *`.

    ## Why is this bad?
    Nobody can tell where a name comes from, a later star import silently shadows an
    earlier one (`from pylab import *` replaces the built-in `sum` and `any`), and
    tools cannot follow the names: soorgeon refuses to refactor such notebooks and
    ruff reports them as F403.

    ## Example
    ```python
    from pylab import *
    plot(linspace(0, 1))
    ```

    Use instead:
    ```python
    import matplotlib.pyplot as plt
    import numpy as np
    plt.plot(np.linspace(0, 1))
    ```
    """

    code = "NB206"
    name = "star-import"
    message = "`from {module} import *` hides where names come from"

    valid = [Valid("from math import pi, sqrt"), Valid("import numpy as np")]
    invalid = [
        Invalid(
            "import os\nfrom pylab import *",
            at=(0, 2, 0),
            message="`from pylab import *` hides where names come from",
        ),
        Invalid(
            "x = 1\nfrom ..utils import *",
            message="`from ..utils import *` hides where names come from",
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for fact in facts.imports:
                if fact.name == "*":
                    module = "." * fact.level + fact.module
                    yield ctx.finding(
                        self, facts.index, fact.line, fact.column, module=module
                    )
