"""Settings from inline literals: the knobs a notebook writes where it uses them.

`train_test_split(X, y, test_size=0.2)`, `RandomForestClassifier(n_estimators=40)`,
`np.random.seed(0)`, `pd.read_csv("../input/train.csv")`: an engineer makes each of
these a setting. Before planning, each such literal becomes a name (`TEST_SIZE`,
`RANDOM_FOREST_N_ESTIMATORS`, `SEED`, `TRAIN_CSV`) assigned once, on its own line
above the first statement that uses it; the name then becomes a Config field like
any `NAME = literal` constant, with the notebook's value as its default, so the
package computes what the notebook computed. A value that means one thing is one
field: `random_state=0` in three calls is one `SEED`, and a constant the notebook
already has (`SEED = 0`) is reused.

Literals inside class bodies stay (a class cannot take a parameter), as do lines of
IPython syntax (their columns are not the source's).
"""

from __future__ import annotations

import ast
import posixpath
import re
from typing import NamedTuple

from nb2prod.analysis.calls import GENERATORS, SEEDING_CALLS
from nb2prod.analysis.facts import NotebookFacts
from nb2prod.analysis.literals import (
    NOT_A_LITERAL,
    is_url,
    literal_value,
    looks_like_path,
)
from nb2prod.planning.cell_rewrites import ipython_lines, with_sources
from nb2prod.planning.config import module_bindings
from nb2prod.planning.model import NOT_MODELS, imported_paths, resolved_path
from nb2prod.planning.naming import is_safe_identifier
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell
from nb2prod.reading.positions import split_lines

#: Libraries whose classes are estimators: their keyword literals are hyper-parameters.
ESTIMATOR_LIBRARIES = frozenset(
    {"sklearn", "xgboost", "lightgbm", "catboost", "imblearn"}
)
#: Optimizers: their numeric keywords (`lr`, `momentum`) are training settings.
OPTIMIZER_MODULES = re.compile(
    r"^(torch\.optim|tensorflow\.keras\.optimizers|keras\.optimizers)\b"
)
#: Splitters, cross-validation and searches: numeric keywords are settings.
MODEL_SELECTION = re.compile(r"^sklearn\.model_selection\b")
#: Methods whose numeric keywords are training settings (`epochs=10`).
TRAINING_METHODS = frozenset({"fit", "fit_generator", "train"})
#: Functions and classes whose numeric keywords are training settings.
TRAINING_CALLS = frozenset(
    {
        "xgboost.train",
        "xgboost.cv",
        "lightgbm.train",
        "lightgbm.cv",
        "torch.utils.data.DataLoader",
    }
)
#: Keywords that are training settings on any call, the notebook's own functions and
#: classes included (`train(model, epochs=5)`, `TrainingArguments(learning_rate=2e-5)`).
TRAINING_KEYWORDS = frozenset(
    {
        "lr",
        "learning_rate",
        "epochs",
        "n_epochs",
        "num_epochs",
        "num_train_epochs",
        "batch_size",
        "per_device_train_batch_size",
        "per_device_eval_batch_size",
        "max_iter",
        "n_estimators",
        "max_depth",
        "test_size",
        "train_size",
        "cv",
        "n_splits",
        "momentum",
        "weight_decay",
        "n_neighbors",
        "num_boost_round",
        "early_stopping_rounds",
    }
)
#: Methods whose literal argument is a seed (`torch.Generator().manual_seed(42)`).
SEED_METHODS = frozenset({"manual_seed", "seed", "set_seed"})
#: Calls whose literal argument is a seed: the seeding calls and seeded generators
#: the analysis knows.
SEED_CALLS = SEEDING_CALLS | GENERATORS
#: Calls reading the file named by their first argument.
READ_CALLS = re.compile(
    r"^(pandas\.read_\w+|numpy\.(load|loadtxt|genfromtxt|fromfile)|joblib\.load"
    r"|torch\.load|PIL\.Image\.open|cv2\.imread|polars\.read_\w+)$"
)
#: Methods writing the file named by their first argument.
WRITE_METHODS = frozenset(
    {"to_csv", "to_parquet", "to_excel", "to_json", "to_pickle", "to_feather"}
)
#: Functions writing the file named by their argument at this position.
WRITE_CALLS = {
    "numpy.save": 0,
    "numpy.savetxt": 0,
    "numpy.savez": 0,
    "joblib.dump": 1,
    "torch.save": 1,
}
#: Keywords that tune how a call runs, not what it computes.
NOT_SETTINGS = frozenset(
    {
        "verbose",
        "verbosity",
        "verbose_eval",
        "silent",
        "n_jobs",
        "nthread",
        "thread_count",
        "workers",
        "use_multiprocessing",
        "inplace",
        "axis",
        "copy",
        "dtype",
        "device",
        "use_label_encoder",
        "enable_categorical",
        "logging_level",
        "return_train_score",
        "error_score",
        "pre_dispatch",
        "warm_start",
        "refit",
        "index",
        "header",
        "sep",
        "encoding",
    }
)
#: Classes of those libraries that hold data or results, not an estimator.
NOT_ESTIMATORS = re.compile(
    r"^sklearn\.(metrics|datasets|utils|inspection)\b|(DMatrix|Dataset|Pool|Booster)$"
)
#: Names that already say the file is written (as `planning/build.py` reads them).
OUTPUT_WORDS = re.compile(r"OUT|SAVE|EXPORT|RESULT|REPORT|SUBMISSION|DEST|WRITE|DUMP")
SEED = "SEED"
#: Keywords whose value seeds a random generator.
SEED_KEYWORDS = frozenset({"random_state", "seed", "random_seed"})
_SUFFIXES = re.compile(r"(Classifier|Regressor|CV)$")


