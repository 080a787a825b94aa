"""Split a notebook into steps: at markdown headings of the level that best partitions
it (soorgeon splits at H2 only and refuses notebooks without them), else by what the
cells do (load data, features, training, evaluation, plots). Tiny steps merge.
"""

from __future__ import annotations

import ast
import builtins
import heapq
import re
from collections import Counter
from typing import NamedTuple

from nb2prod.analysis.literals import is_literal
from nb2prod.analysis.plotting_calls import DRAWING_CALLS, SHARED_NAMES
from nb2prod.planning.ipython import decide
from nb2prod.reading.magics import is_ipython_call
from nb2prod.reading.notebook import Cell, CellKind, Notebook
from nb2prod.reading.parsing import ParsedCell

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_METRICS = re.compile(
    r"(_score|_error|_report|confusion_matrix|^score$|^evaluate$|^predict|_curve$|^cross_val)"
)
_PLOTTING_MODULES = ("plt", "sns", "px", "go", "matplotlib", "seaborn", "plotly")
MAX_STEPS = 12
#: The share of the work above which one step is too big for a heading level to fit.
_MOST_WORK = 0.5
ROLE_TITLES = {
    "data": "load data",
    "features": "prepare features",
    "training": "train model",
    "evaluation": "evaluate model",
    "plots": "plot results",
    None: "run",
}


class Section(NamedTuple):
    """Cells that will become one step, with the title and role they suggest."""

    title: str
    role: str | None
    cells: tuple[int, ...]  # code cell indexes
    heading: bool  # the title comes from a markdown heading


def split_into_sections(
    notebook: Notebook, parsed: dict[int, ParsedCell]
) -> list[Section]:
    """Sections of code cells in notebook order, merged so that each does some work."""
    roles = {index: cell_role(item) for index, item in parsed.items()}
    work = {index: work_statements(item) for index, item in parsed.items()}
    sections = _by_headings(notebook, roles, work) or _by_roles(notebook, roles)
    sections = [s for s in sections if s.cells]
    if not any(_runs_anything(item) for item in parsed.values()):
        return []  # only imports and comments: no step would do anything
    return _merge_tiny(sections, work)


def _runs_anything(parsed: ParsedCell) -> bool:
    """A statement other than an import, a string or IPython syntax that becomes no
    code (`%matplotlib`, `!pip install`, a `%%file` shipped as a data file, a shell
    line left as a TODO): a definition, a constant, a translated magic (`%env` sets a
    variable) all need a step."""
    body = parsed.tree.body if parsed.tree is not None else []
    index = parsed.cell.index
    if any(decide(index, fact).code is not None for fact in parsed.translation.syntax):
        return True  # translated into code (`%env A=b` sets os.environ)
    return any(
        not isinstance(node, (ast.Import, ast.ImportFrom))
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        and not is_ipython_call(node)
        for node in body
    )


def _headings(cell: Cell) -> list[tuple[int, str]]:
    """(level, text) of the markdown headings in a cell."""
    return [
        (len(m.group(1)), _plain(m.group(2))) for m in _HEADING.finditer(cell.source)
    ]


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML such as anchors
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links
    return text.replace("`", "").replace("*", "").strip()


def _by_headings(
    notebook: Notebook, roles: dict[int, str | None], work: dict[int, int]
) -> list[Section]:
    """Sections at the heading level that best splits the notebook into steps of real,
    balanced work: the shallowest level where no step holds most of the work (a single
    H1 title over H2 sections splits at H2), else the most balanced level."""
    levels = sorted(
        {
            level
            for cell in notebook.cells
            if cell.kind is CellKind.MARKDOWN
            for level, _ in _headings(cell)
        }
    )
    candidates = []
    for level in levels:
        sections = _split_at(notebook, level, roles)
        if len([section for section in sections if section.cells]) < 2:
            continue
        weights = [sum(work[i] for i in section.cells) for section in sections]
        working = [weight for weight in weights if weight]
        share = max(working) / sum(working) if working else 1.0
        if share <= _MOST_WORK or len(working) >= MAX_STEPS:
            return sections
        candidates.append((share, level, sections))
    return min(candidates, key=lambda found: found[:2])[2] if candidates else []


