"""Replace literals at known places: a secret becomes `secret("VARIABLE")`, which reads
the environment (config.py raises a clear error when it is unset)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


def replace_literals(
    module: cst.Module, replacements: dict[tuple[int, int], cst.BaseExpression]
) -> cst.Module:
    """`module` with the string literals starting at (line, column) replaced."""
    if not replacements:
        return module
    wrapper = MetadataWrapper(module)
    return wrapper.visit(_Replace(replacements))


class _Replace(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, replacements: dict[tuple[int, int], cst.BaseExpression]) -> None:
        super().__init__()
        self.replacements = replacements

    def leave_SimpleString(
        self, original: cst.SimpleString, updated: cst.SimpleString
    ) -> cst.BaseExpression:
        start = self.get_metadata(PositionProvider, original).start
        return self.replacements.get((start.line, start.column), updated)
