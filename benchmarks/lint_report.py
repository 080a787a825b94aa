"""Lint report: every rule on every corpus notebook, rates beside published ones.

    python -m benchmarks.lint_report [--corpus DIR] [--sample N] [--per-rule K]

Fails when a notebook crashes the linter. Prints, per rule, how many findings and what
share of notebooks have one, next to the rate LINT_RULES.md section 3 publishes where
there is one; `--sample N` prints N random findings (seeded) with their cell line, for
the precision hand-check; `--per-rule K` a stratified sample for the per-rule check: K
findings of each default rule (2K of a rule with more than 100), each rule drawn with
its own seed, so that fixing one rule leaves the other rules' samples as they were.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

from benchmarks.corpus import add_corpus_argument
from nb2prod.errors import Nb2ProdError
from nb2prod.lint.engine import lint_notebook
from nb2prod.lint.registry import RULES, rule_class
from nb2prod.reading.notebook import read_notebook
from nb2prod.settings import LintSettings

#: Published prevalence (share of notebooks), LINT_RULES.md section 3.
PUBLISHED = {
    "NB101": (
        0.36,
        "out of order, PIM19/PIM21 (executed notebooks with unique counters)",
    ),
    "NB102": (0.77, "execution-count skips incl. leading, PIM19/PIM21"),
    "NB104": (0.21, "unexecuted cells among executed, PIM19"),
    "NB203": (0.60, "empty cells, mostly trailing (ours skips the tail), PIM19"),
    "NB204": (0.45, "no function at all, PIM19 (ours: only above 60 lines)"),
    "NB801": (0.02, "Untitled names, PIM19"),
    "NB808": (0.31, "no markdown, PIM19"),
    "NB210": (0.98, "no tests, PIM19"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="nb2prod lint report")
    add_corpus_argument(parser)
    parser.add_argument("--sample", type=int, default=0, help="print N random findings")
    parser.add_argument(
        "--per-rule", type=int, default=0, help="print K findings of each default rule"
    )
    args = parser.parse_args(argv)
    folder = args.corpus / "notebooks"
    if not folder.is_dir():
        print(f"error: no corpus at {folder}", file=sys.stderr)
        return 2
    rules = [rule_class(code)() for code in RULES]
    findings, notebooks, crashes, rejected = Counter(), Counter(), [], 0
    everything = []
    paths = sorted(folder.glob("*.ipynb"))
    for path in paths:
        try:
            notebook = read_notebook(path)
        except Nb2ProdError:
            rejected += 1
            continue
        try:
            found = lint_notebook(notebook, rules, LintSettings())
        except Exception as error:
            crashes.append(f"{path.name}: {type(error).__name__}: {error}")
            continue
        everything += [(notebook, finding) for finding in found]
        for finding in found:
            findings[finding.code] += 1
        for code in {finding.code for finding in found}:
            notebooks[code] += 1
    read = len(paths) - rejected
    print(
        f"lint report: {read} notebooks, {len(RULES)} rules, {sum(findings.values())} findings"
    )
    print(
        f"{'rule':<7}{'name':<34}{'default':>8}{'findings':>10}{'notebooks':>11}  published"
    )
    for code in RULES:
        rule = rule_class(code)
        share = notebooks[code] / read if read else 0.0
        published = PUBLISHED.get(code)
        note = ""
        if published:
            ratio = share / published[0] if published[0] else 0.0
            note = f"{published[0]:.0%} ({published[1]}); ours/theirs {ratio:.1f}x"
        print(
            f"{code:<7}{rule.name:<34}{'on' if rule.default else 'off':>8}"
            f"{findings[code]:>10}{share:>10.1%}  {note}"
        )
    if args.sample:
        print(f"\n{args.sample} random findings (seed 7) for the precision check:")
        for notebook, finding in random.Random(7).sample(
            everything, min(args.sample, len(everything))
        ):
            print(_shown(notebook, finding))
    if args.per_rule:
        print(
            f"\nstratified sample, {args.per_rule} per default rule (seed {SEED}:CODE):"
        )
        for notebook, finding in stratified(everything, args.per_rule):
            print(_shown(notebook, finding))
    for crash in crashes:
        print(f"CRASH: {crash}")
    if crashes:
        print(
            f"FLOOR MISSED: {len(crashes)} notebooks crashed the linter (floor: none)"
        )
        return 1
    print("all lint floors met (no crash)")
    return 0


SEED = 2026


def stratified(everything: list, per_rule: int) -> list:  # type: ignore[type-arg]
    """`per_rule` findings of each default rule (twice as many above 100 findings),
    drawn with a seed of the rule's own, in report order."""
    by_code: dict[str, list] = {}  # type: ignore[type-arg]
    for item in everything:
        by_code.setdefault(item[1].code, []).append(item)
    sample = []
    for code in sorted(by_code):
        if not rule_class(code).default:
            continue
        found = by_code[code]
        size = min(per_rule * (2 if len(found) > 100 else 1), len(found))
        sample += random.Random(f"{SEED}:{code}").sample(found, size)
    return sample


def _shown(notebook, finding) -> str:  # type: ignore[no-untyped-def]
    """One line per finding: code, notebook, cell:line, message, the line's text."""
    line = ""
    if finding.cell is not None:
        lines = notebook.cells[finding.cell].source.splitlines()
        line = (
            lines[finding.line - 1].strip()[:90]
            if 0 < finding.line <= len(lines)
            else ""
        )
    return (
        f"- {finding.code} {Path(finding.path).name[:60]} cell {(finding.cell or -1) + 1}"
        f":{finding.line}: {finding.message[:80]} | {line}"
    )


if __name__ == "__main__":
    sys.exit(main())
