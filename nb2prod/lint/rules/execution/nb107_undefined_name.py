from __future__ import annotations

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
    Notebooks that `%run` other code or `exec` strings are left alone after that cell.
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
    ]
    invalid = [
        Invalid(nb("import pandas as pd", "x = 1\ndf_clean.plot()"), at=(1, 2, 0),
                message="`df_clean` is never defined in the notebook"),
        Invalid("for i in xrange(3):\n    pass", at=(0, 1, 9)),
        Invalid(nb("def f():\n    return cfg", "f()"), at=(1, 1, 0)),
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
