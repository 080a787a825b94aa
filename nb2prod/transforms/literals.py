"""Replace literals at known places: a secret becomes `secret("VARIABLE")`, which reads
the environment (config.py raises a clear error when it is unset)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


def replace_literals(
    module: cst.Module, replacements: dict[tuple[int, int], cst.BaseExpression]
) -> tuple[cst.Module, int]:
    """`module` with the string literals starting at (line, column) replaced, and how
    many were."""
    if not replacements:
        return module, 0
    replace = _Replace(replacements)
    return MetadataWrapper(module).visit(replace), replace.replaced


class _Replace(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, replacements: dict[tuple[int, int], cst.BaseExpression]) -> None:
        super().__init__()
        self.replacements = replacements
        self.replaced = 0

    def leave_SimpleString(
        self, original: cst.SimpleString, updated: cst.SimpleString
    ) -> cst.BaseExpression:
        start = self.get_metadata(PositionProvider, original).start
        replacement = self.replacements.get((start.line, start.column))
        if replacement is None:
            return updated
        self.replaced += 1
        return replacement