class InlineSettings(NamedTuple):
    notebook: Notebook
    names: tuple[str, ...]  # the settings introduced, in notebook order


class _Knob(NamedTuple):
    """A literal to turn into a setting: where it is and the name its role gives."""

    node: ast.expr
    value: object
    role: str  # the name the role suggests: SEED, TEST_SIZE, RANDOM_FOREST_MAX_DEPTH
    fallback: str  # the name when `role` is taken by another value
    keyword: str | None = None  # `n_estimators` of `n_estimators=100`


def inline_settings(
    notebook: Notebook, parsed: tuple[ParsedCell, ...], facts: NotebookFacts
) -> InlineSettings | None:
    """The notebook with its inline knobs named, or None when it has none."""
    imports = imported_paths(facts)
    constants = _constants(parsed)
    taken = {n for c in facts.cells for n in (*c.defines, *c.reads)} | set(imports)
    chosen: dict[tuple[str, str], str] = {}  # (role, repr(value)) -> name
    owners: dict[str, str] = {}  # name -> repr(value)
    introduced: list[str] = []
    sources: dict[int, str] = {}
    secrets = {
        (cell.index, s.line, s.column) for cell in facts.cells for s in cell.secrets
    }
    paths = _paths(parsed, imports)
    for item in parsed:
        if item.tree is None:
            continue
        magic = ipython_lines(item)
        edits: list[tuple[ast.expr, str]] = []
        inserts: dict[int, list[str]] = {}
        for statement in item.tree.body:
            for knob in _knobs(statement, imports, paths):
                node = knob.node
                if node.lineno in magic or node.end_lineno != node.lineno:
                    continue  # IPython syntax, or a literal over several lines
                if (item.cell.index, node.lineno, node.col_offset) in secrets:
                    continue
                text = repr(knob.value)
                key = (knob.role, text)
                if key not in chosen:
                    name = _name(knob, text, constants, owners, taken)
                    chosen[key] = name
                    if name not in constants:
                        owners[name] = text
                        introduced.append(name)
                        first = min(
                            [statement.lineno]
                            + [d.lineno for d in _decorators(statement)]
                        )
                        inserts.setdefault(first, []).append(f"{name} = {text}\n")
                edits.append((node, chosen[key]))
        if edits:
            sources[item.cell.index] = _edited(item.cell.source, edits, inserts)
    if not sources:
        return None
    return InlineSettings(with_sources(notebook, sources), tuple(introduced))


