from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.reading.magics import SyntaxKind
from nb2prod.testing import nb

#: Magics after which any name may exist: they run or paste code nb2prod cannot see.
_OPAQUE_MAGICS = frozenset({"run", "load", "loadpy", "pylab", "rerun", "recall"})
_OPAQUE_CALLS = re.compile(r"\b(exec|execfile|globals|vars|locals)\s*\(")
_IPYTHON_NAMES = frozenset({"_sh", "_exit_code"})
_PYTHON2 = frozenset({"xrange", "raw_input", "unicode", "long", "basestring",
                      "unichr", "reduce", "execfile", "file", "cmp", "reload"})  # fmt: skip


class UndefinedName(Rule):
    """
    ## What it does
    Flags a name a cell reads (directly or through a notebook function it calls) that
    no cell of the notebook defines, imports, or gets from a builtin.

    ## Why is this bad?
    Restart & Run All stops here with a `NameError`: the name came from a cell since
    deleted, from another notebook, or from a typo. NameError is the second cause of
    failed re-runs after missing modules: 14.5 % (Pimentel et al., MSR 2019).
    A name a method reads counts once the class is used: a name bound in the class body
    (`from collections import OrderedDict` under `class`) is a class attribute, which
    methods do not see. Notebooks that `%run` other code or `exec` strings are left
    alone after that cell.
    What a `%%cython` cell defines counts as defined, and branches that run only on
    Python 2 (`if sys.version_info < (3, 0):`, `if six.PY2:`) are not read.

    ## Example
    ```python
    import pandas as pd

    df = pd.read_csv("sales.csv")
    df_clean.plot()
    ```

    Use instead:
    ```python
    import pandas as pd

    df = pd.read_csv("sales.csv")
    df_clean = df.dropna()
    df_clean.plot()
    ```
    """

    code = "NB107"
    name = "undefined-name"
    message = "`{name}` is never defined in the notebook{why}"

    valid = [
        Valid(
            nb("import pandas as pd\ndf = pd.read_csv(path := 'a.csv')", "df.plot()")
        ),
        Valid(nb("%run helpers.py", "clean(df)")),
        Valid(nb("%store -r df", "df.head()")),
        Valid(nb("print 'x'\nseed = 3", "print(seed)")),
        Valid("display(In[1], _sh)"),
        # a method reading a name a later cell defines, before the class is used
        Valid(
            nb("class A:\n    def f(self):\n        return RATE", "RATE = 2", "A().f()")
        ),
        # a class nothing uses: its methods never run
        Valid("class B:\n    def f(self):\n        return missing"),
        # the class body reading its own names, and a method setting a global first
        Valid(
            nb(
                "class C:\n    n = 2\n    m = n * 2\n    def f(self):\n"
                "        global seen\n        seen = 1\n        return seen",
                "C().f()",
            )
        ),
    ]
    invalid = [
        Invalid(nb("import pandas as pd", "x = 1\ndf_clean.plot()"), at=(1, 2, 0),
                message="`df_clean` is never defined in the notebook"),
        Invalid("for i in xrange(3):\n    pass", at=(0, 1, 9)),
        Invalid(nb("def f():\n    return cfg", "f()"), at=(1, 1, 0)),
        Invalid(nb("class Seq:\n    from collections import OrderedDict\n"
                   "    def __init__(self, d):\n        self.ok = isinstance(d, OrderedDict)",
                   "Seq({})"), at=(0, 4, 32),
                message="`OrderedDict` is never defined in the notebook (a method of "
                "`Seq` reads it; names of the class body are not seen in its methods)"),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        opaque_from = _opaque_from(ctx)
        unparsed = " ".join(p.cell.source for p in ctx.parsed if p.tree is None)
        for use in ctx.facts.dataflow.never_defined:
            if use.name in _IPYTHON_NAMES or use.cell >= opaque_from:
                continue
            if re.search(rf"(?<![\w.]){re.escape(use.name)}\b", unparsed):
                continue  # a cell that is not Python may define it
            facts = ctx.facts_of(use.cell)
            if facts is not None and use.name in facts.deletes:
                continue  # NB112 says it is used after `del`
            direct = facts is not None and use.name in facts.reads + facts.lambda_reads
            why = "" if direct else " (a function called here reads it)"
            if use.name in _PYTHON2:
                why = "; it was a Python 2 builtin"
            line, column = ctx.need_site(use.cell, use.name)
            yield ctx.finding(self, use.cell, line, column, name=use.name, why=why)
        yield from self._method_reads(ctx, opaque_from, unparsed)

    def _method_reads(
        self, ctx: RuleContext, opaque_from: float, unparsed: str
    ) -> Iterator[Finding]:
        """Names the methods of a used class read that no cell defines, at the read."""
        cells = ctx.cell_facts()
        if not any(
            name for cell in cells for c in cell.classes for name in c.globals_read
        ):
            return  # no method reads a notebook name: nothing to look up
        if any(cell.star_imports for cell in cells):
            return  # a star import may give any name
        defined = {n for cell in ctx.cell_facts() for n in cell.defines}
        defined |= {
            n
            for cell in ctx.cell_facts()
            for function in cell.functions
            for n in function.globals_written
        }
        mentioned = {n for cell in ctx.cell_facts() for n in (*cell.reads, *cell.calls)}
        for facts in ctx.cell_facts():
            parsed = ctx.parsed_cell(facts.index)
            if parsed is None or parsed.tree is None or facts.index >= opaque_from:
                continue
            for cls in facts.classes:
                if cls.name not in mentioned and not any(
                    cls.name in other.bases
                    for cell in ctx.cell_facts()
                    for other in cell.classes
                ):
                    continue  # never used: its methods never run
                missing = [
                    name
                    for name in cls.globals_read
                    if name not in defined
                    and name not in _IPYTHON_NAMES
                    and not re.search(rf"(?<![\w.]){re.escape(name)}\b", unparsed)
                ]
                node = _class_node(parsed.tree, cls.line)
                if not missing or node is None:
                    continue
                declared = {
                    n
                    for s in ast.walk(node)
                    if isinstance(s, ast.Global)
                    for n in s.names
                }
                for name in missing:
                    read = _method_read(node, name)
                    if read is None or name in declared:
                        continue
                    why = (
                        f" (a method of `{cls.name}` reads it; names of the class body "
                        "are not seen in its methods)"
                        if _bound_in_body(node, name)
                        else f" (a method of `{cls.name}` reads it)"
                    )
                    yield ctx.node_finding(self, parsed, read, name=name, why=why)


def _class_node(tree: ast.Module, line: int) -> ast.ClassDef | None:
    """The top-level class defined at `line`."""
    return next(
        (n for n in tree.body if isinstance(n, ast.ClassDef) and n.lineno == line), None
    )


def _method_read(node: ast.ClassDef, name: str) -> ast.Name | None:
    """The first load of `name` inside a method of the class."""
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(statement):
                if (
                    isinstance(inner, ast.Name)
                    and inner.id == name
                    and isinstance(inner.ctx, ast.Load)
                ):
                    return inner
    return None


def _bound_in_body(node: ast.ClassDef, name: str) -> bool:
    """Whether the class body itself (not a method) binds `name`."""
    for statement in node.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name.split(".")[0]) == name for a in statement.names):
                return True
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = (
                statement.targets
                if isinstance(statement, ast.Assign)
                else [statement.target]
            )
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
    return False


def _opaque_from(ctx: RuleContext) -> float:
    """The first cell after which names may exist that no cell shows (`%run`, `exec`)."""
    for parsed in ctx.parsed:
        if any(
            fact.kind in (SyntaxKind.LINE_MAGIC, SyntaxKind.AUTOMAGIC)
            and (
                fact.name in _OPAQUE_MAGICS
                or f"{fact.name} {fact.args.strip()}" == "store -r"
            )
            for fact in parsed.translation.syntax
        ) or (parsed.tree and _OPAQUE_CALLS.search(parsed.translation.python)):
            return parsed.cell.index
    return float("inf")
