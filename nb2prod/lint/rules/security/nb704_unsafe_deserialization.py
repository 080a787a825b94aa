from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import call_name, is_true, keywords
from nb2prod.reading.parsing import ParsedCell

#: Loaders that run code stored in the file, whatever their arguments.
_ALWAYS = frozenset(
    {
        f"{m}.{f}"
        for m in ("pickle", "cPickle", "_pickle", "dill", "cloudpickle")
        for f in ("load", "loads")
    }
    | {"joblib.load", "sklearn.externals.joblib.load", "pandas.read_pickle"}
    | {"shelve.open", "yaml.unsafe_load", "yaml.unsafe_load_all"}
)
_SAFE_YAML = ("SafeLoader", "CSafeLoader", "BaseLoader")


class UnsafeDeserialization(Rule):
    """
    ## What it does
    Flags loading data with formats that can run code: `pickle`, `dill`, `joblib`,
    `pd.read_pickle` and `shelve`; `torch.load` without `weights_only=True`;
    `np.load(..., allow_pickle=True)`; `yaml.load` without a safe loader.

    ## Why is this bad?
    Unpickling executes whatever the file says, so a model or data file downloaded or
    shared with the notebook can take over the machine that runs it (ruff S301,
    S506; PyTorch made `weights_only=True` the default in 2.6 for this reason).

    ## Example
    ```python
    import torch
    state = torch.load("model.pt")
    ```

    Use instead:
    ```python
    import torch
    state = torch.load("model.pt", weights_only=True)
    ```
    """

    code = "NB704"
    name = "unsafe-deserialization"
    message = "`{call}` can run code stored in the file; load only trusted files"
    default = False
    node_types = (ast.Call,)

    valid = [
        Valid(
            "import yaml, torch\nc = yaml.load(f, Loader=yaml.SafeLoader)\nyaml.safe_load(f)"
        ),
        Valid(
            "import torch, numpy as np\nw = torch.load(p, weights_only=True)\nnp.load(p)"
        ),
    ]
    invalid = [
        Invalid(
            "import pickle\nmodel = pickle.load(open(p, 'rb'))",
            at=(0, 2, 8),
            message="`pickle.load` can run code stored in the file; load only "
            "trusted files",
        ),
        Invalid("import yaml\nc = yaml.load(f)", at=(0, 2, 4)),
        Invalid("import numpy as np\na = np.load(p, allow_pickle=True)", at=(0, 2, 4)),
    ]

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if isinstance(node, ast.Call) and _unsafe(call_name(ctx, node) or "", node):
            yield ctx.node_finding(self, cell, node, call=ast.unparse(node.func))


def _unsafe(name: str, call: ast.Call) -> bool:
    given = keywords(call)
    if name in _ALWAYS:
        return True
    if name == "torch.load":
        return not is_true(given.get("weights_only")) and "**" not in given
    if name == "numpy.load":
        return is_true(given.get("allow_pickle"))
    if name in ("yaml.load", "yaml.load_all"):
        loader = given.get("Loader", call.args[1] if len(call.args) > 1 else None)
        return loader is None or not ast.unparse(loader).endswith(_SAFE_YAML)
    return False
