"""`nb2prod lint --format sarif`: SARIF 2.1.0 for GitHub code scanning.

Each result points at the notebook file and, where the file's layout allows, at the
line of the `.ipynb` that holds the flagged cell line; the cell, line and column in
the cell are in the message and in `properties`. Rules carry their documentation.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nb2prod._version import __version__
from nb2prod.lint.registry import FAMILIES
from nb2prod.lint.rule import Finding, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_ERROR_FAMILIES = ("NB0", "NB7")  # cells that are not Python, and leaked secrets


def render_findings_sarif(
    findings: Sequence[Finding],
    rules: Sequence[type[Rule]],
    file_lines: dict[Finding, int],
) -> str:
    """A SARIF log with one run; `file_lines` maps findings to lines of the .ipynb file."""
    ordered = sorted(rules, key=lambda rule: rule.code)
    index = {rule.code: number for number, rule in enumerate(ordered)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "nb2prod",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/nb2prod/nb2prod",
                        "rules": [_rule(rule) for rule in ordered],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [
                    _result(
                        finding, index.get(finding.code), file_lines.get(finding, 1)
                    )
                    for finding in findings
                ],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _level(code: str) -> str:
    return "error" if code.startswith(_ERROR_FAMILIES) else "warning"


def _rule(rule: type[Rule]) -> dict[str, Any]:
    docs = rule.docs()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.summary()},
        "helpUri": f"https://github.com/nb2prod/nb2prod/blob/main/docs/rules/{rule.code}.md",
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": _level(rule.code), "enabled": rule.default},
        "properties": {"tags": ["notebook", FAMILIES[rule.family()]]},
    }


def _result(finding: Finding, rule_index: int | None, file_line: int) -> dict[str, Any]:
    where = f"line {finding.line}, column {finding.column + 1}"
    if finding.cell is not None:
        where = f"cell {finding.cell + 1}, {where}"
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _level(finding.code),
        "message": {"text": f"{where}: {finding.message}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path)},
                    "region": {"startLine": file_line},
                }
            }
        ],
        "partialFingerprints": {"nb2prodFinding/v1": _fingerprint(finding)},
        "properties": {
            "cell": finding.cell,
            "cellNumber": None if finding.cell is None else finding.cell + 1,
            "line": finding.line,
            "column": finding.column,
            "executionCount": finding.execution_count,
        },
    }
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    return result


def _uri(path: str) -> str:
    """A URI reference relative to the working directory (the repository root in CI),
    percent-encoded as RFC 3986 wants (spaces, `#`, `%`, non-ASCII as UTF-8); a path
    on another drive becomes an absolute `file:` URI."""
    from urllib.parse import quote

    try:
        relative = os.path.relpath(path) if os.path.isabs(path) else path
    except ValueError:  # Windows: no relative path between drives
        return Path(path).as_uri()
    return quote(Path(relative).as_posix(), safe="/")


def _fingerprint(finding: Finding) -> str:
    """Stable across runs while the finding stays in the same cell with the same text."""
    key = f"{finding.path}\0{finding.code}\0{finding.cell}\0{finding.message}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
