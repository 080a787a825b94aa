from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.datascience._helpers import call_name, is_true, keywords
from nb2prod.reading.magics import IPythonSyntax, SyntaxKind
from nb2prod.reading.parsing import ParsedCell

_DESTRUCTIVE = frozenset(
    {"rm", "rmdir", "mv", "cp", "dd", "chmod", "chown", "shred", "truncate", "unlink"}
)
_SHELL_KINDS = (SyntaxKind.SHELL, SyntaxKind.SHELL_CAPTURE, SyntaxKind.AUTOMAGIC)
_RUNS_SHELL = frozenset({"os.system", "os.popen", "subprocess.getoutput"})
_SUBPROCESS = frozenset(
    f"subprocess.{f}" for f in ("run", "call", "Popen", "check_call", "check_output")
)


class ShellInjection(Rule):
    """
    ## What it does
    Flags destructive shell escapes (`rm`, `mv`, `cp`, `dd`, `chmod`...) that
    interpolate Python values (`!rm -rf {out_dir}`, `!mv $src $dst`), and commands
    built from Python values and run through a shell: `subprocess.*(..., shell=True)`,
    `os.system(...)`, `os.popen(...)`.

    ## Why is this bad?
    The value is pasted into the command line unquoted: a space, a `;` or an empty
    value changes what runs, and `!rm -rf {path}/` with an empty `path` deletes from
    the root (ruff S602, S605).

    ## Example
    ```python
    !rm -rf {out_dir}/cache
    ```

    Use instead:
    ```python
    shutil.rmtree(Path(out_dir) / "cache")
    ```
    """

    code = "NB705"
    name = "shell-injection"
    message = "{what} builds a shell command from Python values; {advice}"
    default = False
    node_types = (ast.Call,)

    valid = [
        Valid("!rm -rf build\n!ls {folder}\nsubprocess.run(['rm', '-r', path])"),
        Valid("import os\nos.system('ls -l')\nsubprocess.run('make', shell=True)"),
    ]
    invalid = [
        Invalid(
            "x = 1\n!rm -rf {out_dir}/cache",
            at=(0, 2, 0),
            message="`!rm` builds a shell command from Python values; use shutil or "
            "pathlib",
        ),
        Invalid(
            "import subprocess\nsubprocess.run(f'rm {p}', shell=True)", at=(0, 2, 0)
        ),
        Invalid("!sudo mv $src /opt/data", at=(0, 1, 0)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            for syntax in facts.ipython_syntax:
                if _destructive_escape(syntax):
                    yield ctx.finding(
                        self,
                        facts.index,
                        syntax.span.line,
                        syntax.span.column,
                        what=f"`{syntax.escape}{syntax.name}`",
                        advice="use shutil or pathlib",
                    )

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterator[Finding]:
        if not isinstance(node, ast.Call) or not node.args:
            return
        name = call_name(ctx, node) or ""
        shell = name in _RUNS_SHELL or (
            name in _SUBPROCESS and is_true(keywords(node).get("shell"))
        )
        if shell and not isinstance(node.args[0], (ast.Constant, ast.List, ast.Tuple)):
            yield ctx.node_finding(
                self,
                cell,
                node,
                what=f"`{ast.unparse(node.func)}`",
                advice="pass an argument list without `shell=True`",
            )


def _destructive_escape(syntax: IPythonSyntax) -> bool:
    if not syntax.expansions:
        return False
    if syntax.kind in _SHELL_KINDS:
        command = f"{syntax.name} {syntax.args}"
    elif syntax.kind is SyntaxKind.LINE_MAGIC:
        command = syntax.args if syntax.name in ("system", "sx") else syntax.name
    else:
        return False
    for part in re.split(r"[;&|]+", command):
        words = [w for w in part.split() if w != "sudo"]
        if words and words[0] in _DESTRUCTIVE:
            return True
    return False
