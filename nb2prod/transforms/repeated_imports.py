"""A step that imports again, inside an `if` or `try`, a module the notebook already
imported at the top of a cell drops the repeat.

In the notebook both bind the same module to the same global. In a step function the
nested `import torch` makes `torch` a local of the whole function, so the lines before
it read an unbound local (and the module-level import looks unused): the repeat is
what breaks the step, and removing it changes nothing the notebook did.
"""

from __future__ import annotations

import ast

import libcst as cst


def normalized(source: str) -> str | None:
    """An import statement's text with comments and spacing normalised (None: not
    one import statement)."""
    try:
        tree = ast.parse(source.strip())
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Import | ast.ImportFrom):
        return None
    return ast.unparse(tree.body[0])


class DropRepeatedImports(cst.CSTTransformer):
    """Remove nested imports equal to one of `hoisted` (normalised import lines)."""

    def __init__(self, hoisted: frozenset[str]) -> None:
        super().__init__()
        self.hoisted = hoisted
        self.depth = 0

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.depth += 1

    def leave_IndentedBlock(
        self, original: cst.IndentedBlock, updated: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        self.depth -= 1
        body = [s for s in updated.body if not self._repeated(s)]
        if len(body) == len(updated.body):
            return updated
        return updated.with_changes(
            body=body or [cst.SimpleStatementLine([cst.Pass()])]
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a function's own imports are its locals, as written

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def _repeated(self, statement: cst.BaseStatement) -> bool:
        if (
            not isinstance(statement, cst.SimpleStatementLine)
            or len(statement.body) != 1
        ):
            return False
        small = statement.body[0]
        if not isinstance(small, cst.Import | cst.ImportFrom):
            return False
        text = normalized(cst.Module(body=[statement]).code)
        return text is not None and text in self.hoisted