def _name(
    knob: _Knob,
    text: str,
    constants: dict[str, str],
    owners: dict[str, str],
    taken: set[str],
) -> str:
    """A constant of the notebook named like the keyword and holding this value
    (`n_estimators = 100` of a `parameters` cell); else the role's name when free or
    already holding this value, else the fallback, else a numbered name."""
    if knob.keyword is not None and constants.get(knob.keyword) == text:
        return knob.keyword
    for candidate in (knob.role, knob.fallback):
        if constants.get(candidate) == text or owners.get(candidate) == text:
            return candidate
        if candidate not in taken and candidate not in owners and _usable(candidate):
            taken.add(candidate)
            return candidate
    number = 2
    while True:
        candidate = f"{knob.fallback}_{number}"
        if candidate not in taken and candidate not in owners:
            taken.add(candidate)
            return candidate
        number += 1


def _usable(name: str) -> bool:
    return is_safe_identifier(name) and name.isupper()


def _constants(parsed: tuple[ParsedCell, ...]) -> dict[str, str]:
    """Top-level `NAME = literal` constants the notebook already has, bound once:
    name -> repr (a name bound again may hold another value where a literal is)."""
    bound = module_bindings({item.cell.index: item for item in parsed})
    found: dict[str, str] = {}
    for item in parsed:
        for node in item.tree.body if item.tree is not None else []:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                value = literal_value(node.value)
                name = node.targets[0].id
                if value is not NOT_A_LITERAL and bound[name] == 1:
                    found[name] = repr(value)
    return found


def _decorators(statement: ast.stmt) -> list[ast.expr]:
    return list(getattr(statement, "decorator_list", []) or [])


def _knobs(
    statement: ast.stmt,
    imports: dict[str, str],
    paths: _Paths | None = None,
) -> list[_Knob]:
    """The knobs of one top-level statement (class bodies left out), in source order.
    With `paths`, a file name handed to another call (a notebook function) is a
    setting too: the same as where it is read or written (one file, one setting), or
    one of its own when the function reads or writes that parameter as a file."""
    if isinstance(statement, ast.ClassDef):
        return []
    found: list[_Knob] = []
    taken: set[int] = set()  # the literals already a knob
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.ClassDef):
            continue
        if isinstance(node, ast.Call):
            knobs = _call_knobs(node, imports)
            taken.update(id(knob.node) for knob in knobs)
            if paths is not None:
                knobs += _same_paths(node, paths, taken)
            found += knobs
        stack.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda k: (k.node.lineno, k.node.col_offset))


class _Paths(NamedTuple):
    """What makes a file name a setting beyond the calls that read or write it."""

    known: dict[str, _Knob]  # file name -> the knob of a call reading or writing it
    #: notebook function -> its parameters a call in its body reads or writes as a
    #: file (name -> whether it writes), and their order
    functions: dict[str, tuple[tuple[str, ...], dict[str, bool]]]


def _paths(parsed: tuple[ParsedCell, ...], imports: dict[str, str]) -> _Paths:
    return _Paths(
        _paths_read_or_written(parsed, imports), _path_parameters(parsed, imports)
    )


def _path_parameters(
    parsed: tuple[ParsedCell, ...], imports: dict[str, str]
) -> dict[str, tuple[tuple[str, ...], dict[str, bool]]]:
    """`def read_dataframe(filename): df = pd.read_parquet(filename)`: filename is a
    file the function reads."""
    found: dict[str, tuple[tuple[str, ...], dict[str, bool]]] = {}
    for item in parsed:
        for function in item.tree.body if item.tree is not None else []:
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            arguments = function.args
            names = tuple(a.arg for a in (*arguments.posonlyargs, *arguments.args))
            files: dict[str, bool] = {}
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                path = resolved_path(node.func, imports) or _builtin(node.func)
                method = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else None
                )
                argument = _path_argument(node, path, method)
                if argument is None:
                    continue
                target, written = argument
                if isinstance(target, ast.Name) and target.id in names:
                    files[target.id] = written
            if files:
                found[function.name] = (names, files)
    return found


