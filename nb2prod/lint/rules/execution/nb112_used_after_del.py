from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.reading.magics import SyntaxKind
from nb2prod.reading.parsing import ParsedCell
from nb2prod.testing import nb

#: After these, names may exist that no cell shows: forget what was deleted.
_OPAQUE_MAGICS = frozenset(
    {"run", "load", "loadpy", "pylab", "rerun", "recall", "store"}
)
_OPAQUE_CALLS = re.compile(r"\b(exec|execfile|globals|vars|locals)\s*\(")
#: Their bodies run later (or in their own scope), not when the statement runs.
_NEW_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class UsedAfterDel(Rule):
    """
    ## What it does
    Flags a name read after a `del` statement at the top level of a cell removed it,
    in the same cell or a later one, when no statement in between binds it again.
    Only unconditional deletions count (not a `del` inside `if`, `for` or `try`), and
    only reads that run at once (not inside a function body).

    ## Why is this bad?
    The notebook worked only because the cells ran in another order, or the later cell
    ran before the `del` was added: Restart & Run All stops with a `NameError`. Ruff's
    F821 reports it in scripts.

    ## Example
    ```python
    # cell 1
    del train_df  # free memory
    # cell 2
    train_df.describe()
    ```

    Use instead:
    ```python
    # cell 1
    summary = train_df.describe()
    del train_df  # free memory
    # cell 2
    summary
    ```
    """

    code = "NB112"
    name = "used-after-del"
    message = "`{name}` is used after `del {name}` in cell {number}"

    valid = [
        Valid(nb("x = 1\ndel x", "x = 2\nprint(x)")),
        Valid(nb("x = 1\nif x:\n    del x", "print(x)")),
        Valid(nb("df = 1\ndel df['a']", "df.head()")),
        Valid(nb("x = 1\ndel x\ndef f():\n    return x", "x = 3\nf()")),
        Valid(nb("x = 1\ndel x", "%run setup.py", "print(x)")),
        Valid(nb("x = 1\ndel x", "from setup import *", "print(x)")),
    ]
    invalid = [
        Invalid(
            nb("import pandas as pd\ndf = pd.DataFrame()", "del df", "df.head()"),
            at=(2, 1, 0),
            message="`df` is used after `del df` in cell 2",
        ),
        Invalid(
            "x = [1]\ndel x\nprint(len(x))",
            at=(0, 3, 10),
            message="`x` is used after `del x` in cell 1",
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not any(_DEL.search(parsed.translation.python) for parsed in ctx.parsed):
            return  # most notebooks delete nothing: no walk of every statement
        deleted: dict[str, int] = {}  # name -> index of the cell whose `del` removed it
        for parsed in ctx.parsed:
            if parsed.tree is None or _opaque(parsed):
                deleted.clear()
                continue
            for statement in parsed.tree.body:
                for name, node in _reads(statement, deleted):
                    yield ctx.node_finding(
                        self, parsed, node, name=name, number=deleted.pop(name) + 1
                    )
                for name in _bindings(statement):
                    deleted.pop(name, None)
                if isinstance(statement, ast.ImportFrom) and any(
                    alias.name == "*" for alias in statement.names
                ):
                    deleted.clear()
                if isinstance(statement, ast.Delete):
                    for target in statement.targets:
                        if isinstance(target, ast.Name):
                            deleted[target.id] = parsed.cell.index


#: A `del` statement's keyword (a cheap test before walking the statements).
_DEL = re.compile(r"\bdel\b")


def _opaque(parsed: ParsedCell) -> bool:
    """Whether the cell may define names nobody can see (`%run`, `exec`, `globals()`)."""
    return bool(_OPAQUE_CALLS.search(parsed.translation.python)) or any(
        fact.kind in (SyntaxKind.LINE_MAGIC, SyntaxKind.AUTOMAGIC)
        and fact.name in _OPAQUE_MAGICS
        for fact in parsed.translation.syntax
    )


def _immediate(node: ast.AST) -> Iterator[ast.AST]:
    """`node` and the nodes under it that run with it (not inside nested scopes)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, _NEW_SCOPES):
            continue
        pending.extend(
            child
            for child in reversed(list(ast.iter_child_nodes(current)))
            if not isinstance(child, _NEW_SCOPES)
        )


def _reads(statement: ast.stmt, deleted: dict[str, int]) -> list[tuple[str, ast.Name]]:
    """The first read of each deleted name in a statement that does not bind it again
    (a statement that does, like `x = x + 1`, is left alone)."""
    if not deleted:
        return []
    rebound = _bindings(statement)
    first: dict[str, ast.Name] = {}
    for node in _immediate(statement):
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id in deleted
            and node.id not in rebound
        ):
            first.setdefault(node.id, node)
    return list(first.items())


def _bindings(statement: ast.stmt) -> set[str]:
    """Names a statement binds anywhere in it, even conditionally."""
    bound: set[str] = set()
    for node in _immediate(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif (
            isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar)
            and node.name
        ):
            bound.add(node.name)
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        bound.add(statement.name)
    return bound
