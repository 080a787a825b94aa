from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.imports._helpers import import_module, masked_lines
from nb2prod.lint.rules.imports._setup import is_setup, path_change_lines


class ImportNotAtTopOfCell(Rule):
    """
    ## What it does
    Flags an `import` at the top level of a cell that comes after other code in the
    same cell. Magics, shell commands, `assert`s and set-up (`sys.path`, `os.environ`,
    `warnings`, seeds and styles such as `np.random.seed(0)` or `sns.set()`) may come
    before the imports, and imports inside `try`/`if` blocks are not checked. Imports
    below a change of the working directory or of `sys.path` are left where they are:
    they may need it (`os.chdir(folder)` then `from helpers import clean`).

    ## Why is this bad?
    An import buried in the middle of a cell is easy to miss when collecting the
    notebook's dependencies, and the code above it runs before the import can fail.
    ruff's E402 checks the same thing cell by cell in notebooks.

    ## Example
    ```python
    df = df.dropna()
    from sklearn.model_selection import train_test_split
    ```

    Use instead:
    ```python
    from sklearn.model_selection import train_test_split
    df = df.dropna()
    ```
    """

    code = "NB302"
    name = "import-not-at-top-of-cell"
    message = "import of `{module}` below other code in its cell; move it to the top"

    valid = [
        # an import of a file the lines above put in place
        Valid(
            "import os\nif not os.path.exists('train.csv'):\n"
            "    os.symlink('../input/train.csv', 'train.csv')\nimport step_1"
        ),
        Valid(
            "import requests\nresponse = requests.get(URL)\n"
            "with open('helper.py', 'wb') as f:\n    f.write(response.content)\n"
            "from helper import plot"
        ),
        Valid("%matplotlib inline\n!pip install -q lightgbm\nimport lightgbm"),
        Valid('"""Setup."""\nimport sys\nsys.path.append("..")\nimport mylib'),
        Valid("import os\nos.environ['CUDA_VISIBLE_DEVICES'] = '0'\nimport torch"),
        Valid(
            "try:\n    import ujson as json\nexcept ImportError:\n    import json\nimport re"
        ),
        Valid(
            "import warnings\nwarnings.filterwarnings('ignore')\nimport pandas as pd"
        ),
        Valid(
            "import sklearn\nassert sklearn.__version__ >= '1.0'\nimport numpy as np"
            "\nnp.random.seed(42)\nimport matplotlib as mpl\nmpl.rc('axes', labelsize=14)"
            "\nmpl.rcParams['figure.dpi'] = 100\nimport seaborn as sns"
        ),
        Valid("import os\nfolder = 'src'\nos.chdir(folder)\nfrom helpers import clean"),
    ]
    invalid = [
        Invalid(
            "df = load()\nfrom sklearn.svm import SVC",
            at=(0, 2, 0),
            message="import of `sklearn.svm` below other code in its cell; "
            "move it to the top",
        ),
        Invalid("import numpy as np\nx = np.zeros(3)\nimport random", at=(0, 3, 0)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        modules = {name for name, _ in ctx.facts.aliases}
        for parsed in ctx.parsed:
            if parsed.tree is None:
                continue
            masked = masked_lines(parsed)
            path_changes = path_change_lines(ctx, parsed)
            below_code = False
            for statement in parsed.tree.body:
                last = statement.end_lineno or statement.lineno
                if any(statement.lineno <= line <= last for line in path_changes):
                    break  # the imports below may need the new directory or path
                if isinstance(statement, (ast.Import, ast.ImportFrom)):
                    if below_code:  # report the first import of each run
                        module = import_module(statement)
                        yield ctx.node_finding(self, parsed, statement, module=module)
                    below_code = False
                elif not is_setup(ctx, statement, masked, modules):
                    below_code = True
