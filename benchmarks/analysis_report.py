"""The analysis part of the corpus report: coverage, speed, smell rates, oracle agreement.

Used by `benchmarks.corpus`; kept apart so each module stays about one concern.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from benchmarks._timing import percentile
from benchmarks.oracle import libcst_names, symtable_globals
from nb2prod.analysis import NotebookFacts, analyze_parsed
from nb2prod.analysis.cells import ipython_bindings
from nb2prod.reading.parsing import ParsedCell

FLOOR_AGREEMENT = 0.97
CEILING_MEDIAN_MS = 50.0


@dataclass
class AnalysisStats:
    """What analysing the corpus measured."""

    notebooks: int = 0
    parsed_cells: int = 0
    analysed_cells: int = 0
    lines: int = 0
    seconds: list[float] = field(default_factory=list)
    oracle_seconds: list[float] = field(
        default_factory=list
    )  # libcst metadata, same cells
    with_smell: Counter[str] = field(default_factory=Counter)
    oracle_cells: int = 0
    defines_agree: int = 0
    reads_agree: int = 0
    functions: int = 0
    functions_agree: int = 0
    disagreements: list[str] = field(default_factory=list)

    def rate(self, smell: str) -> float:
        return self.with_smell[smell] / self.notebooks if self.notebooks else 0.0

    @property
    def agreement(self) -> tuple[float, float, float]:
        cells = self.oracle_cells or 1
        return (
            self.defines_agree / cells,
            self.reads_agree / cells,
            self.functions_agree / (self.functions or 1),
        )


def analyse(
    stats: AnalysisStats, name: str, parsed: tuple[ParsedCell, ...], oracle: bool
) -> None:
    """Analyse one notebook's parsed cells, timing it and counting what it shows."""
    start = time.perf_counter()
    facts = analyze_parsed(name, parsed)
    stats.seconds.append(time.perf_counter() - start)
    stats.notebooks += 1
    stats.parsed_cells += sum(cell.parsed for cell in parsed)
    stats.analysed_cells += sum(1 for cell in facts.cells if not cell.problems)
    stats.lines += sum(cell.cell.line_count for cell in parsed)
    for smell, present in _smells(facts).items():
        stats.with_smell[smell] += present
    if oracle:
        _compare_with_oracles(stats, name, parsed, facts)


def _smells(facts: NotebookFacts) -> dict[str, bool]:
    cells = facts.cells
    randomness = [fact for cell in cells for fact in cell.randomness]
    seeded = any(fact.kind == "seed" for fact in randomness)
    return {
        "functions reading notebook globals": bool(
            facts.dataflow.functions_reading_state
        ),
        "reads before definition": bool(facts.dataflow.undefined_before_use),
        "names never defined": bool(facts.dataflow.never_defined),
        "print calls": any(cell.prints for cell in cells),
        "unseeded randomness": any(
            fact.kind in ("unseeded_rng", "missing_random_state")
            or (fact.kind == "rng" and not seeded)
            for fact in randomness
        ),
        "absolute or user paths": any(
            literal.absolute for cell in cells for literal in cell.literals
        ),
        "secrets in code": any(cell.secrets for cell in cells),
        "no functions at all": not any(cell.functions for cell in cells),
    }


def _compare_with_oracles(
    stats: AnalysisStats,
    name: str,
    parsed: tuple[ParsedCell, ...],
    facts: NotebookFacts,
) -> None:
    spent = 0.0
    for cell, cell_facts in zip(parsed, facts.cells, strict=True):
        if not cell.parsed:
            continue
        python = cell.translation.python
        start = time.perf_counter()
        defines, reads = libcst_names(python)
        spent += time.perf_counter() - start
        stats.oracle_cells += 1
        # Names IPython syntax binds (`%%capture out`) are unknown to libcst.
        ipython_bound = set(ipython_bindings(cell.translation.syntax))
        if set(cell_facts.defines) - ipython_bound == defines - ipython_bound:
            stats.defines_agree += 1
        else:
            stats.disagreements.append(f"{name}: cell {cell.cell.index + 1}: defines")
        if set(cell_facts.reads) == reads:
            stats.reads_agree += 1
        else:
            stats.disagreements.append(f"{name}: cell {cell.cell.index + 1}: reads")
        try:
            expected = symtable_globals(python)
        except SyntaxError:  # top-level await: symtable refuses what IPython runs
            continue
        for function in cell_facts.functions:
            if function.name in expected:
                stats.functions += 1
                stats.functions_agree += (
                    set(function.globals_read) == expected[function.name]
                )
    stats.oracle_seconds.append(spent)


def floor_failures(stats: AnalysisStats) -> list[str]:
    """Analysis floors missed, as sentences."""
    failures = []
    if stats.analysed_cells != stats.parsed_cells:
        failures.append(
            f"facts for {stats.analysed_cells} of {stats.parsed_cells} parsed cells (floor: all)"
        )
    if stats.seconds:
        median_ms = statistics.median(stats.seconds) * 1000
        if median_ms > CEILING_MEDIAN_MS:
            failures.append(
                f"analysis median {median_ms:.1f} ms > {CEILING_MEDIAN_MS} ms"
            )
    if stats.oracle_cells:
        labels = ("defines", "reads", "function globals")
        for label, value in zip(labels, stats.agreement, strict=True):
            if value < FLOOR_AGREEMENT:
                failures.append(f"{label} agree with the oracle {value:.2%} < 97%")
    return failures


def render(stats: AnalysisStats, console: Console) -> None:
    """Print the analysis tables."""
    table = Table(title="analysis (cross-cell dataflow facts)", show_edge=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row(
        "parsed cells with facts", f"{stats.analysed_cells} of {stats.parsed_cells}"
    )
    if stats.seconds:
        median = statistics.median(stats.seconds) * 1000
        table.add_row("analysis per notebook, median", f"{median:.1f} ms")
        table.add_row(
            "analysis per notebook, p95",
            f"{percentile(stats.seconds, 0.95) * 1000:.1f} ms",
        )
        per_kloc = sum(stats.seconds) / max(stats.lines, 1) * 1000 * 1000
        table.add_row("analysis per 1,000 lines", f"{per_kloc:.1f} ms")
    if stats.oracle_seconds:
        libcst_median = statistics.median(stats.oracle_seconds) * 1000
        ratio = libcst_median / (statistics.median(stats.seconds) * 1000 or 1)
        table.add_row(
            "libcst parse + ScopeProvider, median (same cells)",
            f"{libcst_median:.1f} ms ({ratio:.0f}x)",
        )
    if stats.oracle_cells:
        defines, reads, functions = stats.agreement
        table.add_row("defines agree with libcst ScopeProvider", f"{defines:.2%}")
        table.add_row("reads agree with libcst ScopeProvider", f"{reads:.2%}")
        table.add_row(
            f"function globals agree with symtable ({stats.functions})",
            f"{functions:.2%}",
        )
    console.print(table)
    rates = Table(title="notebooks with ...", show_edge=False)
    rates.add_column("smell")
    rates.add_column("notebooks", justify="right")
    rates.add_column("rate", justify="right")
    for smell, count in sorted(stats.with_smell.items()):
        rates.add_row(smell, str(count), f"{stats.rate(smell):.1%}")
    console.print(rates)
