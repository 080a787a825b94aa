"""Redact secrets in comments: a credential the notebook kept in a `#` comment is not
copied into the package's modules (the rest of the comment is)."""

from __future__ import annotations

import libcst as cst

from nb2prod.analysis.secrets import Redactor


class RedactComments(cst.CSTTransformer):
    """Every comment with its secrets replaced by their redacted previews."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def leave_Comment(self, original: cst.Comment, updated: cst.Comment) -> cst.Comment:
        value = self.redact(updated.value)
        return updated if value == updated.value else updated.with_changes(value=value)