def _paths_read_or_written(
    parsed: tuple[ParsedCell, ...], imports: dict[str, str]
) -> dict[str, _Knob]:
    """File name -> the knob of a call that reads or writes it (the first one)."""
    found: dict[str, _Knob] = {}
    for item in parsed:
        for statement in item.tree.body if item.tree is not None else []:
            for knob in _knobs(statement, imports):
                if isinstance(knob.value, str) and knob.keyword is None:
                    found.setdefault(knob.value, knob)
    return found


def _same_paths(call: ast.Call, paths: _Paths, taken: set[int]) -> list[_Knob]:
    """Arguments of `call` naming a file another call reads or writes, or handed to
    a parameter of a notebook function that reads or writes it as a file."""
    found = []
    arguments = [(node, index, None) for index, node in enumerate(call.args)] + [
        (keyword.value, None, keyword.arg) for keyword in call.keywords
    ]
    function = call.func.id if isinstance(call.func, ast.Name) else None
    names, files = paths.functions.get(function or "", ((), {}))
    for node, index, keyword in arguments:
        if id(node) in taken:
            continue
        value = literal_value(node)
        if not isinstance(value, str):
            continue
        if value in paths.known:
            known = paths.known[value]
            found.append(_Knob(node, value, known.role, known.fallback))
            continue
        parameter = keyword or (
            names[index] if index is not None and index < len(names) else None
        )
        if parameter in files:
            knob = _path_knob(node, files[parameter])
            if knob is not None:
                found.append(knob)
    return found


def _call_knobs(call: ast.Call, imports: dict[str, str]) -> list[_Knob]:
    path = resolved_path(call.func, imports) or _builtin(call.func)
    method = call.func.attr if isinstance(call.func, ast.Attribute) else None
    found: list[_Knob] = []
    if (path in SEED_CALLS or method in SEED_METHODS) and call.args:
        value = literal_value(call.args[0])
        if isinstance(value, int) and not isinstance(value, bool):
            owner = _prefix(path) if path in SEED_CALLS else "GENERATOR"
            found.append(_Knob(call.args[0], value, SEED, owner + "_SEED"))
    found += _path_knobs(call, path, method)
    kind = _kind_of_call(path, method)
    named = kind in ("estimator", "transformer", "optimizer")
    prefix = _prefix(path) if named and path else ""
    call_kind = kind
    for keyword in call.keywords:
        kind = call_kind
        if keyword.arg is None or keyword.arg in NOT_SETTINGS:
            continue
        value = literal_value(keyword.value)
        if value is NOT_A_LITERAL or value is None:
            continue
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        if keyword.arg in SEED_KEYWORDS:  # a seed, whatever the call
            if numeric:
                fallback = f"{prefix or _prefix(path or method or 'SPLIT')}_SEED"
                found.append(_Knob(keyword.value, value, SEED, fallback))
            continue
        if kind is None and numeric and keyword.arg in TRAINING_KEYWORDS:
            kind = "training"  # `train(model, epochs=5)`: a knob whatever the call
        elif kind is None or (kind != "estimator" and not numeric):
            continue
        role_name = keyword.arg.upper()
        full = f"{prefix}_{role_name}" if prefix else role_name
        callee = (
            path or method or (call.func.id if isinstance(call.func, ast.Name) else "")
        )
        fallback = full if prefix else f"{_prefix(callee)}_{role_name}"
        found.append(_Knob(keyword.value, value, full, fallback, keyword.arg))
    return found


def _kind_of_call(path: str | None, method: str | None) -> str | None:
    """estimator | transformer | optimizer | selection | training, or None."""
    if path is not None:
        root, name = path.split(".")[0], path.rsplit(".", 1)[-1]
        if MODEL_SELECTION.match(path):
            return "selection"
        if (
            root in ESTIMATOR_LIBRARIES
            and name[:1].isupper()
            and not NOT_ESTIMATORS.search(path)
        ):
            return "transformer" if NOT_MODELS.match(path) else "estimator"
        if OPTIMIZER_MODULES.match(path) and name[:1].isupper():
            return "optimizer"
        if path in TRAINING_CALLS:
            return "training"
    if method in TRAINING_METHODS:
        return "training"
    return None


