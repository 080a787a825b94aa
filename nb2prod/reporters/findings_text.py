"""`nb2prod lint` for people: findings grouped by notebook, with the cell source around
each one (rich), then a summary line."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nb2prod.lint.rule import Finding


def render_findings_text(
    findings: Sequence[Finding],
    sources: dict[tuple[str, int], str],
    *,
    color: bool,
    width: int,
    files: int,
) -> str:
    """Findings as text. `sources` maps (path, cell) to the cell's source for excerpts."""
    console = _console(color, width)
    current = None
    for finding in findings:
        if finding.path != current:
            if current is not None:
                console.print()
            console.print(Text(finding.path, style="bold underline"), soft_wrap=True)
            current = finding.path
        console.print(_headline(finding), soft_wrap=True)
        if finding.cell is not None and (finding.path, finding.cell) in sources:
            console.print(
                _excerpt(sources[(finding.path, finding.cell)], finding), soft_wrap=True
            )
    if findings:
        console.print()
    console.print(_summary(findings, files), soft_wrap=True)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def render_statistics(findings: Sequence[Finding], *, color: bool, width: int) -> str:
    """Counts per rule, most frequent first."""
    console = _console(color, width)
    counts = Counter((finding.code, finding.name) for finding in findings)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column, justify in (("count", "right"), ("code", "left"), ("name", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for (code, name), count in sorted(
        counts.items(), key=lambda item: (-item[1], item[0])
    ):
        table.add_row(str(count), code, name)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def _console(color: bool, width: int) -> Console:
    return Console(
        file=io.StringIO(),
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )


def location(finding: Finding) -> str:
    """`path:cell 3:2:5` (cell numbers, lines and columns from 1), as ruff prints them."""
    if finding.cell is None:
        return f"{finding.path}:{finding.line}:{finding.column + 1}"
    return f"{finding.path}:cell {finding.cell + 1}:{finding.line}:{finding.column + 1}"


def _headline(finding: Finding) -> Text:
    text = Text(location(finding), style="bold")
    text.append(": ")
    text.append(finding.code, style="bold red")
    text.append(f" {finding.message}")
    if finding.execution_count is not None:
        text.append(f"  [{finding.execution_count}]", style="dim")
    return text


def _excerpt(source: str, finding: Finding) -> Text:
    """The flagged line with one line of context on each side and a caret."""
    lines = source.splitlines() or [""]
    index = min(max(finding.line - 1, 0), len(lines) - 1)
    text = Text()
    for number in range(max(index - 1, 0), min(index + 2, len(lines))):
        text.append(f"  {number + 1:>4} | ", style="dim")
        text.append(lines[number] + "\n", style="" if number == index else "dim")
        if number == index:
            text.append("       | " + " " * finding.column + "^\n", style="bold red")
    return text


def _summary(findings: Sequence[Finding], files: int) -> Text:
    notebooks = "notebook" if files == 1 else "notebooks"
    if not findings:
        return Text(f"All checks passed! ({files} {notebooks})", style="green")
    affected = len({finding.path for finding in findings})
    count = len(findings)
    return Text(
        f"Found {count} finding{'s' if count != 1 else ''} in {affected} of {files} {notebooks}.",
        style="bold",
    )
