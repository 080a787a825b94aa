from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid


class AbsolutePath(Rule):
    """
    ## What it does
    Flags string literals that are absolute or user-specific paths (`/home/...`,
    `C:\\Users\\...`, `~/data/...`). Left alone: folders every machine has (a tool's
    cache under `~/.name/`, `/tmp`), suffixes joined onto a base, web routes,
    TensorFlow device names, and the hosted services' folders NB507 reports
    (`/kaggle/...`, `/content/...`).

    ## Why is this bad?
    The path exists only on the author's machine, so the notebook fails with
    `FileNotFoundError` everywhere else, the third most common failure found when
    re-running public notebooks.

    ## Example
    ```python
    df = pd.read_csv("/home/alice/projects/churn/customers.csv")
    ```

    Use instead:
    ```python
    DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))
    df = pd.read_csv(DATA_DIR / "customers.csv")
    ```
    """

    code = "NB501"
    name = "absolute-path"
    message = "absolute or user-specific path {value}"

    valid = [
        Valid("df = pd.read_csv('data/customers.csv')"),
        Valid("url = 'https://a.b/c.csv'"),
    ]
    valid += [
        # a suffix joined onto a base is relative to that base
        Valid("p = os.getcwd() + '/data/x.csv'"),
        Valid("p = path + '/images/' + id_ + '.png'"),
        Valid("p = f'{root}/data/x.csv'"),
        Valid("model_path = root\nmodel_path += '/versions/v0001/'"),
        Valid(
            "train = datasets.MNIST('~/.pytorch/MNIST_data/', download=True)\n"
            "log_dir = '/tmp/logs'"
        ),
        # nor is a TensorFlow device name
        Valid(
            "with tf.device('/gpu:0'):\n    pass\ndevices = ['/cpu:0', '/job:w/replica:0']"
        ),
        # a web route is no file path
        Valid("@app.post('/predict/')\ndef predict(rows):\n    return rows"),
        # a hosted notebook's folder: NB507 says which service it belongs to
        Valid("df = pd.read_csv('/kaggle/input/train.csv')"),
    ]
    invalid = [
        Invalid(
            "df = pd.read_csv('/home/alice/churn/customers.csv')",
            at=(0, 1, 17),
            message="absolute or user-specific path '/home/alice/churn/customers.csv'",
        ),
        Invalid("DATA = 'C:\\\\Users\\\\bob\\\\data.xlsx'", at=(0, 1, 7)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        relative = {
            (parsed.cell.index, *place)
            for parsed in ctx.parsed
            for place in _not_absolute_in_use(ctx.nodes(parsed))
        }
        for facts in ctx.cell_facts():
            for literal in facts.literals:
                place = (facts.index, literal.line, literal.column)
                if (
                    literal.kind == "path"
                    and literal.absolute
                    and place not in relative
                    and not _HOSTED.match(_text(literal.value))
                    and not _DEVICE.match(_text(literal.value))
                    and not _PORTABLE.match(_text(literal.value))
                ):
                    yield ctx.finding(
                        self,
                        facts.index,
                        literal.line,
                        literal.column,
                        value=literal.value,
                    )


#: Methods whose first argument is a web route, not a file (`@app.post("/predict")`).
_ROUTES = frozenset(
    {"get", "post", "put", "delete", "patch", "head", "options", "route",
     "api_route", "websocket", "add_url_rule", "add_api_route"}
)  # fmt: skip
#: Folders every Unix machine has for the user: a tool's cache or settings under
#: home (`~/.pytorch/datasets`, `~/.keras`) and the temporary folder.
_PORTABLE = re.compile(r"^(~/\.\w|/tmp(/|$))")
#: TensorFlow device names (`tf.device("/gpu:0")`, `"/job:worker/replica:0"`).
_DEVICE = re.compile(r"^/(device:)?(cpu|gpu|tpu|xla_\w+|job|replica|task)(:|$)", re.I)
#: The folders of hosted notebook services: NB507 reports them.
_HOSTED = re.compile(r"^/(kaggle|content)(/|$)")


def _not_absolute_in_use(nodes: Iterable[ast.AST]) -> Iterator[tuple[int, int]]:
    """(line, column) of path-like literals that are not absolute where they are used:
    a suffix joined onto a base (`root + "/data.csv"`, `f"{root}/data.csv"`) and web
    routes."""
    for node in nodes:
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(
            node.op, ast.Add
        ):
            suffix = node.right if isinstance(node, ast.BinOp) else node.value
            if isinstance(suffix, ast.Constant):  # `base + "/x"`, `path += "/x"`
                yield suffix.lineno, suffix.col_offset
        elif isinstance(node, ast.JoinedStr) and node.values:
            if isinstance(node.values[0], ast.FormattedValue):
                yield node.lineno, node.col_offset
                for part in node.values:
                    yield part.lineno, part.col_offset
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _ROUTES
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.args[0].lineno, node.args[0].col_offset


def _text(value: str) -> str:
    """The text of a literal's repr."""
    try:
        text = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value
    return text if isinstance(text, str) else value
