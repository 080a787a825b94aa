"""Which code cells the package leaves out, as the notebook's author marked them.

Two conventions are honoured: a cell tagged `skip` or `exploration` (or whose first
line is the comment `# nb2prod: skip`) is exploration, not part of the pipeline; and,
nbdev-style, when any cell is tagged `export` (or starts with `#| export`), only those
cells go in. A left-out cell whose definitions a kept cell reads stays in, with a
warning: leaving it out would leave the package with an unbound name.
"""

from __future__ import annotations

from collections.abc import Iterable

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.plan import LeftOut, LeftOutReason, Warning
from nb2prod.reading.notebook import Cell, CellKind, Notebook

SKIP_TAGS = frozenset({"skip", "exploration"})
SKIP_COMMENT = "# nb2prod: skip"
EXPORT_TAG = "export"
EXPORT_COMMENTS = ("#| export", "#|export", "# export")


def left_out_cells(
    notebook: Notebook, facts: NotebookFacts
) -> tuple[tuple[LeftOut, ...], tuple[Warning, ...]]:
    """The code cells the author marked out of the package, and a warning for each
    marked cell kept because a kept cell needs it."""
    code = [cell for cell in notebook.cells if cell.kind is CellKind.CODE]
    exported = [cell for cell in code if _exported(cell)]
    marked = {
        cell.index
        for cell in code
        if (exported and not _exported(cell)) or (not exported and _skipped(cell))
    }
    if not marked:
        return (), ()
    defined_in: dict[str, set[int]] = {}
    for cell in facts.cells:
        for name in cell.defines:
            defined_in.setdefault(name, set()).add(cell.index)
    warnings: list[Warning] = []
    changed = True
    while changed:  # a cell kept for another may need a third
        changed = False
        for cell in facts.cells:
            if cell.index in marked:
                continue
            for name in cell.reads:
                earlier = {i for i in defined_in.get(name, ()) if i < cell.index}
                if earlier and earlier <= marked:
                    needed = max(earlier)
                    marked.discard(needed)
                    changed = True
                    warnings.append(
                        Warning(
                            needed,
                            f"marked to leave out, but cell {cell.index + 1} reads "
                            f"`{name}` it defines; kept in the package",
                        )
                    )
    reason: LeftOutReason = "not_exported" if exported else "skip"
    return tuple(LeftOut(cell, reason) for cell in sorted(marked)), tuple(warnings)


def _skipped(cell: Cell) -> bool:
    first = cell.source.lstrip().split("\n", 1)[0].strip().lower()
    return bool(SKIP_TAGS & set(cell.tags)) or first == SKIP_COMMENT


def _exported(cell: Cell) -> bool:
    first = cell.source.lstrip().split("\n", 1)[0].strip().lower()
    return EXPORT_TAG in cell.tags or first in EXPORT_COMMENTS


#: Why a cell is out of the package, as the plan report and the README say it.
_REASONS = {
    "skip": "marked as exploration (a `skip` or `exploration` tag, or `# nb2prod: skip`)",
    "not_exported": "not tagged `export` (the notebook exports its cells, nbdev-style)",
    "unused_search": "only the hyper-parameter search {detail}, which the saved model "
    "does not use (`--skip-unused-searches`)",
}


def left_out_notes(left_out: Iterable[LeftOut]) -> list[str]:
    """One line per reason: `cells 3, 4: marked as exploration (...)`."""
    by_reason: dict[tuple[str, str], list[int]] = {}
    for item in left_out:
        by_reason.setdefault((item.reason, item.detail), []).append(item.cell + 1)
    return [
        f"cell{'s' if len(cells) > 1 else ''} {', '.join(map(str, cells))}: "
        + _REASONS[reason].format(detail=detail)
        for (reason, detail), cells in by_reason.items()
    ]
