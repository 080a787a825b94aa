"""`nb2prod verify` reports: a rich table for people, JSON (version 1) for tools."""

from __future__ import annotations

import json

from nb2prod.reporters.console import text_console
from nb2prod.verify import VerifyReport

_STYLES = {
    "equal": "green",
    "close": "green",
    "different": "bold red",
    "not comparable": "yellow",
}


def render_verify_json(report: VerifyReport) -> str:
    document = {
        "version": 1,
        "notebook": report.notebook,
        "package": report.package,
        "summary": report.counts(),
        "different": report.different,
        "notes": list(report.notes),
        "rows": [row._asdict() for row in report.rows],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_verify_text(report: VerifyReport, *, color: bool, width: int) -> str:
    from rich.table import Table

    console = text_console(color, width)
    table = Table(title=f"{report.notebook} vs package {report.package}")
    for column in ("step", "name", "result", "detail"):
        table.add_column(column, overflow="fold")
    for row in report.rows:
        table.add_row(
            row.step, row.name, f"[{_STYLES[row.status]}]{row.status}[/]", row.detail
        )
    console.print(table)
    for note in report.notes:
        console.print(f"note: {note}", soft_wrap=True)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts().items()))
    verdict = "DIFFERENT" if report.different else "same results"
    console.print(f"{verdict}: {counts}", soft_wrap=True)
    return console.file.getvalue()  # type: ignore[attr-defined]
