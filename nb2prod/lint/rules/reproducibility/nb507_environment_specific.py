from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator

from nb2prod.analysis.facts import CellFacts
from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.reproducibility._helpers import string_literals

_MODULES = ("google.colab", "kaggle_secrets")
_PATH = re.compile(r"^/(kaggle|content)(/\S*)?$")
_IN_TEXT = re.compile(r"(?<![\w./~-])/(kaggle|content)(/[^\s'\"]*)?")
#: A test that asks where the notebook runs (`"google.colab" in sys.modules`, `IN_COLAB`).
_PLATFORM_TEST = re.compile(r"colab|kaggle|sys\.modules|get_ipython", re.I)
#: Module or top folder -> the hosted notebook service it exists on.
_PLATFORMS = {
    "google.colab": "Google Colab",
    "kaggle_secrets": "Kaggle",
    "kaggle": "Kaggle",
    "content": "Google Colab",
}


class EnvironmentSpecific(Rule):
    """
    ## What it does
    Flags code that only works on a hosted notebook service: imports of
    `google.colab` or `kaggle_secrets`, and paths under `/kaggle/` or `/content/`
    (in strings and in shell commands and magics). Imports guarded by
    `try: ... except ImportError` are fine.

    ## Why is this bad?
    The notebook fails with `ModuleNotFoundError` or `FileNotFoundError` anywhere
    else: on a laptop, in CI, or as the package it is converted into.

    ## Example
    ```python
    from google.colab import drive
    drive.mount("/content/drive")
    df = pd.read_csv("/content/drive/MyDrive/sales.csv")
    ```

    Use instead:
    ```python
    DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))
    df = pd.read_csv(DATA_DIR / "sales.csv")
    ```
    """

    code = "NB507"
    name = "environment-specific"
    message = "`{what}` exists only on {platform}"

    valid = [
        Valid("df = pd.read_csv('data/kaggle/train.csv')\n!ls ./content"),
        Valid("import google.cloud.storage"),
        Valid("try:\n    import google.colab\nexcept ImportError:\n    pass"),
        # imports under a check of where the notebook runs
        Valid(
            "if 'google.colab' in sys.modules:\n    from google.colab import drive\n"
            "elif IN_KAGGLE:\n    from kaggle_secrets import UserSecretsClient\n"
            "else:\n    key = None"
        ),
    ]
    invalid = [
        Invalid(
            "from google.colab import drive",
            at=(0, 1, 0),
            message="`google.colab` exists only on Google Colab",
        ),
        Invalid("df = pd.read_csv(f'/kaggle/input/{name}.csv')", at=(0, 1, 17)),
        Invalid("x = 1\n!unzip -q /content/drive/MyDrive/a.zip", at=(0, 2, 10)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        guarded = {
            parsed.cell.index: _platform_guarded(ctx.nodes(parsed))
            for parsed in ctx.parsed
        }
        for facts in ctx.cell_facts():
            for line, column, what, key in _imports_and_commands(facts):
                if line in guarded.get(facts.index, ()):
                    continue  # runs only where the platform is

                platform = _PLATFORMS[key]
                yield ctx.finding(
                    self, facts.index, line, column, what=what, platform=platform
                )
        for parsed in ctx.parsed:
            for node, value in string_literals(ctx.nodes(parsed)):
                match = _PATH.match(value)
                if match:
                    platform = _PLATFORMS[match.group(1)]
                    yield ctx.node_finding(
                        self, parsed, node, what=value, platform=platform
                    )


def _platform_guarded(nodes: Iterable[ast.AST]) -> set[int]:
    """Lines of `if` bodies that run only on a platform the test checks for."""
    lines: set[int] = set()
    for node in nodes:
        if isinstance(node, ast.If) and _PLATFORM_TEST.search(ast.unparse(node.test)):
            for statement in node.body:
                end = statement.end_lineno or statement.lineno
                lines.update(range(statement.lineno, end + 1))
    return lines


def _imports_and_commands(facts: CellFacts) -> Iterator[tuple[int, int, str, str]]:
    """(line, column, what, platform key) of platform modules and paths in magics."""
    for fact in facts.imports:
        module = (
            f"{fact.module}.{fact.name}" if fact.module == "google" else fact.module
        )
        root = next((m for m in _MODULES if module.startswith(m)), None)
        if root is not None and not fact.optional:
            yield fact.line, fact.column, root, root
    for syntax in facts.ipython_syntax:
        if not syntax.keeps_python:  # kept Python is checked with the cell's code
            for offset, text in enumerate(syntax.text.splitlines()):
                for match in _IN_TEXT.finditer(text):
                    line = syntax.span.line + offset
                    yield line, match.start(), match.group(0), match.group(1)