def _split_at(
    notebook: Notebook, level: int, roles: dict[int, str | None]
) -> list[Section]:
    sections: list[Section] = []
    title, from_heading = "", False
    cells: list[int] = []
    for cell in notebook.cells:
        if cell.kind is CellKind.MARKDOWN:
            found = [text for depth, text in _headings(cell) if depth <= level]
            if found:
                sections.append(_section(title, from_heading, cells, roles))
                title, from_heading, cells = found[0], True, []
        elif cell.kind is CellKind.CODE and cell.index in roles:
            cells.append(cell.index)
    sections.append(_section(title, from_heading, cells, roles))
    return sections


def _section(
    title: str, heading: bool, cells: list[int], roles: dict[int, str | None]
) -> Section:
    counted = Counter(
        role for role in (roles[index] for index in cells) if role is not None
    )
    role = _main_role(counted)
    return Section(
        title or ROLE_TITLES[role], role, tuple(cells), heading and bool(title)
    )


def _main_role(counted: Counter[str]) -> str | None:
    if not counted:
        return None
    priority = ("training", "evaluation", "data", "plots", "features")
    best = max(counted.values())
    return next(role for role in priority if counted.get(role) == best)


def _by_roles(notebook: Notebook, roles: dict[int, str | None]) -> list[Section]:
    """Consecutive cells doing the same kind of work; setup cells join the next group."""
    sections: list[Section] = []
    pending: list[int] = []
    for cell in notebook.code_cells:
        if cell.index not in roles:
            continue
        role = roles[cell.index]
        previous = sections[-1] if sections else None
        if role is None:
            pending.append(cell.index)
        elif previous is not None and previous.role == role and not pending:
            sections[-1] = previous._replace(cells=(*previous.cells, cell.index))
        else:
            sections.append(
                Section(ROLE_TITLES[role], role, (*pending, cell.index), False)
            )
            pending = []
    if pending:
        if sections:
            last = sections[-1]
            sections[-1] = last._replace(cells=(*last.cells, *pending))
        else:
            sections.append(Section(ROLE_TITLES[None], None, tuple(pending), False))
    return sections


def _merge_tiny(sections: list[Section], work: dict[int, int]) -> list[Section]:
    """Fold sections without real work into the next one (the last into the previous)."""
    merged: list[Section] = []
    carry: list[int] = []
    for section in sections:
        carry.extend(section.cells)
        if sum(work[index] for index in section.cells) == 0:
            continue
        merged.append(section._replace(cells=tuple(carry)))
        carry = []
    if carry:
        if merged:
            merged[-1] = merged[-1]._replace(cells=merged[-1].cells + tuple(carry))
        else:
            merged.append(Section(ROLE_TITLES[None], None, tuple(carry), False))
    return _merge_lightest_pairs(merged, work, MAX_STEPS)


def _merge_lightest_pairs(
    sections: list[Section], work: dict[int, int], limit: int
) -> list[Section]:
    """Merge the two neighbours with the least work between them (the first such pair
    on a tie) until `limit` sections are left; each keeps its first section's title."""
    if len(sections) <= limit:
        return sections
    weights = [sum(work[index] for index in section.cells) for section in sections]
    return [
        sections[first]._replace(
            cells=tuple(
                c for section in sections[first : last + 1] for c in section.cells
            )
        )
        for first, last in _lightest_runs(weights, limit)
    ]


