"""What counts as test code in a cell (NB210)."""

from __future__ import annotations

import ast
import re

from nb2prod.lint.context import RuleContext

#: Importing any of these (or a submodule) counts as testing.
_TESTING_MODULES = frozenset(
    {"pytest", "unittest", "doctest", "hypothesis", "ipytest", "nose", "testbook"}
)
_TESTING_SUBMODULES = ("pandas.testing", "numpy.testing", "torch.testing")
_TEST_WORDS = re.compile(r"\b(?:assert|pytest|unittest)\b|\bdef test_")


def has_tests(ctx: RuleContext, index: int) -> bool:
    """Whether the code cell at `index` holds test code."""
    facts, parsed = ctx.facts_of(index), ctx.parsed_cell(index)
    if parsed is None or parsed.tree is None or facts is None:
        return _TEST_WORDS.search(ctx.cells[index].source) is not None
    if any(fact.name == "ipytest" for fact in facts.ipython_syntax):
        return True
    if any(
        fact.module.split(".")[0] in _TESTING_MODULES
        or fact.module.startswith(_TESTING_SUBMODULES)
        or fact.name == "testing"
        for fact in facts.imports
    ):
        return True
    if any(f.name.startswith("test_") for f in facts.functions):
        return True
    return any(_checks(statement) for statement in parsed.tree.body)


def _checks(node: ast.AST) -> bool:
    """An `assert` outside functions that is not a version check."""
    if isinstance(node, ast.Assert):
        return "version" not in ast.unparse(node.test)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return False  # argument checks inside a function are not tests
    return any(_checks(child) for child in ast.iter_child_nodes(node))
