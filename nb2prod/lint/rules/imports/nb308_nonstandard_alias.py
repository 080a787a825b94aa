from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid

#: Module -> the alias everyone reads it under.
STANDARD_ALIASES = {
    "pandas": "pd",
    "numpy": "np",
    "matplotlib.pyplot": "plt",
    "matplotlib": "mpl",
    "seaborn": "sns",
    "tensorflow": "tf",
    "torch": "torch",
    "polars": "pl",
    "plotly.express": "px",
    "plotly.graph_objects": "go",
    "statsmodels.api": "sm",
    "networkx": "nx",
    "xarray": "xr",
}


class NonstandardAlias(Rule):
    """
    ## What it does
    Flags well-known libraries imported under an unusual alias: `pandas` not as `pd`,
    `numpy` not as `np`, `matplotlib.pyplot` not as `plt`, `tensorflow` not as `tf`,
    `seaborn` not as `sns`, and a few more.

    ## Why is this bad?
    Readers, documentation, Stack Overflow answers and tools all assume the usual
    alias; an unusual one makes every line that uses it harder to read. dslinter
    checks the same conventions (C5501-C5506).

    ## Example
    ```python
    import pandas as pds
    ```

    Use instead:
    ```python
    import pandas as pd
    ```
    """

    code = "NB308"
    name = "nonstandard-alias"
    message = "`{module}` imported as `{alias}`; the usual alias is `{usual}`"
    default = False

    valid = [
        Valid(
            "import pandas as pd\nimport numpy\nfrom matplotlib import pyplot as plt"
        ),
        Valid("import torch\nimport torch.nn as nn"),
    ]
    invalid = [
        Invalid(
            "import os\nimport pandas as pds",
            at=(0, 2, 0),
            message="`pandas` imported as `pds`; the usual alias is `pd`",
        ),
        Invalid("from matplotlib import pyplot as pl"),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for fact in facts.imports:
                if fact.alias is None or fact.level:
                    continue
                module = f"{fact.module}.{fact.name}" if fact.name else fact.module
                usual = STANDARD_ALIASES.get(module)
                if usual is not None and fact.alias != usual:
                    yield ctx.finding(
                        self,
                        facts.index,
                        fact.line,
                        fact.column,
                        module=module,
                        alias=fact.alias,
                        usual=usual,
                    )