def _lightest_runs(weights: list[int], limit: int) -> list[tuple[int, int]]:
    """(first, last) index of each run of neighbours `_merge_lightest_pairs` leaves.

    A heap of neighbouring pairs over a linked list of runs: searching every pair
    again after each merge was quadratic in the number of headings.
    """
    count = len(weights)
    weight = list(weights)
    following = list(range(1, count + 1))  # `count`: none
    preceding = list(range(-1, count - 1))
    last = list(range(count))  # the run starting at i ends at last[i]
    version = [0] * count  # bumped when a run grows (-1: absorbed)
    pairs = [(weight[i] + weight[i + 1], i, 0, 0) for i in range(count - 1)]
    heapq.heapify(pairs)
    for _ in range(count - limit):
        left, right = _next_pair(pairs, following, version)
        last[left], following[left] = last[right], following[right]
        if following[left] < count:
            preceding[following[left]] = left
        weight[left] += weight[right]
        version[left], version[right] = version[left] + 1, -1
        for first in (preceding[left], left):
            second = following[first] if first >= 0 else count
            if first >= 0 and second < count:
                pair = (weight[first] + weight[second], first)
                heapq.heappush(pairs, (*pair, version[first], version[second]))
    runs, first = [], 0
    while first < count:
        runs.append((first, last[first]))
        first = following[first]
    return runs


def _next_pair(
    pairs: list[tuple[int, int, int, int]], following: list[int], version: list[int]
) -> tuple[int, int]:
    """The lightest pair still as it was pushed (later merges leave stale entries)."""
    while True:
        _, left, left_version, right_version = heapq.heappop(pairs)
        right = following[left]
        if version[left] == left_version and version[right] == right_version:
            return left, right


def work_statements(parsed: ParsedCell) -> int:
    """Top-level statements that do something when the cell runs (not imports, defs,
    constants or IPython lines)."""
    if parsed.tree is None:
        return 0
    masked = {f.span.line for f in parsed.translation.syntax if not f.keeps_python}
    count = 0
    for node in parsed.tree.body:
        if (
            isinstance(
                node,
                (
                    ast.Import,
                    ast.ImportFrom,
                    ast.FunctionDef,
                    ast.AsyncFunctionDef,
                    ast.ClassDef,
                ),
            )
            or node.lineno in masked
        ):
            continue
        if isinstance(node, ast.Assign) and is_literal(node.value):
            continue  # constants and literal data are set-up, not work
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a string standing for a comment or a module docstring
        count += 1
    return count


def cell_role(parsed: ParsedCell) -> str | None:
    """What the cell mainly does, from the calls in it."""
    if parsed.tree is None or work_statements(parsed) == 0:
        return None
    names = [
        _call_name(node) for node in ast.walk(parsed.tree) if isinstance(node, ast.Call)
    ]
    receivers = [
        _receiver(node) for node in ast.walk(parsed.tree) if isinstance(node, ast.Call)
    ]
    if any(name in ("fit", "partial_fit", "train", "fit_generator") for name in names):
        return "training"
    if any(name and _METRICS.search(name) for name in names):
        return "evaluation"
    calls = [node for node in ast.walk(parsed.tree) if isinstance(node, ast.Call)]
    if any(_reads_data(call) for call in calls):
        return "data"
    if any(r in _PLOTTING_MODULES for r in receivers) or any(
        n in DRAWING_CALLS - SHARED_NAMES for n in names
    ):
        return "plots"
    return "features"


def _reads_data(call: ast.Call) -> bool:
    """`pd.read_csv(...)`, `np.load(...)`, `open(path)`; not `open(path, "w")`."""
    name = _call_name(call)
    if name == "open":
        mode = call.args[1] if len(call.args) > 1 else None
        mode = next((k.value for k in call.keywords if k.arg == "mode"), mode)
        return not (
            isinstance(mode, ast.Constant)
            and isinstance(mode.value, str)
            and any(flag in mode.value for flag in "wax+")
        )
    if not name:
        return False
    return name.startswith("read_") or name in ("load", "loadtxt")


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _receiver(node: ast.Call) -> str | None:
    func = node.func
    while isinstance(func, ast.Attribute):
        func = func.value
    return func.id if isinstance(func, ast.Name) else None


#: Suffixes an estimator's class name drops in a step name (`train_random_forest`).
_ESTIMATOR_SUFFIX = re.compile(r"(Classifier|Regressor|Model|Estimator)$")


