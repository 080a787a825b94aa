"""`nb2prod lint` for people: findings grouped by notebook, with the cell source around
each one, then a summary line; `--statistics` as a rich table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import ClassVar

from nb2prod.lint.excerpts import Excerpt
from nb2prod.lint.rule import Finding
from nb2prod.reporters.console import text_console


def render_findings_text(
    findings: Sequence[Finding],
    excerpts: Iterable[Excerpt],
    *,
    color: bool,
    width: int,
    files: int,
    unreadable: int = 0,
) -> str:
    """Findings as text, each with its excerpt (made by the lint run, redacted);
    `unreadable` files are counted in `files` (their errors go to stderr).

    Written with plain ANSI codes rather than rich: this report is what the pre-commit
    hook prints on every commit, and importing rich would double the hook's start-up.
    `width` is accepted for symmetry with the other reports; lines are never wrapped."""
    paint = _Paint(color)
    out: list[str] = []
    current = None
    shown: dict[tuple[str, int | None, int], Excerpt] = {
        (e.path, e.cell, e.line): e for e in excerpts
    }
    for finding in findings:
        if finding.path != current:
            if current is not None:
                out.append("")
            out.append(paint(finding.path, "bold", "underline"))
            current = finding.path
        out.append(_headline(finding, paint))
        excerpt = shown.get((finding.path, finding.cell, finding.line))
        if excerpt is not None:
            out.extend(_excerpt(excerpt, finding.column, paint))
    if findings:
        out.append("")
    out.append(_summary(findings, files, unreadable, paint))
    return "\n".join(out) + "\n"


class _Paint:
    """ANSI styles (the 8 standard colours rich's "standard" system uses), or none."""

    _CODES: ClassVar[dict[str, str]] = {
        "bold": "1",
        "dim": "2",
        "underline": "4",
        "red": "31",
        "green": "32",
    }

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles or not text:
            return text
        codes = ";".join(self._CODES[style] for style in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def render_statistics(findings: Sequence[Finding], *, color: bool, width: int) -> str:
    """Counts per rule, most frequent first."""
    from rich.table import Table

    console = text_console(color, width)
    counts = Counter((finding.code, finding.name) for finding in findings)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column, justify in (("count", "right"), ("code", "left"), ("name", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for (code, name), count in sorted(
        counts.items(), key=lambda item: (-item[1], item[0])
    ):
        table.add_row(str(count), code, name)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


def location(finding: Finding) -> str:
    """`path:cell 3:2:5` (cell numbers, lines and columns from 1), as ruff prints them."""
    if finding.cell is None:
        return f"{finding.path}:{finding.line}:{finding.column + 1}"
    return f"{finding.path}:cell {finding.cell + 1}:{finding.line}:{finding.column + 1}"


def _headline(finding: Finding, paint: _Paint) -> str:
    text = f"{paint(location(finding), 'bold')}: {paint(finding.code, 'bold', 'red')}"
    text += f" {finding.message}"
    if finding.execution_count is not None:
        text += "  " + paint(f"[{finding.execution_count}]", "dim")
    return text


def _excerpt(excerpt: Excerpt, column: int, paint: _Paint) -> list[str]:
    """The excerpt's lines, numbered, the flagged one with a caret under `column`."""
    out = []
    for number, line in enumerate(excerpt.lines, start=excerpt.first):
        gutter = paint(f"  {number:>4} | ", "dim")
        if number == excerpt.flagged:
            out.append(gutter + line)
            out.append(paint("       | " + " " * column + "^", "bold", "red"))
        else:
            out.append(gutter + paint(line, "dim"))
    return out


def _summary(
    findings: Sequence[Finding], files: int, unreadable: int, paint: _Paint
) -> str:
    """One line; it never claims success for a file that could not be read."""
    if not findings and not unreadable:
        return paint(f"All checks passed! ({_notebooks(files)})", "green")
    parts = []
    if findings:
        affected = len({finding.path for finding in findings})
        count = len(findings)
        parts.append(
            f"Found {count} finding{'s' if count != 1 else ''} in {affected} of "
            + _notebooks(files)
        )
    if unreadable:
        parts.append(f"{_notebooks(unreadable)} could not be read")
    return paint("; ".join(parts) + ".", "bold")


def _notebooks(count: int) -> str:
    return f"{count} notebook{'s' if count != 1 else ''}"
