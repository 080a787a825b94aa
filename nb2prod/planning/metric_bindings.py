"""Metrics the notebook only printed or displayed, bound to a variable.

`print("auc", roc_auc_score(y_test, probs))` computes a metric an operator wants
kept: in `metrics.json` and beside the saved model. Before planning, the call gets a
name of its own, `roc_auc = roc_auc_score(y_test, probs)` on the line above, and the
print reads `roc_auc`: the printed text is the same, and the metric is a variable the
plan can return and store like any metric the notebook assigned itself.

Only statements at the top of a cell are rewritten, and only one-line calls outside
IPython syntax (whose columns are not the source's).
"""

from __future__ import annotations

import ast

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.planning.cell_rewrites import ipython_lines, with_sources
from nb2prod.planning.model import imported_paths, is_metric_call, resolved_path
from nb2prod.planning.naming import unique
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell
from nb2prod.reading.positions import split_lines

#: Functions that show their arguments.
SHOWING = frozenset({"print", "display"})


def bind_metrics(
    notebook: Notebook, parsed: tuple[ParsedCell, ...], facts: NotebookFacts
) -> Notebook | None:
    """The notebook with printed and displayed metric calls bound to variables, or
    None when it prints none."""
    imports = imported_paths(facts)
    taken = {n for c in facts.cells for n in (*c.defines, *c.reads)} | set(imports)
    sources: dict[int, str] = {}
    for item in parsed:
        tree = item.tree
        if tree is None or not tree.body:
            continue
        magic = ipython_lines(item)
        python = item.translation.python
        lines = [content + ending for content, ending in split_lines(item.cell.source)]
        bindings: list[tuple[ast.stmt, ast.expr, str]] = []
        for statement in tree.body:
            if not isinstance(statement, ast.Expr) or statement.col_offset != 0:
                continue
            displayed = statement is tree.body[-1]
            for node in _shown_metrics(statement.value, imports, displayed):
                segment = _segment(python, node)
                if segment is None or node.lineno in magic:
                    continue
                bindings.append((statement, node, segment))
        if not bindings:
            continue
        names = [unique(_name(node, imports), taken) for _, node, _ in bindings]
        for (_, node, _), name in reversed(list(zip(bindings, names, strict=True))):
            line = lines[node.lineno - 1].encode("utf-8")
            start, end = node.col_offset, node.end_col_offset or node.col_offset
            lines[node.lineno - 1] = (
                line[:start] + name.encode() + line[end:]
            ).decode()
        above: dict[int, list[str]] = {}
        for (statement, _, segment), name in zip(bindings, names, strict=True):
            above.setdefault(statement.lineno, []).append(f"{name} = {segment}\n")
        for number in sorted(above, reverse=True):
            lines[number - 1 : number - 1] = above[number]
        sources[item.cell.index] = "".join(lines)
    if not sources:
        return None
    return with_sources(notebook, sources)


def _shown_metrics(
    value: ast.expr, imports: dict[str, str], displayed: bool
) -> list[ast.expr]:
    """Metric calls a statement prints or displays, in source order."""
    if displayed and _metric(value, imports):
        return [value]
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in SHOWING
    ):
        return []
    found: list[ast.expr] = []
    for argument in value.args:
        if _metric(argument, imports):
            found.append(argument)
        elif isinstance(argument, ast.JoinedStr):
            found += [
                part.value
                for part in argument.values
                if isinstance(part, ast.FormattedValue) and _metric(part.value, imports)
            ]
    return found


def _metric(node: ast.expr, imports: dict[str, str]) -> bool:
    """A metric call, or the mean of cross-validation scores."""
    if not isinstance(node, ast.Call):
        return False
    if is_metric_call(node.func, imports):
        return True
    return _mean_of_scores(node, imports)


def _mean_of_scores(node: ast.Call, imports: dict[str, str]) -> bool:
    """`cross_val_score(model, X, y).mean()`."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "mean"):
        return False
    inner = func.value
    if not isinstance(inner, ast.Call):
        return False
    path = resolved_path(inner.func, imports) or ""
    return path.startswith("sklearn.model_selection") and path.endswith("_score")


def _segment(python: str, node: ast.expr) -> str | None:
    """The call's source when it is on one line and its position is right (f-string
    parts may carry wrong columns before Python 3.12)."""
    if node.end_lineno != node.lineno:
        return None
    segment = ast.get_source_segment(python, node)
    if segment is None:
        return None
    try:
        parsed = ast.parse(segment.strip(), mode="eval").body
    except SyntaxError:
        return None
    same = ast.dump(parsed) == ast.dump(node)
    return segment if same and segment == segment.strip() else None


def _name(node: ast.expr, imports: dict[str, str]) -> str:
    """`roc_auc_score(...)` -> roc_auc; `rf.score(...)` -> rf_score;
    `cross_val_score(...).mean()` -> cross_val_score_mean."""
    assert isinstance(node, ast.Call)
    func = node.func
    if _mean_of_scores(node, imports):
        return "cross_val_score_mean"
    if isinstance(func, ast.Attribute) and func.attr in ("score", "evaluate"):
        receiver = func.value.id if isinstance(func.value, ast.Name) else "model"
        return f"{receiver}_{'score' if func.attr == 'score' else 'evaluation'}"
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    name = name.removesuffix("_score") or "metric"
    model = _predicting_model(node)
    return f"{model}_{name}" if model else name


def _predicting_model(node: ast.Call) -> str | None:
    """`lr` in `roc_auc_score(y, lr.predict_proba(X)[:, 1])`: the model whose
    predictions the metric scores, when the call names one."""
    for inner in ast.walk(node):
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr.startswith("predict")
            and isinstance(inner.func.value, ast.Name)
        ):
            return inner.func.value.id
    return None
