from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.imports._helpers import qualified
from nb2prod.lint.rules.imports._shell import (
    SHELL_CALLS,
    SHELL_METHODS,
    command_text,
    install_command,
    shell_lines,
)
from nb2prod.reading.parsing import ParsedCell


class InstallInNotebook(Rule):
    """
    ## What it does
    Flags package installs run from the notebook: `!pip install`, `%pip install`,
    `pip install` (automagic), `%conda`/`%mamba install`, `!apt-get install`, `%%bash`
    cells that install, and `subprocess`/`os.system` calls running `pip install`.

    ## Why is this bad?
    The dependencies are hidden in a cell instead of declared in requirements, are
    re-installed (usually unpinned) on every run, and `!pip` may install into another
    interpreter than the kernel's. Import errors are the most common reason notebooks
    fail to run: 29 % of failures in Pimentel et al. (MSR 2019).

    ## Example
    ```python
    !pip install -q lightgbm
    import lightgbm as lgb
    ```

    Use instead:
    ```python
    # requirements.txt: lightgbm==4.3.0
    import lightgbm as lgb
    ```
    """

    code = "NB306"
    name = "install-in-notebook"
    message = "`{command}` installs packages from the notebook; declare them instead"
    node_types = (ast.Call,)

    valid = [
        Valid("!pip list\n!pip uninstall -y x\n%pip freeze"),
        Valid("!conda env export > environment.yml"),
    ]
    invalid = [
        Invalid(
            "import os\n!pip install -q lightgbm",
            at=(0, 2, 0),
            message="`pip install -q lightgbm` installs packages from the notebook; "
            "declare them instead",
        ),
        Invalid("%pip install xgboost"),
        Invalid("pip install xgboost"),
        Invalid("!sudo apt-get -y install graphviz"),
        Invalid("!{sys.executable} -m pip install shap"),
        Invalid("%%bash\ncd /tmp\npip install shap", at=(0, 3, 0)),
        Invalid(
            "subprocess.check_call([sys.executable, '-m', 'pip', 'install', 'x'])",
            at=(0, 1, 0),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for fact in facts.ipython_syntax:
                for line, text in shell_lines(fact):
                    command = install_command(text)
                    if command:
                        column = fact.span.column if line == fact.span.line else 0
                        yield ctx.finding(
                            self, facts.index, line, column, command=command
                        )

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        assert isinstance(node, ast.Call)
        last = getattr(node.func, "attr", getattr(node.func, "id", None))
        if last in SHELL_METHODS and qualified(ctx, node.func) in SHELL_CALLS:
            command = install_command(command_text(node))
            if command:
                yield ctx.node_finding(self, cell, node, command=command)
