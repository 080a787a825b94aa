"""Black formatting of the generated Python files, each checked to compile.

Black is the slowest part of a conversion (it formats a changed file twice to be sure
the result is stable), and the files are independent: on a machine with a spare core
a forked child formats about half of them while this process formats the rest, as
black itself does for many files. Where fork is missing, or the files are few, or
the child fails, everything is formatted here; the result is the same either way.
"""

from __future__ import annotations

import gc
import json
import os

from nb2prod.collector import collection_paused

#: Below this many lines of Python a second process costs more than it saves.
PARALLEL_MIN_LINES = 250


class GeneratedCodeError(Exception):
    """Code nb2prod generated does not compile: a bug in nb2prod, not in the notebook."""


def format_file(path: str, text: str) -> str:
    """Black-format a Python file and make sure it compiles; other files as they are.
    A `%%writefile` script (under `data/`) is formatted when it is Python, else kept."""
    if not path.endswith(".py"):
        return text
    import black

    if path.startswith("data/"):
        try:
            return black.format_str(text, mode=black.Mode())
        except black.InvalidInput:
            return text
    try:
        formatted = _black(text)
        compile(formatted, path, "exec", dont_inherit=True)
    except (black.InvalidInput, SyntaxError) as error:
        raise GeneratedCodeError(f"{path}: {error}") from error
    return formatted


def _black(text: str) -> str:
    """`black.format_str`, its cyclic tree collected once after it rather than by the
    collector's passes during it (which walked the tree again and again: a fifth of
    the time of formatting a big module)."""
    import black

    with collection_paused():
        formatted = black.format_str(text, mode=black.Mode())
    gc.collect()
    return formatted


def format_files(files: dict[str, str], *, parallel: bool = True) -> dict[str, str]:
    """Every file of `files` through `format_file`, in the same order."""
    python = [path for path in files if path.endswith(".py")]
    lines = sum(files[path].count("\n") for path in python)
    if not (parallel and lines >= PARALLEL_MIN_LINES and _spare_core()):
        return {path: format_file(path, text) for path, text in files.items()}
    import black  # noqa: F401  (imported once, before the fork, for both processes)

    theirs, ours = _halves(python, files)
    child = _format_in_child(theirs, files)
    done = {path: format_file(path, files[path]) for path in ours}
    done.update(_collect(child, theirs, files))
    return {path: done.get(path, text) for path, text in files.items()}


def _spare_core() -> bool:
    if not hasattr(os, "fork"):
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:
        return (os.cpu_count() or 1) > 1


def _halves(paths: list[str], files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Two lists of paths with about the same number of lines (largest first)."""
    first: list[str] = []
    second: list[str] = []
    sizes = [0, 0]
    for path in sorted(paths, key=lambda p: -files[p].count("\n")):
        side = 0 if sizes[0] <= sizes[1] else 1
        (first, second)[side].append(path)
        sizes[side] += files[path].count("\n")
    return first, second


def _format_in_child(paths: list[str], files: dict[str, str]) -> tuple[int, int] | None:
    """Fork a child that formats `paths` and writes the results to a pipe; returns
    its process id and the pipe's reading end, or None when fork is refused."""
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the child: format, report, and leave without any clean-up
        status = 0
        try:
            os.close(read)
            results = {}
            for path in paths:
                try:
                    results[path] = ["ok", format_file(path, files[path])]
                except GeneratedCodeError as error:
                    results[path] = ["error", str(error)]
            with os.fdopen(write, "w", encoding="utf-8") as pipe:
                json.dump(results, pipe)
        except BaseException:  # the parent formats them instead
            status = 1
        finally:
            os._exit(status)
    os.close(write)
    return pid, read


def _collect(
    child: tuple[int, int] | None, paths: list[str], files: dict[str, str]
) -> dict[str, str]:
    """The child's results; whatever it did not deliver is formatted here."""
    results: dict[str, list[str]] = {}
    if child is not None:
        pid, read = child
        with os.fdopen(read, encoding="utf-8") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        try:
            results = json.loads(data) if data else {}
        except ValueError:
            results = {}
    formatted = {}
    for path in paths:
        outcome = results.get(path)
        if outcome is None:
            formatted[path] = format_file(path, files[path])
        elif outcome[0] == "error":
            raise GeneratedCodeError(outcome[1])
        else:
            formatted[path] = outcome[1]
    return formatted
