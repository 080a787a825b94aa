"""Checks of issue 14 on converted packages, independent of how convert decides:

- knobs: literal hyper-parameter, seed and split-size keywords, literal seeds and the
  literal paths of `read_*` calls, scanned in the notebook's own code; how many of those
  values are defaults of the package's Config;
- effect logs: log calls whose arguments call a method made for its effect (`fit`,
  `to_csv`, `savefig`, `seed`...), which should have stayed statements.

And of issue 15 on the steps the pipeline calls: empty steps (no work statement), steps
returning more than MAX_STEP_RETURNS values, and step names that end in a function word
or are numbered (`_step_4`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from nb2prod.reading.magics import translate_cell
from nb2prod.reading.notebook import CellKind, read_notebook

#: Keywords whose literal value is a knob an engineer would make a setting.
KNOB_KEYWORDS = frozenset(
    {
        "n_estimators",
        "max_depth",
        "learning_rate",
        "random_state",
        "test_size",
        "train_size",
        "cv",
        "n_splits",
        "epochs",
        "max_iter",
        "n_neighbors",
        "C",
        "lr",
    }
)
#: Functions whose literal argument is a seed.
SEED_FUNCTIONS = frozenset({"seed", "manual_seed", "set_seed", "set_random_seed"})
#: Functions whose first literal argument is a path read.
READ_FUNCTIONS = frozenset(
    {"read_csv", "read_excel", "read_parquet", "read_json", "read_table"}
)
#: Calls that a log record should never hold (issue 14's list).
EFFECT_CALLS = frozenset(
    {
        "fit",
        "fit_transform",
        "to_csv",
        "to_parquet",
        "savefig",
        "seed",
        "manual_seed",
        "save",
        "dump",
        "write",
        "plot",
        "show",
    }
)
_LOG_METHODS = frozenset({"debug", "info", "warning", "error", "critical"})


def notebook_knobs(path: Path) -> list[object]:
    """The literal knob values of the notebook's code cells (class bodies left out)."""
    values: list[object] = []
    for cell in read_notebook(path).cells:
        if cell.kind is not CellKind.CODE:
            continue
        try:
            tree = ast.parse(translate_cell(cell.source).python)
        except SyntaxError:
            continue
        for node in _outside_classes(tree):
            if isinstance(node, ast.Call):
                values += _call_knobs(node)
    return values


def _outside_classes(tree: ast.AST) -> list[ast.AST]:
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        stack += [
            child
            for child in ast.iter_child_nodes(node)
            if not isinstance(child, ast.ClassDef)
        ]
    return found


def _call_knobs(call: ast.Call) -> list[object]:
    name = _called(call)
    values = [
        keyword.value.value
        for keyword in call.keywords
        if keyword.arg in KNOB_KEYWORDS and _number(keyword.value)
    ]
    if name in SEED_FUNCTIONS and call.args and _number(call.args[0]):
        values.append(call.args[0].value)  # type: ignore[attr-defined]
    if (
        name in READ_FUNCTIONS
        and call.args
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
        and "://" not in call.args[0].value
        and "\n" not in call.args[0].value
    ):
        values.append(call.args[0].value)
    return values


def _called(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _number(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    )


def config_defaults(folder: Path) -> list[object]:
    """The default values of the package's Config fields."""
    found = list(folder.glob("src/*/config.py"))
    if not found:
        return []
    tree = ast.parse(found[0].read_text(encoding="utf-8"))
    values: list[object] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Config":
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and item.value is not None:
                    try:
                        values.append(ast.literal_eval(item.value))
                    except ValueError:
                        continue
    return values


def covered_knobs(knobs: list[object], defaults: list[object]) -> int:
    """How many of `knobs` are Config defaults (a path may be relative to DATA_DIR)."""
    count = 0
    for value in knobs:
        if any(_same(value, default) for default in defaults):
            count += 1
    return count


def _same(value: object, default: object) -> bool:
    if type(value) is not type(default):
        return False
    if isinstance(value, str) and isinstance(default, str):
        return value == default or value.endswith("/" + default)
    return value == default


def effect_logs(trees: dict[Path, ast.AST]) -> list[str]:
    """`module.py:line` of log calls whose arguments call an effect method."""
    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _LOG_METHODS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "logger"
            ):
                continue
            for argument in node.args:
                if any(
                    isinstance(inner, ast.Call) and _called(inner) in EFFECT_CALLS
                    for inner in ast.walk(argument)
                ):
                    found.append(f"{path.name}:{node.lineno}")
                    break
    return found


#: Words a step name does not end with: the phrase it was cut from is unfinished
#: (issue 15). Written here on purpose rather than imported from nb2prod.
FUNCTION_WORDS = frozenset(
    {
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of",
        "on", "or", "our", "the", "to", "using", "vs", "versus", "via", "with",
        "without", "your", "its", "their", "this", "that", "these", "those", "my",
        "we", "how", "what", "which", "when", "where", "why", "than", "per", "about",
        "after", "before", "over", "under", "between", "through", "within", "but",
    }
)  # fmt: skip
#: A step a name says nothing about: `_step_4`, `step_2`.
_NUMBERED_STEP = re.compile(r"(^|_)step_\d+$")
#: Values a step may return as a tuple; more is a small dataclass (issue 15).
MAX_STEP_RETURNS = 8
#: Package modules that are not step modules.
_SUPPORT_MODULES = frozenset(
    {"config", "figures", "logs", "results", "models", "serve", "pipeline"}
)


def step_functions(trees: dict[Path, ast.AST]) -> list[tuple[str, ast.FunctionDef]]:
    """(`module.py`, definition) of each step the package's pipeline imports."""
    by_name = {path.name: tree for path, tree in trees.items()}
    pipeline = by_name.get("pipeline.py")
    if pipeline is None:
        return []
    found = []
    for node in ast.walk(pipeline):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        module = node.module.rsplit(".", 1)[-1]
        tree = by_name.get(f"{module}.py")
        if module in _SUPPORT_MODULES or tree is None:
            continue
        wanted = {alias.name for alias in node.names}
        found += [
            (f"{module}.py", definition)
            for definition in ast.walk(tree)
            if isinstance(definition, ast.FunctionDef) and definition.name in wanted
        ]
    return found


def empty_steps(trees: dict[Path, ast.AST]) -> list[str]:
    """`module.py:step` of steps that do nothing: only a docstring, `pass`, literal
    assignments and the return."""
    return [
        f"{module}:{definition.name}"
        for module, definition in step_functions(trees)
        if not any(_works(statement) for statement in definition.body)
    ]


def _works(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Pass, ast.Return)):
        return False
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return False  # the docstring
    if isinstance(statement, ast.Assign):
        try:
            ast.literal_eval(statement.value)
        except ValueError:
            return True
        return False
    return True


def wide_returns(trees: dict[Path, ast.AST]) -> list[str]:
    """`module.py:step (N)` of steps returning more than MAX_STEP_RETURNS values."""
    found = []
    for module, definition in step_functions(trees):
        widest = max(
            (
                len(node.value.elts)
                for node in ast.walk(definition)
                if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple)
            ),
            default=0,
        )
        if widest > MAX_STEP_RETURNS:
            found.append(f"{module}:{definition.name} ({widest})")
    return found


def vague_step_names(trees: dict[Path, ast.AST]) -> list[str]:
    """Step names ending in a function word (`train_using_the`) or numbered (`_step_4`)."""
    return [
        f"{module}:{definition.name}"
        for module, definition in step_functions(trees)
        if definition.name.rsplit("_", 1)[-1] in FUNCTION_WORDS
        or _NUMBERED_STEP.search(definition.name)
    ]
