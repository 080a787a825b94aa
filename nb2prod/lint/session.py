"""One `nb2prod lint` run as a pure-ish core call: request in, report out.

Reads settings and notebooks, applies command-line options over `[tool.nb2prod]`, and
returns everything reporters need. The CLI only renders. Notebooks are written only by
`fix_notebooks`, for `--fix`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from nb2prod.lint.excerpts import Excerpt
from nb2prod.lint.files import discover
from nb2prod.lint.registry import rule_class, select_codes
from nb2prod.lint.rule import Finding, Rule
from nb2prod.lint.runner import FileResult, lint_files
from nb2prod.reading.positions import IpynbLines
from nb2prod.settings import LintSettings, load_lint_settings


@dataclass(frozen=True)
class LintRequest:
    """What the user asked for on the command line."""

    paths: tuple[str, ...] = (".",)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    use_cache: bool = True
    jobs: int | None = None
    config: str | None = None


@dataclass(frozen=True)
class LintReport:
    """Findings of a run, the files covered, and one error line per unreadable file."""

    files: tuple[str, ...]
    findings: tuple[Finding, ...]
    errors: tuple[str, ...]
    codes: tuple[str, ...]
    settings: LintSettings = field(compare=False)
    digests: tuple[tuple[str, str], ...] = ()  # (path, sha256 of the bytes linted)
    excerpts: tuple[Excerpt, ...] = ()  # of the findings, secrets redacted

    @property
    def rules(self) -> tuple[type[Rule], ...]:
        """The rule classes that ran (imported only when a reporter needs their docs)."""
        return tuple(rule_class(code) for code in self.codes)

    def file_lines(self) -> dict[Finding, int]:
        """The line of the .ipynb file each finding points at (for annotations)."""
        lines: dict[Finding, int] = {}
        texts: dict[str, IpynbLines] = {}
        for finding in self.findings:
            if finding.path not in texts:
                try:
                    text = Path(finding.path).read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    text = ""
                texts[finding.path] = IpynbLines(text)
            cell = finding.cell
            lines[finding] = (
                1 if cell is None else texts[finding.path].line(cell, finding.line)
            )
        return lines


def run_lint(
    request: LintRequest,
    progress: Callable[[int], Callable[[FileResult], None]] | None = None,
) -> LintReport:
    """Lint what `request` names; `progress(total)` returns a per-file callback."""
    config = Path(request.config) if request.config else None
    settings = load_lint_settings(Path.cwd(), config)
    settings = replace(
        settings,
        select=request.select or settings.select,
        ignore=settings.ignore + request.ignore,
        extend_select=settings.extend_select + request.extend_select,
    )
    codes = select_codes(settings.select, settings.ignore, settings.extend_select)
    files = discover(
        list(request.paths), settings.root, settings.exclude + settings.extend_exclude
    )
    callback = progress(len(files)) if progress is not None and len(files) > 1 else None
    results = lint_files(
        files,
        codes,
        settings,
        use_cache=request.use_cache,
        jobs=request.jobs,
        progress=callback,
    )
    return LintReport(
        files=tuple(files),
        findings=tuple(
            sorted(
                (f for result in results for f in result.findings), key=Finding.sort_key
            )
        ),
        errors=tuple(result.error for result in results if result.error),
        codes=tuple(codes),
        settings=settings,
        digests=tuple((r.path, r.digest) for r in results if r.digest is not None),
        excerpts=tuple(excerpt for result in results for excerpt in result.excerpts),
    )


@dataclass(frozen=True)
class FixOutcome:
    """What `--fix` or `--diff` did: per notebook changed, its diff (for --diff) and
    how many findings the change removes; notebooks left alone because they changed."""

    diffs: tuple[str, ...]
    fixed: tuple[tuple[str, int], ...]
    skipped: tuple[str, ...]


def fix_notebooks(report: LintReport, *, write: bool) -> FixOutcome:
    """Apply the safe fixes of `report` (write=True), or only describe them as diffs.
    A notebook whose bytes differ from those linted is never touched."""
    from nb2prod.lint.fixes import (
        digest,
        fixed_content,
        replace_if_unchanged,
        unified_diff,
    )

    linted = dict(report.digests)
    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        if finding.fix is not None:
            by_path.setdefault(finding.path, []).append(finding)
    diffs, fixed, skipped = [], [], []
    for path, findings in by_path.items():
        try:
            before = Path(path).read_bytes()
        except OSError:
            skipped.append(path)
            continue
        if digest(before) != linted.get(path):
            skipped.append(path)
            continue
        after = fixed_content(before, [f.fix for f in findings if f.fix is not None])
        if after == before:
            continue
        if write and not replace_if_unchanged(path, before, after):
            skipped.append(path)
            continue
        if not write:
            diffs.append(unified_diff(path, before, after))
        fixed.append((path, len(findings)))
    return FixOutcome(tuple(diffs), tuple(fixed), tuple(skipped))
