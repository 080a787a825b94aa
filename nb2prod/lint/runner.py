"""Lint many notebooks: discovery, per-file rule selection, cache, and a process pool.

Each file's result is data: its findings, or the one-line error that made it
unreadable. Nothing here prints; the CLI renders results and shows progress.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from nb2prod.errors import Nb2ProdError
from nb2prod.lint.cache import CACHE_DIR, FindingsCache
from nb2prod.lint.excerpts import Excerpt
from nb2prod.lint.rule import Finding
from nb2prod.reading.notebook import notebook_from_bytes, read_notebook_bytes
from nb2prod.settings import LintSettings

# The engine, the analysis and the rules are imported only when a file is not in the
# cache, and the process pool only for many files: a warm run stays a fast one.

#: Below this many files to analyse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 8


class FileResult(NamedTuple):
    """What linting one file gave: findings, or the error that stopped it."""

    path: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    cached: bool = False
    digest: str | None = None  # sha256 of the bytes linted (what `--fix` may replace)
    excerpts: tuple[Excerpt, ...] = ()  # what the text report shows the findings with


def lint_files(
    paths: Sequence[str],
    codes: Sequence[str],
    settings: LintSettings,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    progress: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Lint each path with the rules `codes` names (minus its per-file ignores)."""
    cache = FindingsCache(
        Path(settings.root) / CACHE_DIR, repr((sorted(codes), settings.fingerprint()))
    )
    results: dict[str, FileResult] = {}
    digests: dict[str, str] = {}
    pending: list[tuple[str, tuple[str, ...], bytes, str | None]] = []
    for path in paths:
        file_codes = codes_for(path, codes, settings)
        try:
            content = read_notebook_bytes(path)
        except Nb2ProdError as error:
            results[path] = FileResult(path, error=error.error_line())
            continue
        digests[path] = hashlib.sha256(content).hexdigest()
        key = cache.key(path, content) if use_cache else None
        cached = cache.get(key) if key else None
        if cached is not None:
            findings, excerpts = cached
            results[path] = FileResult(path, findings, cached=True, excerpts=excerpts)
        else:
            pending.append((path, file_codes, content, key))
    if progress:
        for result in results.values():
            progress(result)
    for result, key in _run(pending, settings, jobs, progress):
        results[result.path] = result
        if key and result.error is None:
            cache.put(key, result.findings, result.excerpts)
    return [
        results[path]._replace(digest=digests.get(path))
        for path in paths
        if path in results
    ]


def codes_for(
    path: str, codes: Sequence[str], settings: LintSettings
) -> tuple[str, ...]:
    """The selected codes minus those `per-file-ignores` drops for `path`."""
    if not settings.per_file_ignores:
        return tuple(codes)
    import pathspec

    ignored: list[str] = []
    relative = _relative(path, settings.root)
    for pattern, entries in settings.per_file_ignores:
        if pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(relative):
            ignored.extend(entry.upper() for entry in entries)
    return tuple(code for code in codes if not any(code.startswith(i) for i in ignored))


def _relative(path: str, root: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _run(
    pending: list[tuple[str, tuple[str, ...], bytes, str | None]],
    settings: LintSettings,
    jobs: int | None,
    progress: Callable[[FileResult], None] | None,
) -> list[tuple[FileResult, str | None]]:
    workers = min(jobs or os.cpu_count() or 1, len(pending))
    tasks = [
        (path, file_codes, content, settings)
        for path, file_codes, content, _ in pending
    ]
    keys = [key for *_, key in pending]
    done = []
    if workers > 1 and len(pending) >= PARALLEL_THRESHOLD:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for result, key in zip(
                pool.map(_lint_one, tasks, chunksize=4), keys, strict=True
            ):
                done.append((result, key))
                if progress:
                    progress(result)
    else:
        for task, key in zip(tasks, keys, strict=True):
            result = _lint_one(task)
            done.append((result, key))
            if progress:
                progress(result)
    return done


def _lint_one(task: tuple[str, tuple[str, ...], bytes, LintSettings]) -> FileResult:
    """Lint one file's bytes (runs in a worker process on multi-file runs)."""
    from nb2prod.lint.engine import check_notebook
    from nb2prod.lint.registry import rule_class

    path, codes, content, settings = task
    try:
        notebook = notebook_from_bytes(content, path)
    except Nb2ProdError as error:
        return FileResult(path, error=error.error_line())
    rules = [rule_class(code)() for code in codes]
    try:
        checked = check_notebook(notebook, rules, settings)
        return FileResult(path, tuple(checked.findings), excerpts=checked.excerpts)
    except Exception as error:  # one notebook hitting a bug must not lose the others
        return FileResult(
            path,
            error=f"error: {path}: internal error in nb2prod ({type(error).__name__}: "
            f"{error}); please report it at https://github.com/nb2prod/nb2prod/issues",
        )
