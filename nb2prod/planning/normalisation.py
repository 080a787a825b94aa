"""Normalisation: rewrites of the notebook's cells that make it plannable, run in order
before the one parse and analysis the plan is built from.

Each rewrite reads the cells as they are after the ones before it (parsed, with their
facts) and gives the rewritten notebook, or None when it has nothing to change; only a
rewrite that changed something costs a parse and an analysis. The order matters: an
unread credential goes first (nothing after it should see it), `_` is bound before
functions are versioned, a builtin separated from a star import
before late defaults read the names, metrics and the final result bound before the
inline settings are named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from nb2prod.analysis import analyze_parsed
from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.plan import Warning
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell, parse_notebook


class Rewritten(NamedTuple):
    """What one rewrite changed: the notebook, and what the plan must know of it."""

    notebook: Notebook
    warnings: tuple[Warning, ...] = ()
    result: str | None = None  # the name now holding the value the notebook ends on


Cells = tuple[ParsedCell, ...]
#: A rewrite: the cells as they stand (notebook, parsed cells, facts) -> its change.
Rewrite = Callable[[Notebook, Cells, NotebookFacts], "Rewritten | None"]


class Normalised(NamedTuple):
    """The notebook after every rewrite, parsed and analysed once more at most."""

    notebook: Notebook
    parsed: Cells
    facts: NotebookFacts
    warnings: tuple[Warning, ...]
    result: str | None
    applied: tuple[str, ...]  # the names of the rewrites that changed something


def _unread_secrets(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """`API_KEY = "sk-..."` and nothing reads `API_KEY`: the binding is left out."""
    from nb2prod.planning.unread_secrets import drop_unread_secrets

    dropped = drop_unread_secrets(notebook, parsed, facts)
    return Rewritten(dropped.notebook, dropped.warnings) if dropped else None


def _last_results(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """A cell reads `_`, IPython's last displayed value: bind it."""
    from nb2prod.planning.last_result import bind_last_results

    rebound = bind_last_results(notebook, parsed, facts)
    return Rewritten(rebound) if rebound is not None else None


def _function_versions(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """A function redefined with different code: each version its own name."""
    from nb2prod.planning.function_versions import version_functions, version_warnings

    versions = version_functions(notebook, parsed)
    if versions is None:
        return None
    return Rewritten(versions.notebook, version_warnings(versions))


def _shadowed_builtins(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """`sum` read before `from numpy import *` and after it: two names."""
    from nb2prod.planning.star_imports import separate_shadowed_builtins

    separated = separate_shadowed_builtins(notebook, parsed, facts)
    return Rewritten(separated) if separated is not None else None


def _late_defaults(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """`def f(url=URL)`: a default that reads notebook state is read when called."""
    from nb2prod.planning.late_defaults import late_defaults

    defaults = late_defaults(notebook, parsed, facts)
    if defaults is None:
        return None
    return Rewritten(defaults.notebook, defaults.warnings)


def _metrics(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """`print(roc_auc_score(...))`: a metric bound to a variable the package keeps."""
    from nb2prod.planning.metric_bindings import bind_metrics

    bound = bind_metrics(notebook, parsed, facts)
    return Rewritten(bound) if bound is not None else None


def _final_result(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """The notebook ends by showing what it computed: bound, so `run()` returns it."""
    from nb2prod.planning.notebook_result import bind_notebook_result

    result = bind_notebook_result(notebook, parsed, facts)
    if result is None:
        return None
    return Rewritten(result.notebook, result=result.name)


def _inline_settings(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """`test_size=0.2` in a call: a setting named TEST_SIZE."""
    from nb2prod.planning.inline_settings import inline_settings

    settings = inline_settings(notebook, parsed, facts)
    return Rewritten(settings.notebook) if settings is not None else None


#: Every rewrite, in the order they run (see the module docstring for why).
REWRITES: tuple[tuple[str, Rewrite], ...] = (
    ("unread secrets", _unread_secrets),
    ("last results", _last_results),
    ("function versions", _function_versions),
    ("shadowed builtins", _shadowed_builtins),
    ("late defaults", _late_defaults),
    ("metrics", _metrics),
    ("final result", _final_result),
    ("inline settings", _inline_settings),
)


def normalise(
    notebook: Notebook,
    parsed: Cells,
    facts: NotebookFacts,
    rewrites: tuple[tuple[str, Rewrite], ...] = REWRITES,
) -> Normalised:
    """`notebook` (already parsed and analysed) through every rewrite in order."""
    warnings: tuple[Warning, ...] = ()
    result: str | None = None
    applied: list[str] = []
    for name, rewrite in rewrites:
        done = rewrite(notebook, parsed, facts)
        if done is None:
            continue
        applied.append(name)
        notebook = done.notebook
        parsed = parse_notebook(notebook)
        facts = analyze_parsed(notebook.path, parsed)
        warnings += done.warnings
        result = done.result or result
    return Normalised(notebook, parsed, facts, warnings, result, tuple(applied))