#: Calls that say nothing of what a step works on (IPython lines, displays).
_NOT_SUBJECTS = frozenset({"get_ipython", "display", "HTML", "Image", "Markdown"})


def step_subjects(
    cells: tuple[int, ...], parsed: dict[int, ParsedCell], role: str | None
) -> list[str]:
    """What a step works on, most telling first, to tell two steps of the same name
    apart: the estimators it builds (training), the files it reads (data), the
    values it assigns, the functions it calls."""
    estimators: list[str] = []
    files: list[str] = []
    assigned: list[str] = []
    called: list[str] = []
    for index in cells:
        tree = parsed[index].tree if index in parsed else None
        for statement in tree.body if tree is not None else []:
            value = getattr(statement, "value", None)
            literal = value is not None and is_literal(value)  # None: not a literal
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and not literal:
                targets = (
                    statement.targets
                    if isinstance(statement, ast.Assign)
                    else [statement.target]
                )
                assigned += [t.id for t in targets if isinstance(t, ast.Name)]
            if isinstance(
                statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            ):
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Call):
                    _subjects_of_call(node, estimators, files, called)
    public = [n for n in assigned if not n.startswith("_") and len(n) > 1]
    by_role: dict[str | None, list[str]] = {
        "training": [*estimators, *public, *called],
        "data": [*files, *public, *called],
    }
    ordered = by_role.get(role, [*public, *estimators, *called])
    return list(dict.fromkeys(ordered))


def _subjects_of_call(
    node: ast.Call, estimators: list[str], files: list[str], called: list[str]
) -> None:
    name = _call_name(node)
    if name is None:
        return
    if name[:1].isupper() and not name.isupper():
        estimators.append(_ESTIMATOR_SUFFIX.sub("", name) or name)
    elif name.startswith("read_") or name in ("load", "loadtxt", "open"):
        path = node.args[0] if node.args else None
        if isinstance(path, ast.Constant) and isinstance(path.value, str):
            stem = re.split(r"[/\\]", path.value)[-1].split(".")[0]
            if stem and "://" not in path.value:
                files.append(stem)
    elif isinstance(node.func, ast.Name) and not (
        hasattr(builtins, name) or name in _NOT_SUBJECTS
    ):
        called.append(name)


def caller_results(
    cells: tuple[int, ...], parsed: dict[int, ParsedCell], names: tuple[str, ...]
) -> tuple[str, ...]:
    """Of the values a step assigns and nothing after it reads, those the caller of
    `run()` wants: metrics (`auc = roc_auc_score(...)`), the values the notebook
    showed (printed or displayed), and the value its last cell ends by showing. The
    rest (`width`, `rects`) stay local to the step."""
    wanted: set[str] = set()
    for index in cells:
        tree = parsed[index].tree if index in parsed else None
        for statement in tree.body if tree is not None else []:
            wanted |= _shown(statement)
            value = getattr(statement, "value", None)
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(
                value, ast.Call
            ):
                name = _call_name(value)
                if name and _METRICS.search(name) and not name.startswith("predict"):
                    targets = (
                        statement.targets
                        if isinstance(statement, ast.Assign)
                        else [statement.target]
                    )
                    wanted |= {t.id for t in targets if isinstance(t, ast.Name)}
    last = parsed[cells[-1]].tree if cells and cells[-1] in parsed else None
    if last is not None and last.body:
        shown = last.body[-1]
        if isinstance(shown, ast.Expr) and isinstance(shown.value, ast.Name):
            wanted.add(shown.value.id)
    return tuple(name for name in names if name in wanted)


def _shown(statement: ast.stmt) -> set[str]:
    """Names a statement shows: `x` alone, or read in a `print`/`display` call."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Name):
        return {statement.value.id}
    return {
        name.id
        for node in ast.walk(statement)
        if isinstance(node, ast.Call) and _call_name(node) in ("print", "display")
        for argument in (*node.args, *(k.value for k in node.keywords))
        for name in ast.walk(argument)
        if isinstance(name, ast.Name)
    }
