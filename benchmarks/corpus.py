"""Corpus report: read and parse every notebook of the development corpus.

    python -m benchmarks.corpus [--corpus DIR] [--json FILE]

Prints what nb2prod makes of real notebooks written by other people (notebooks read,
cells parsed, IPython syntax by kind, problems by kind, time per notebook; analysis
speed, smell rates and agreement with libcst's ScopeProvider and CPython's symtable)
and exits 1 when a floor is not met:

- every notebook is read, or rejected with a clear one-line error (no crash);
- at least 99.5 % of code cells parse after the IPython syntax layer;
- the IPython translation turns back into the original source for 100 % of cells;
- libcst (used to rewrite code) parses every cell CPython parses;
- analysis facts exist for every parsed cell, take under 50 ms per notebook (median),
  and agree with the oracles on defines, reads and function globals for >= 97 % of
  cells (`--no-oracle` skips that check).

The corpus is `../shared/corpus` beside the repository unless `--corpus` or
`NB2PROD_CORPUS` says otherwise. The corpus is only read, never written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks import analysis_report
from benchmarks._timing import percentile
from nb2prod.errors import CellSyntaxError, Nb2ProdError
from nb2prod.reading.magics import restore_source
from nb2prod.reading.notebook import read_notebook
from nb2prod.reading.parsing import ParsedCell, cst_module, parse_notebook

FLOOR_PARSED = 0.995
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def add_corpus_argument(parser: argparse.ArgumentParser) -> None:
    """`--corpus DIR`, defaulting to $NB2PROD_CORPUS or ../shared/corpus."""
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("NB2PROD_CORPUS", DEFAULT_CORPUS)),
    )


@dataclass
class CorpusStats:
    """Everything the report counts; `crashes` are bugs in nb2prod."""

    notebooks: int = 0
    read: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    cells: int = 0
    code_cells: int = 0
    parsed: int = 0
    libcst_refused: list[str] = field(default_factory=list)
    round_trip_failures: list[str] = field(default_factory=list)
    syntax: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    problems: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)

    @property
    def parsed_rate(self) -> float:
        return self.parsed / self.code_cells if self.code_cells else 1.0

    @property
    def round_trip_rate(self) -> float:
        if not self.code_cells:
            return 1.0
        return 1 - len(self.round_trip_failures) / self.code_cells


def measure(
    notebooks: list[Path], analysis: analysis_report.AnalysisStats, oracle: bool
) -> CorpusStats:
    """Read, parse and analyse each notebook, counting everything the report shows."""
    stats = CorpusStats()
    for path in notebooks:
        stats.notebooks += 1
        start = time.perf_counter()
        try:
            notebook = read_notebook(path)
            parsed_cells = parse_notebook(notebook)
            stats.seconds.append(time.perf_counter() - start)
        except Nb2ProdError as error:
            stats.rejected[type(error).__name__ + ": " + error.message] += 1
            continue
        except Exception as error:  # a crash is what this report exists to catch
            stats.crashes.append(f"{path.name}: {type(error).__name__}: {error}")
            continue
        stats.read += 1
        stats.cells += len(notebook.cells)
        try:
            analysis_report.analyse(analysis, path.name, parsed_cells, oracle)
        except Exception as error:
            stats.crashes.append(
                f"{path.name}: analysis: {type(error).__name__}: {error}"
            )
        for parsed in parsed_cells:
            stats.code_cells += 1
            stats.parsed += parsed.parsed
            if parsed.parsed and not _libcst_parses(parsed):
                stats.libcst_refused.append(
                    f"{path.name}: cell {parsed.cell.index + 1}"
                )
            if parsed.problem is not None:
                stats.problems[_problem_kind(parsed.problem.message)] += 1
            translation = parsed.translation
            if (
                restore_source(translation.python, translation.syntax)
                != parsed.cell.source
            ):
                stats.round_trip_failures.append(
                    f"{path.name}: cell {parsed.cell.index + 1}"
                )
            for fact in translation.syntax:
                stats.syntax[fact.kind.value] += 1
                stats.names[f"{fact.escape}{fact.name}"] += 1
    return stats


def _libcst_parses(parsed: ParsedCell) -> bool:
    """Whether libcst (which `convert` rewrites code with) accepts what CPython accepted."""
    try:
        cst_module(parsed, "corpus")
    except CellSyntaxError:
        return False
    return True


def _problem_kind(message: str) -> str:
    if message.startswith("Missing parentheses in call to 'print'"):
        return "Python 2 print statement"
    return message


def floor_failures(stats: CorpusStats) -> list[str]:
    """The floors this corpus run misses, as sentences."""
    failures = []
    if stats.crashes:
        failures.append(f"{len(stats.crashes)} notebooks crashed nb2prod (floor: 0)")
    if stats.parsed_rate < FLOOR_PARSED:
        failures.append(
            f"code cells parsed {stats.parsed_rate:.2%} < {FLOOR_PARSED:.1%}"
        )
    if stats.libcst_refused:
        failures.append(
            f"{len(stats.libcst_refused)} parsed cells are refused by libcst (floor: 0)"
        )
    if stats.round_trip_failures:
        failures.append(
            f"{len(stats.round_trip_failures)} cells do not round-trip (floor: 0)"
        )
    return failures


def render(stats: CorpusStats, console: Console) -> None:
    """Print the report tables."""
    table = Table(title="nb2prod corpus report: reading and parsing", show_edge=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("notebooks", str(stats.notebooks))
    table.add_row("read", str(stats.read))
    table.add_row("rejected with a clear error", str(sum(stats.rejected.values())))
    table.add_row("crashed (bugs)", str(len(stats.crashes)))
    table.add_row("cells", str(stats.cells))
    table.add_row("code cells", str(stats.code_cells))
    table.add_row("code cells parsed", f"{stats.parsed} ({stats.parsed_rate:.2%})")
    table.add_row("parsed cells libcst refuses", str(len(stats.libcst_refused)))
    table.add_row("round-trip exact", f"{stats.round_trip_rate:.2%}")
    if stats.seconds:
        table.add_row(
            "time per notebook, median", f"{statistics.median(stats.seconds):.4f} s"
        )
        table.add_row(
            "time per notebook, p95", f"{percentile(stats.seconds, 0.95):.4f} s"
        )
        table.add_row("time, all notebooks", f"{sum(stats.seconds):.2f} s")
    console.print(table)
    for title, counter in (
        ("IPython syntax by kind", stats.syntax),
        ("most common IPython syntax", Counter(dict(stats.names.most_common(15)))),
        ("problems by kind", stats.problems),
        ("rejected notebooks", stats.rejected),
    ):
        if counter:
            detail = Table(title=title, show_edge=False)
            detail.add_column("what")
            detail.add_column("count", justify="right")
            for what, count in counter.most_common():
                detail.add_row(what, str(count))
            console.print(detail)
    for line in stats.crashes + stats.round_trip_failures + stats.libcst_refused:
        console.print(f"[red]{line}[/red]")


def main(argv: list[str] | None = None) -> int:
    """Run the report; return 1 when a floor is missed, 2 when there is no corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_argument(parser)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--no-oracle",
        action="store_true",
        help="skip the libcst/symtable cross-check (~40 s)",
    )
    args = parser.parse_args(argv)
    folder = args.corpus / "notebooks"
    if not folder.is_dir():
        print(f"error: no corpus at {folder}", file=sys.stderr)
        return 2
    analysis = analysis_report.AnalysisStats()
    stats = measure(sorted(folder.glob("*.ipynb")), analysis, oracle=not args.no_oracle)
    console = Console(width=120)
    render(stats, console)
    analysis_report.render(analysis, console)
    if args.json:
        figures = asdict(stats) | {
            "parsed_rate": stats.parsed_rate,
            "round_trip_rate": stats.round_trip_rate,
            "analysis": asdict(analysis) | {"agreement": analysis.agreement},
        }
        args.json.write_text(json.dumps(figures, indent=2, default=list) + "\n")
    failures = floor_failures(stats) + analysis_report.floor_failures(analysis)
    for failure in failures:
        console.print(f"[bold red]FLOOR MISSED:[/bold red] {failure}")
    if not failures:
        console.print("[green]all floors met[/green]")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
