"""Cells that draw figures without showing them.

Jupyter's inline backend shows every figure a cell leaves open when the cell ends,
and closes it; a script shows nothing, and the next cell's `plt.plot` draws on the
same figure. So such a cell's code ends by saving the figures it left open (as
`plt.show()` becomes `save_figure(...)`): the package keeps what the notebook showed,
one PNG per figure, and each cell draws on figures of its own.
"""

from __future__ import annotations

import ast

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.analysis.plotting_calls import DRAWING_CALLS
from nb2prod.planning.model import imported_paths, resolved_path
from nb2prod.reading.parsing import ParsedCell

#: Libraries whose figures Jupyter shows inline (pandas and seaborn draw with pyplot).
PLOTTING_LIBRARIES = frozenset({"matplotlib", "seaborn", "pandas"})
#: Methods of pandas objects that draw (`df.plot()`, `series.hist()`).
PANDAS_PLOTS = frozenset({"plot", "hist", "boxplot"})
#: Names the notebook gives figures and axes (`fig`, `ax`, `axes[0]`, `axs`).
AXES_NAMES = ("ax", "fig", "subplot", "plt")


def figure_cells(cells: dict[int, ParsedCell], facts: NotebookFacts) -> tuple[int, ...]:
    """The kept cells that draw (a plotting call at their top level, or a call of a
    notebook function that draws) and do not end by showing the figure."""
    imported = {
        fact.module.split(".")[0]
        for cell in facts.cells
        for fact in cell.imports
        if fact.module
    }
    if not imported & PLOTTING_LIBRARIES:
        return ()
    paths = imported_paths(facts)
    trees = {index: item.tree for index, item in cells.items() if item.tree}
    drawing_functions = {
        node.name
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any(_draws(call, paths) for call in _calls(node.body))
    }
    found = []
    for index, tree in sorted(trees.items()):
        calls = list(_calls(tree.body))
        if _ends_by_showing(tree) or not any(
            _draws(call, paths)
            or (isinstance(call.func, ast.Name) and call.func.id in drawing_functions)
            for call in calls
        ):
            continue
        found.append(index)
    return tuple(found)


def _calls(body: list[ast.stmt]) -> list[ast.Call]:
    """The calls the statements make when they run (not those inside the functions
    and classes they define)."""
    found: list[ast.Call] = []
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
        ):
            continue
        if isinstance(node, ast.Call):
            found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _draws(call: ast.Call, imports: dict[str, str]) -> bool:
    """A call of pyplot or seaborn that draws (`plt.plot`, `sns.heatmap`), a pandas
    plot (`df.plot()`, `df.plot.bar()`), or a drawing method of something named like
    a figure or axes (`ax.scatter`, `axes[0].imshow`). `torch.Tensor.scatter`,
    `cv2.imshow` and `keras.utils.plot_model` draw nothing Jupyter shows."""
    name = _name(call)
    path = resolved_path(call.func, imports)
    if path is not None:
        top = path.split(".")[0]
        return top in ("matplotlib", "seaborn") and name in DRAWING_CALLS
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Attribute) and receiver.attr == "plot":
        return True  # df.plot.bar()
    if name in PANDAS_PLOTS:
        return True
    while isinstance(receiver, ast.Subscript):  # axes[0, 1]
        receiver = receiver.value
    return (
        name in DRAWING_CALLS
        and isinstance(receiver, ast.Name)
        and receiver.id.lower().startswith(AXES_NAMES)
    )


def _ends_by_showing(tree: ast.Module) -> bool:
    """The cell's last statement is `plt.show()` (or `fig.show()`): saved already."""
    last = tree.body[-1] if tree.body else None
    return (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and _name(last.value) == "show"
    )
