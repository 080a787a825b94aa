from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.reproducibility._helpers import network_fetch
from nb2prod.reading.magics import IPythonSyntax, SyntaxKind

_SHELL = re.compile(r"^(?:sudo\s+)?(wget|curl|gdown|aria2c|kaggle\s.*\bdownload\b)")


class RuntimeDownload(Rule):
    """
    ## What it does
    Flags data and models fetched from the network while the notebook runs: shell
    escapes such as `!wget`, `!curl` and `!kaggle ... download`, readers given a URL
    (`pd.read_csv("https://...")`), `urlretrieve`, `nltk.download`,
    `fetch_openml`, `load_dataset`, `from_pretrained("org/model")` and
    `download=True` datasets.

    ## Why is this bad?
    The inputs can change or vanish without the code changing, the notebook cannot
    run offline or behind a firewall, and nothing pins which version was used.

    ## Example
    ```python
    df = pd.read_csv("https://example.org/sales.csv")
    ```

    Use instead:
    ```python
    df = pd.read_csv(DATA_DIR / "sales-2024-05-01.csv")  # fetched once, versioned
    ```
    """

    code = "NB505"
    name = "runtime-download"
    message = "{what} fetches data from the network at run time"
    default = False

    valid = [
        Valid("df = pd.read_csv('data/sales.csv')\n!ls data"),
        Valid(
            "ds = load_dataset('csv', data_files='a.csv')\nm = M.from_pretrained('./m')"
        ),
    ]
    invalid = [
        Invalid(
            "!wget https://a.b/train.zip",
            at=(0, 1, 0),
            message="`wget` fetches data from the network at run time",
        ),
        Invalid("df = pd.read_csv('https://a.b/c.csv')", at=(0, 1, 5)),
        Invalid("import nltk\nnltk.download('punkt')", at=(0, 2, 0)),
        Invalid(
            "%%bash\ncd data\nkaggle competitions download -c titanic", at=(0, 3, 0)
        ),
        Invalid("m = AutoModel.from_pretrained('bert-base-uncased')", at=(0, 1, 4)),
        Invalid("ds = MNIST('data', train=True, download=True)"),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for fact in facts.ipython_syntax:
                for line, column, command in _commands(fact):
                    match = _SHELL.match(command)
                    if match:
                        what = f"`{match.group(1).split()[0]}`"
                        yield ctx.finding(self, facts.index, line, column, what=what)
        for parsed in ctx.parsed:
            for node in ctx.nodes(parsed):
                fetched = (
                    network_fetch(ctx, node) if isinstance(node, ast.Call) else None
                )
                if fetched is not None:
                    yield ctx.node_finding(self, parsed, node, what=fetched)


def _commands(fact: IPythonSyntax) -> Iterator[tuple[int, int, str]]:
    """(line, column, command) of each shell command in a piece of IPython syntax."""
    line, column = fact.span.line, fact.span.column
    if fact.kind in (SyntaxKind.SHELL, SyntaxKind.SHELL_CAPTURE):
        yield line, column, f"{fact.name} {fact.args}"
    elif fact.kind is SyntaxKind.CELL_MAGIC and fact.body_language == "shell":
        for offset, text in enumerate(fact.text.splitlines()[1:], start=1):
            yield line + offset, len(text) - len(text.lstrip()), text.strip()
