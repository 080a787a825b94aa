"""`nb2prod inspect` for people: a rich table of cells, rendered to a string."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nb2prod.inspection import CellInspection, Inspection
from nb2prod.reading.magics import IPythonSyntax, SyntaxKind

_SOURCE_WIDTH = 48


def render_inspection_text(inspection: Inspection, *, color: bool, width: int) -> str:
    """The inspection as a titled table plus a summary line, `width` columns wide."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        soft_wrap=False,
    )
    console.print(_redacted(_header(inspection), inspection), soft_wrap=True)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("cell", justify="right")
    table.add_column("kind")
    table.add_column("in", justify="right")
    table.add_column("lines", justify="right")
    table.add_column("IPython syntax")
    table.add_column("parse")
    table.add_column(
        "source", overflow="ellipsis", no_wrap=True, max_width=_SOURCE_WIDTH
    )
    for item in inspection.cells:
        table.add_row(*(_redacted(text, inspection) for text in _row(item)))
    console.print(table)
    console.print(_summary(inspection), soft_wrap=True)
    for line in _dataflow_lines(inspection):
        console.print(line, soft_wrap=True)
    return buffer.getvalue()


def _redacted(text: Text, inspection: Inspection) -> Text:
    """`text` without the notebook's secrets; redacted before the table shortens it,
    since a cut secret no longer looks like one."""
    plain = inspection.redact(text.plain)
    return text if plain == text.plain else Text(plain, style=text.style)


def _header(inspection: Inspection) -> Text:
    notebook = inspection.notebook
    kernel = notebook.kernel.display_name or notebook.kernel.name or "unknown kernel"
    version = f", Python {notebook.python_version}" if notebook.python_version else ""
    upgraded = (
        f" (upgraded from {notebook.upgraded_from})" if notebook.upgraded_from else ""
    )
    header = Text(notebook.path, style="bold")
    header.append(
        f"  nbformat {notebook.nbformat}.{notebook.nbformat_minor}{upgraded}, {kernel}{version}",
        style="dim",
    )
    return header


def _row(item: CellInspection) -> tuple[Text, ...]:
    cell = item.cell
    count = "" if cell.execution_count is None else str(cell.execution_count)
    kind = (
        cell.kind.value if cell.original_type is None else f"raw ({cell.original_type})"
    )
    syntax = Text("")
    parse = Text("")
    if item.parsed is not None:
        syntax = Text(
            ", ".join(_describe(fact) for fact in item.parsed.translation.syntax)
        )
        problem = item.parsed.problem
        if problem is None:
            parse = Text("ok", style="green")
        else:
            parse = Text(
                f"line {problem.line}, col {problem.column + 1}: {problem.message}",
                style="red",
            )
    first_line = next(
        (line.strip() for line in cell.source.splitlines() if line.strip()), ""
    )
    return (
        Text(str(cell.index + 1)),
        Text(kind, style="dim" if item.parsed is None else ""),
        Text(count),
        Text(str(cell.line_count)),
        syntax,
        parse,
        Text(first_line, style="dim"),
    )


def _describe(fact: IPythonSyntax) -> str:
    """Short form of a fact as users typed it: `%matplotlib`, `!pip`, `%%bash`, `df?`."""
    if fact.kind is SyntaxKind.HELP:
        return f"{fact.args}{fact.escape}"
    if fact.kind is SyntaxKind.TOP_LEVEL_AWAIT:
        return f"top-level {fact.name}"
    if fact.kind is SyntaxKind.AUTOMAGIC:
        return f"{fact.name} (automagic)"
    assigned = f"{fact.target} = " if fact.target else ""
    return f"{assigned}{fact.escape}{fact.name}"


def _summary(inspection: Inspection) -> Text:
    kinds = inspection.kind_counts()
    code = kinds["code"]
    problems = len(inspection.problems)
    summary = Text(
        f"{len(inspection.cells)} cells ({code} code, {kinds['markdown']} markdown, "
        f"{kinds['raw']} raw); {code - problems} of {code} code cells parse"
    )
    syntax = inspection.syntax_counts()
    if syntax:
        summary.append("; IPython syntax: ")
        summary.append(", ".join(f"{count} {kind}" for kind, count in syntax.items()))
    if problems:
        summary.append(f"; {problems} with syntax errors", style="bold red")
    return summary


def _dataflow_lines(inspection: Inspection) -> list[Text]:
    """What Restart & Run All would trip on, and functions that read notebook state."""
    dataflow = inspection.facts.dataflow
    lines = [
        Text(
            f"cell {use.cell + 1} needs `{use.name}` before cell "
            f"{', '.join(str(i + 1) for i in use.defined_in)} defines it",
            style="yellow",
        )
        for use in dataflow.undefined_before_use
    ]
    lines += [
        Text(
            f"cell {use.cell + 1} needs `{use.name}`, which no cell defines",
            style="yellow",
        )
        for use in dataflow.never_defined
    ]
    lines += [
        Text(
            f"function `{read.function}` (cell {read.cell + 1}) reads notebook variables: "
            + ", ".join(read.names)
        )
        for read in dataflow.functions_reading_state
    ]
    return lines
