"""Checks of issue 14 on converted packages, independent of how convert decides:

- knobs: literal hyper-parameter, seed and split-size keywords, literal seeds and the
  literal paths of `read_*` calls, scanned in the notebook's own code; how many of those
  values are defaults of the package's Config;
- effect logs: log calls whose arguments call a method made for its effect (`fit`,
  `to_csv`, `savefig`, `seed`...), which should have stayed statements.
"""

from __future__ import annotations

import ast
from pathlib import Path

from nb2prod.magics import translate_cell
from nb2prod.notebook import CellKind, read_notebook

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
