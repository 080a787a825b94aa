"""Normalisation: rewrites of the notebook's cells that make it plannable, run in order
before the one parse and analysis the plan is built from.

Each rewrite reads the cells as they are after the ones before it (parsed, with their
facts) and gives the rewritten notebook, or None when it has nothing to change; only a
rewrite that changed something costs a parse and an analysis. The order matters: an
unread credential goes first (nothing after it should see it), `_` is bound before
functions are versioned, a builtin separated from a star import
before defaults that read notebook state are passed by the calls (or, failing
that, read late), a saved model's later values renamed, metrics and the final
result bound before the
inline settings are named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from nb2prod.analysis import Walks, analyze_parsed
from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.cell_rewrites import Rewritten
from nb2prod.planning.function_versions import version_functions, version_warnings
from nb2prod.planning.inline_settings import inline_settings
from nb2prod.planning.last_result import bind_last_results
from nb2prod.planning.late_defaults import late_defaults
from nb2prod.planning.metric_bindings import bind_metrics
from nb2prod.planning.notebook_result import bind_notebook_result
from nb2prod.planning.passed_defaults import pass_defaults
from nb2prod.planning.plan import Warning
from nb2prod.planning.saved_models import keep_saved_models
from nb2prod.planning.star_imports import separate_shadowed_builtins
from nb2prod.planning.unread_secrets import drop_unread_secrets
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell, parse_notebook

__all__ = ["REWRITES", "Normalised", "Rewrite", "Rewritten", "normalise"]

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


def _text_only(
    rewrite: Callable[[Notebook, Cells, NotebookFacts], Notebook | None],
) -> Rewrite:
    """A rewrite that gives only the new notebook (no warnings, no result)."""

    def rewritten(
        notebook: Notebook, parsed: Cells, facts: NotebookFacts
    ) -> Rewritten | None:
        changed = rewrite(notebook, parsed, facts)
        return Rewritten(changed) if changed is not None else None

    return rewritten


def _function_versions(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """A function redefined with different code: each version its own name."""
    versions = version_functions(notebook, parsed)
    if versions is None:
        return None
    return Rewritten(versions.notebook, version_warnings(versions))


def _late_defaults(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """`def f(url=URL)`: a default that reads notebook state is read when called."""
    defaults = late_defaults(notebook, parsed, facts)
    return Rewritten(defaults.notebook, defaults.warnings) if defaults else None


def _final_result(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """The notebook ends by showing what it computed: bound, so `run()` returns it."""
    result = bind_notebook_result(notebook, parsed, facts)
    return Rewritten(result.notebook, result=result.name) if result else None


def _inline_settings(
    notebook: Notebook, parsed: Cells, facts: NotebookFacts
) -> Rewritten | None:
    """`test_size=0.2` in a call: a setting named TEST_SIZE."""
    settings = inline_settings(notebook, parsed, facts)
    return Rewritten(settings.notebook) if settings is not None else None


#: Every rewrite, in the order they run (see the module docstring for why).
REWRITES: tuple[tuple[str, Rewrite], ...] = (
    ("unread secrets", drop_unread_secrets),  # `API_KEY = "sk-..."`, never read
    ("last results", _text_only(bind_last_results)),  # a cell reads `_`
    ("function versions", _function_versions),
    ("shadowed builtins", _text_only(separate_shadowed_builtins)),  # `sum` after `*`
    ("passed defaults", pass_defaults),  # before late defaults take the rest
    ("late defaults", _late_defaults),
    ("saved models", keep_saved_models),  # `pickle.dump(lr, f)`, then `lr = Lasso()`
    ("metrics", _text_only(bind_metrics)),  # `print(roc_auc_score(...))`
    ("final result", _final_result),
    ("inline settings", _inline_settings),
)


def normalise(
    notebook: Notebook,
    parsed: Cells,
    facts: NotebookFacts,
    rewrites: tuple[tuple[str, Rewrite], ...] = REWRITES,
    walks: Walks | None = None,
) -> Normalised:
    """`notebook` (already parsed and analysed, with `walks` when given) through
    every rewrite in order; after a change, only the changed cells are parsed and
    walked again."""
    walks = walks or Walks()
    warnings: tuple[Warning, ...] = ()
    result: str | None = None
    applied: list[str] = []
    for name, rewrite in rewrites:
        done = rewrite(notebook, parsed, facts)
        if done is None:
            continue
        applied.append(name)
        notebook = done.notebook
        parsed = parse_notebook(notebook, parsed)
        facts = analyze_parsed(notebook.path, parsed, walks)
        warnings += done.warnings
        result = done.result or result
    return Normalised(notebook, parsed, facts, warnings, result, tuple(applied))