def _path_knobs(call: ast.Call, path: str | None, method: str | None) -> list[_Knob]:
    """File names a call reads or writes."""
    argument = _path_argument(call, path, method)
    if argument is None:
        return []
    node, written = argument
    knob = _path_knob(node, written)
    return [knob] if knob is not None else []


def _path_argument(
    call: ast.Call, path: str | None, method: str | None
) -> tuple[ast.expr, bool] | None:
    """The argument naming the file a call reads or writes, and whether it writes."""
    position: int | None = None
    written = False
    if path is not None and READ_CALLS.match(path):
        position = 0
    elif path is not None and path in WRITE_CALLS:
        position, written = WRITE_CALLS[path], True
    elif method in WRITE_METHODS:
        position, written = 0, True
    elif path == "open":
        position, written = 0, not _opens_for_reading(call)
    if position is None or len(call.args) <= position:
        return None
    return call.args[position], written


def _path_knob(node: ast.expr, written: bool) -> _Knob | None:
    """The setting a literal file name makes, named for what it reads or writes."""
    value = literal_value(node)
    if not isinstance(value, str) or not (looks_like_path(value) or is_url(value)):
        return None
    role, fallback = _path_names(value)
    if written and not OUTPUT_WORDS.search(role):  # what it writes, not an input
        role, fallback = f"OUTPUT_{role}", f"OUTPUT_{fallback}"
    return _Knob(node, value, role, fallback)


def _opens_for_reading(call: ast.Call) -> bool:
    mode: object = "r"
    if len(call.args) > 1:
        mode = literal_value(call.args[1])
    for keyword in call.keywords:
        if keyword.arg == "mode":
            mode = literal_value(keyword.value)
    return isinstance(mode, str) and not set(mode) & set("wax+")


def _path_names(value: str) -> tuple[str, str]:
    """`../input/titanic/train.csv` -> (TRAIN_CSV, TITANIC_TRAIN_CSV); URLs end _URL."""
    text = value.split("?")[0].rstrip("/").replace("\\", "/")
    base = posixpath.basename(text)
    parent = posixpath.basename(posixpath.dirname(text))
    stem = _upper_words(base) or "DATA"
    if is_url(value):
        stem = f"{stem}_URL" if not stem.endswith("_URL") else stem
    if stem[0].isdigit():
        stem = f"FILE_{stem}"
    folder = _upper_words(parent)
    return stem, (f"{folder}_{stem}" if folder and not folder[0].isdigit() else stem)


def _upper_words(text: str) -> str:
    return "_".join(re.findall(r"[A-Za-z0-9]+", text)).upper()


def _prefix(path: str) -> str:
    """`sklearn.ensemble.RandomForestClassifier` -> RANDOM_FOREST; `torch.optim.SGD`
    -> SGD; `numpy.random.seed` -> NUMPY."""
    name = path.rsplit(".", 1)[-1]
    if path in SEED_CALLS:
        name = path.split(".")[0]
    stripped = _SUFFIXES.sub("", name) or name
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", stripped)
    return _upper_words(words) or "CALL"


def _builtin(func: ast.expr) -> str | None:
    return "open" if isinstance(func, ast.Name) and func.id == "open" else None


def _edited(
    source: str, edits: list[tuple[ast.expr, str]], inserts: dict[int, list[str]]
) -> str:
    """`source` with each literal replaced by its name (bottom up, by UTF-8 offsets)
    and the settings' assignments inserted above their statements."""
    lines = [content + ending for content, ending in split_lines(source)]
    for node, name in sorted(
        edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True
    ):
        end_line = node.end_lineno or node.lineno
        head = lines[node.lineno - 1].encode("utf-8")[: node.col_offset]
        tail = lines[end_line - 1].encode("utf-8")[node.end_col_offset :]
        lines[node.lineno - 1 : end_line] = [(head + name.encode() + tail).decode()]
    for line in sorted(inserts, reverse=True):
        if line - 1 >= len(lines) and lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines[line - 1 : line - 1] = inserts[line]
    return "".join(lines)
