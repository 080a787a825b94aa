"""Which notebook constants become config values, and which literals are secrets.

A constant is a name bound once in the whole notebook, by a top-level `NAME = literal`,
never changed in place: UPPER_CASE names, paths and URLs, numbers that are passed
as keyword arguments (hyper-parameters such as `n_estimators = 200`), and every such
assignment of a cell tagged `parameters` (papermill's convention), whatever its name. Absolute or
user-specific paths are split into a data directory (a config value of its own) and
a relative part, so the package runs anywhere.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections import Counter

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.analysis.literals import (
    NOT_A_LITERAL,
    is_absolute_or_user_path,
    is_url,
    literal_value,
    looks_like_path,
)
from nb2prod.planning.ipython import env_assignment, is_env_secret
from nb2prod.planning.plan import ConfigKind, ConfigValue, Secret
from nb2prod.reading.magics import IPythonSyntax
from nb2prod.reading.parsing import ParsedCell

DATA_DIR = "DATA_DIR"
OUTPUT_DIR = "OUTPUT_DIR"
#: Names of settings that hold a file the notebook writes (`OUTPUT_PREDS_CSV`).
OUTPUT_NAME = re.compile(
    r"OUT|SAVE|EXPORT|RESULT|REPORT|SUBMISSION|DEST|WRITE|DUMP", re.IGNORECASE
)
#: The cell tag papermill reads: every `name = literal` of such a cell is a setting.
PARAMETERS_TAG = "parameters"


def find_constants(
    parsed: dict[int, ParsedCell], facts: NotebookFacts
) -> list[ConfigValue]:
    """Config values, in notebook order."""
    bindings = module_bindings(parsed)
    changed = {n for cell in facts.cells for n in (*cell.mutates, *cell.deletes)}
    changed |= {
        n for cell in facts.cells for f in cell.functions for n in f.globals_written
    }
    keyword_values = {
        literal.value
        for cell in facts.cells
        for literal in cell.literals
        if literal.kind == "hyperparameter"
    }
    found = []
    for index, item in parsed.items():
        if item.tree is None:
            continue
        for node in item.tree.body:
            candidate = _literal_assignment(node)
            if candidate is None:
                continue
            name, value = candidate
            if bindings[name] != 1 or name in changed:
                continue
            kind = _kind(value)
            wanted = (
                name.isupper()
                or PARAMETERS_TAG in item.cell.tags  # papermill's mark: settings
                or kind in ("path", "url")
                or (kind == "number" and _used_as_keyword(name, parsed))
            )
            if wanted or (repr(value) in keyword_values and name.isupper()):
                found.append(ConfigValue(name, repr(value), index, kind))
    return _portable_paths(found, _written_only(facts))


def _literal_assignment(node: ast.stmt) -> tuple[str, object] | None:
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
        return None
    target, value = node.targets[0], node.value
    if not isinstance(target, ast.Name):
        return None
    literal = literal_value(value)
    if literal is NOT_A_LITERAL or literal is None:
        return None
    return target.id, literal


def _kind(value: object) -> ConfigKind:
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, (int, float)):
        return "number"
    text = str(value)
    if is_url(text):
        return "url"
    return "path" if looks_like_path(text) else "text"


def module_bindings(parsed: dict[int, ParsedCell]) -> Counter[str]:
    """How many times each name is bound at notebook scope, across all cells."""
    counts: Counter[str] = Counter()
    for item in parsed.values():
        if item.tree is not None:
            for node in _module_level_nodes(item.tree):
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    counts[node.id] += 1
                elif isinstance(node, ast.AugAssign) and isinstance(
                    node.target, ast.Name
                ):
                    counts[node.target.id] += 1
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    for alias in node.names:
                        counts[(alias.asname or alias.name).split(".")[0]] += 1
                elif isinstance(
                    node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
                ):
                    counts[node.name] += 1
    return counts


def _module_level_nodes(tree: ast.Module) -> list[ast.AST]:
    """Nodes that run at notebook scope (function and class bodies excluded)."""
    nodes: list[ast.AST] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
        ):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def _used_as_keyword(name: str, parsed: dict[int, ParsedCell]) -> bool:
    """`n_estimators = 200` ... `Model(n_estimators=n_estimators)`: a hyper-parameter."""
    for item in parsed.values():
        if item.tree is None or name not in item.translation.python:
            continue
        for node in ast.walk(item.tree):
            value = node.value if isinstance(node, ast.keyword) else None
            if isinstance(value, ast.Name) and value.id == name:
                return True
    return False


def _written_only(facts: NotebookFacts) -> set[str]:
    """Paths, and names holding paths, that the notebook's calls write and never
    read (`df.to_csv(OUTPUT_PREDS_CSV)`, `df.to_pickle("/home/ana/model.pkl")`)."""
    written, read = set(), set()
    for cell in facts.cells:
        for call in cell.io:
            places = {p for p in (call.path, call.path_name) if p is not None}
            if call.kind == "write":
                written |= places
            elif call.kind == "read":
                read |= places
    return written - read


def _portable_paths(
    values: list[ConfigValue], written_only: set[str]
) -> list[ConfigValue]:
    """Absolute paths become relative: a file the notebook reads to DATA_DIR (a
    setting of its own, added here), one it only writes to OUTPUT_DIR, where the
    package writes: `/home/ana/out/preds.csv` is no folder of the data, nor one a
    container can write to."""
    absolute = [
        v for v in values if v.kind == "path" and is_absolute_or_user_path(_text(v))
    ]
    if not absolute:
        return values
    written = [v for v in absolute if {v.name, _text(v)} & written_only]
    read = [v for v in absolute if v not in written]
    relative = {**_relative(read, DATA_DIR), **_relative(written, OUTPUT_DIR)}
    result = [relative.get(value.name, value) for value in values]
    if read:
        result.insert(0, ConfigValue(DATA_DIR, repr("."), read[0].cell, "path"))
    return result


def _relative(values: list[ConfigValue], under: str) -> dict[str, ConfigValue]:
    """Each value relative to the folder the values share, joined with `under`."""
    folders = [posixpath.dirname(_text(v).replace("\\", "/")) for v in values]
    common = (
        posixpath.commonpath(folders)
        if folders and all(f.startswith("/") for f in folders)
        else ""
    )
    found = {}
    for value in values:
        text = _text(value).replace("\\", "/")
        relative = (
            posixpath.relpath(text, common) if common else posixpath.basename(text)
        )
        found[value.name] = value._replace(
            value=repr(relative), original=value.value, under=under
        )
    return found


def _text(value: ConfigValue) -> str:
    text = ast.literal_eval(value.value)
    return text if isinstance(text, str) else ""


def find_secrets(facts: NotebookFacts) -> list[Secret]:
    """Secrets the package reads from the environment: literals in code, each with the
    variable that replaces it, and `%env NAME=<secret>` lines (the variable NAME)."""
    found: list[Secret] = []
    used: set[str] = set()
    for cell in facts.cells:
        magics = {fact.span.line: fact for fact in cell.ipython_syntax}
        for secret in cell.secrets:
            if secret.place == "magic" and secret.line in magics:
                variable = _environment_secret(magics[secret.line])
                if variable is not None:
                    found.append(
                        Secret(
                            cell.index,
                            secret.line,
                            secret.column,
                            variable,
                            variable,
                            "environment",
                        )
                    )
                continue
            if secret.place != "literal" or any(
                fact.span.line == secret.line for fact in cell.ipython_syntax
            ):
                continue  # comments are redacted; shell lines stay TODOs, redacted
            base = (
                re.sub(r"\W+", "_", secret.name or secret.kind).strip("_").upper()
                or "SECRET"
            )
            variable, number = base, 2
            while variable in used:
                variable, number = f"{base}_{number}", number + 1
            used.add(variable)
            found.append(
                Secret(cell.index, secret.line, secret.column, variable, secret.name)
            )
    return list(dict.fromkeys(found))


def _environment_secret(fact: IPythonSyntax) -> str | None:
    """NAME of a `%env NAME=<secret>` line, which the package reads instead of sets."""
    assignment = env_assignment(fact)
    if assignment is None or not is_env_secret(*assignment):
        return None
    return assignment[0]
