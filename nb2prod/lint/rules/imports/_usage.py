"""Which names a notebook uses, counted generously (NB307 flags the rest)."""

from __future__ import annotations

import ast
import re

from nb2prod.lint.context import RuleContext
from nb2prod.reading.magics import SyntaxKind

#: Modules imported for what importing them does (register an accessor, a projection,
#: a pandas engine, a style), so they need not be used by name.
SIDE_EFFECTS = (
    "seaborn",
    "mpl_toolkits",
    "pandas_profiling",
    "ydata_profiling",
    "swifter",
    "janitor",
    "hvplot",
    "pandas_ta",
    "cufflinks",
    "cudf",
    "tensorflow_text",
    "tensorflow_addons",
    "sklearn.experimental",
    "readline",
)
_WORD = re.compile(r"[A-Za-z_]\w*")
_SHELL = (SyntaxKind.SHELL, SyntaxKind.SHELL_CAPTURE)


def used_names(ctx: RuleContext) -> set[str]:
    """Every name read anywhere in the notebook, generously."""
    used: set[str] = set()
    strings: list[str] = []
    for parsed in ctx.parsed:
        if parsed.tree is None:  # not Python: any word may be a use
            used.update(_WORD.findall(parsed.cell.source))
            continue
        for node in ctx.nodes(parsed):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
                used.add(node.id)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.append(node.value)
        for fact in parsed.translation.syntax:
            if fact.kind in _SHELL:
                used.update(w for e in fact.expansions for w in _WORD.findall(e))
            elif fact.kind is SyntaxKind.CELL_MAGIC:
                used.update(_WORD.findall(fact.args + fact.text.partition("\n")[2]))
            elif fact.kind is SyntaxKind.AUTOCALL:
                used.update(_WORD.findall(f"{fact.name} {fact.args}"))
            else:
                used.update(_WORD.findall(fact.args))
    if {"eval", "exec", "globals", "locals", "vars"} & used:
        used.update(w for text in strings for w in _WORD.findall(text))
    return used
