"""`nb2prod lint --format json`: one object per finding (documented in
docs/lint-json.md, schema in nb2prod/schemas/lint.schema.json)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from nb2prod.lint.rule import Finding


def render_findings_json(findings: Sequence[Finding]) -> str:
    """A JSON array of findings, in the order given."""
    return (
        json.dumps(
            [finding_document(f) for f in findings], indent=2, ensure_ascii=False
        )
        + "\n"
    )


def render_statistics_json(findings: Sequence[Finding]) -> str:
    """`--statistics --format json`: an object of finding counts per code, by code."""
    counts = Counter(finding.code for finding in findings)
    return json.dumps(dict(sorted(counts.items())), indent=2) + "\n"


def finding_document(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "url": finding.url,
        "filename": finding.path,
        "cell": finding.cell,
        "execution_count": finding.execution_count,
        "location": {"line": finding.line, "column": finding.column},
        "fix": (
            None
            if finding.fix is None
            else {
                "description": finding.fix.description,
                "cell": finding.fix.cell,
                "action": finding.fix.action,
                "source": finding.fix.source,
            }
        ),
    }
