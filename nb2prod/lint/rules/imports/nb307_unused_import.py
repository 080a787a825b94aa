from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.imports._usage import SIDE_EFFECTS, used_names
from nb2prod.testing import nb


class UnusedImport(Rule):
    """
    ## What it does
    Flags an imported name that no cell of the notebook ever reads, not in code,
    functions, lambdas, magics (`%timeit np.sum(x)`) or `{expansions}` in shell
    commands. Star imports, `__future__` imports, imports guarded by
    `try/except ImportError` and modules imported for their side effects (`seaborn`,
    `mpl_toolkits.mplot3d`, pandas accessors such as `swifter`) are left alone.

    ## Why is this bad?
    Each unused import is a dependency that must still be installed for the notebook
    to run, and ImportError is the first cause of notebook failures (29 % in Pimentel
    et al., MSR 2019). ruff reports the same as F401.

    ## Example
    ```python
    import os
    import pandas as pd
    df = pd.read_csv("sales.csv")
    ```

    Use instead:
    ```python
    import pandas as pd
    df = pd.read_csv("sales.csv")
    ```
    """

    code = "NB307"
    name = "unused-import"
    message = "`{what}` imported but never used"

    valid = [
        Valid(nb("import numpy as np", "def f(x):\n    return np.sqrt(x)")),
        Valid("import numpy as np\nx = 3\n%timeit np.sum(x)"),
        Valid("import os\n!echo {os.getcwd()}"),
        Valid("from __future__ import annotations\nfrom math import *\nimport seaborn"),
        Valid("try:\n    import ujson\nexcept ImportError:\n    ujson = None"),
        Valid(nb("import numpy as np", "df.apply(lambda r: np.log(r))")),
    ]
    invalid = [
        Invalid(
            nb("import os\nimport pandas as pd", "df = pd.read_csv('a.csv')"),
            at=(0, 1, 0),
            message="`os` imported but never used",
        ),
        Invalid("from . import helpers", message="`.helpers` imported but never used"),
        Invalid(
            "from sklearn.metrics import f1_score as f1, accuracy_score\nf1(y, p)",
            message="`sklearn.metrics.accuracy_score` imported but never used",
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        used = used_names(ctx)
        for facts in ctx.cell_facts():
            for fact in facts.imports:
                bound = fact.bound
                module = "." * fact.level + fact.module
                if (
                    bound is None
                    or bound in used
                    or bound.startswith("_")
                    or fact.optional
                    or module == "__future__"
                    or module.startswith(SIDE_EFFECTS)
                ):
                    continue
                joint = "" if module.endswith(".") else "."
                what = f"{module}{joint}{fact.name}" if fact.name else module
                if fact.alias:
                    what += f" as {fact.alias}"
                yield ctx.finding(self, facts.index, fact.line, fact.column, what=what)
