"""A rich progress bar for multi-file lint runs on a terminal (stderr)."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from nb2prod.lint.runner import FileResult


class ProgressBar:
    """Called with the number of files; returns the per-file callback."""

    def __call__(self, total: int) -> Callable[[FileResult], None]:
        progress = Progress(
            TextColumn("linting"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        task = progress.add_task("lint", total=total)
        progress.start()

        def advance(result: FileResult) -> None:
            progress.advance(task)
            if progress.finished:
                progress.stop()

        return advance
