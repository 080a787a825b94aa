"""`nb2prod lint --format github`: GitHub Actions workflow commands, one per finding.

The annotation points at the line of the .ipynb file that holds the flagged cell line;
the cell, line and column in the cell are in the message.
"""

from __future__ import annotations

from collections.abc import Sequence

from nb2prod.lint.rule import Finding


def render_findings_github(
    findings: Sequence[Finding], file_lines: dict[Finding, int]
) -> str:
    """One `::error` command per finding, at the .ipynb line that holds it."""
    return "".join(_command(f, file_lines.get(f, 1)) + "\n" for f in findings)


def _command(finding: Finding, file_line: int) -> str:
    where = f"line {finding.line}, column {finding.column + 1}"
    if finding.cell is not None:
        where = f"cell {finding.cell + 1}, {where}"
    properties = ",".join(
        f"{key}={_property(value)}"
        for key, value in (
            ("file", finding.path),
            ("line", str(file_line)),
            ("title", f"{finding.code} {finding.name}"),
        )
    )
    return (
        f"::error {properties}::{_data(f'{where}: {finding.code} {finding.message}')}"
    )


def _data(text: str) -> str:
    """Escape a message as the workflow-command syntax requires."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
