"""Several notebooks into one package: each notebook becomes a subpackage with its own
pipeline and command, and functions the notebooks define identically are written once,
in `helpers.py`, which every module that used them imports.

Notebooks of one project copy helpers between them (the same `clean_text` in the
exploration and the training notebook); one package should hold one copy, or a fix to
one silently misses the other.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from nb2prod.convert import convert_notebook
from nb2prod.emit.imports import narrowed, used_aliases
from nb2prod.errors import ConversionError
from nb2prod.planning.naming import package_name, unique
from nb2prod.planning.plan import Plan
from nb2prod.reading.notebook import Notebook
from nb2prod.selfcheck import Problem

Package = dict[str, str]
#: Modules every subpackage generates: never a source of shared helpers.
_GENERATED = {"__init__", "__main__", "config", "pipeline", "logs", "figures"}
_BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__"}


class Combined(NamedTuple):
    """The package and, per notebook, its subpackage name and plan."""

    package: Package
    parts: tuple[tuple[str, Plan], ...]
    shared: tuple[str, ...]  # names written once in helpers.py
    problems: tuple[Problem, ...] = ()  # the self-check's, per notebook (selfcheck.py)


def combine_notebooks(notebooks: list[Notebook], name: str) -> Combined:
    """One package called `name` holding a subpackage per notebook."""
    from nb2prod.emit.formatting import format_files
    from nb2prod.emit.package import render_combined_root

    taken: set[str] = set(_GENERATED) | {"helpers", "tests", name}
    parts: list[tuple[str, Plan]] = []
    problems: list[Problem] = []
    files: Package = {}
    for notebook in notebooks:
        sub = unique(package_name(Path(notebook.path).stem), taken)
        result = convert_notebook(notebook, f"{name}.{sub}")
        parts.append((sub, result.plan))
        problems += [
            problem._replace(path=_relocate(problem.path, name, sub) or problem.path)
            for problem in result.problems
        ]
        for relative, text in result.package.items():
            target = _relocate(relative, name, sub)
            if target is None:
                continue
            if target in files and files[target] != text:
                raise ConversionError(
                    notebook.path,
                    f"`{target}` would differ between the notebooks (a %%writefile "
                    "cell writing the same file); convert them separately",
                )
            files[target] = text
    shared = _share_helpers(files, name, parts)
    files.update(render_combined_root(name, [plan for _, plan in parts]))
    return Combined(
        format_files(dict(sorted(files.items()))), tuple(parts), shared, tuple(problems)
    )


def _relocate(relative: str, name: str, sub: str) -> str | None:
    """Where a file of one notebook's package goes in the combined package (None: the
    combined package writes its own)."""
    source = f"src/{name}.{sub}/"
    if relative.startswith(source):
        return f"src/{name}/{sub}/{relative[len(source):]}"
    if relative.startswith("tests/"):
        stem = Path(relative).name
        if stem == "conftest.py":
            return None  # one for the whole package, from render_combined_root
        return f"tests/test_{sub}_{stem.removeprefix('test_')}"
    if relative.startswith("data/"):
        return relative
    if relative == "README.md":
        return f"src/{name}/{sub}/README.md"
    return None


def _share_helpers(
    files: Package, name: str, parts: list[tuple[str, Plan]]
) -> tuple[str, ...]:
    """Move definitions that two or more subpackages hold identically to helpers.py.
    Candidates are what each plan says the notebook defined, in the modules the plan
    made from its cells: nb2prod's own modules (models.py, config.py...) are never
    notebook code, however alike they are between subpackages."""
    plans = dict(parts)
    modules = {
        path: ast.parse(text)
        for path, text in files.items()
        if path.startswith(f"src/{name}/")
        and path.endswith(".py")
        and path.count("/") == 3
        and Path(path).stem in plans[path.split("/")[2]].modules
    }
    defined = {
        sub: {function.name for function in plan.functions} for sub, plan in parts
    }
    seen: dict[tuple[str, str], set[str]] = {}  # (name, source) -> subpackages
    for path, tree in modules.items():
        sub = path.split("/")[2]
        for node in tree.body:
            if (
                isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and node.name in defined[sub]
            ):
                key = (node.name, ast.get_source_segment(files[path], node) or "")
                seen.setdefault(key, set()).add(sub)
    candidates = {key for key, subs in seen.items() if len(subs) > 1}
    names = [n for n, _ in candidates]
    candidates = {key for key in candidates if names.count(key[0]) == 1}
    movable = _self_contained(candidates, modules, files)
    if not movable:
        return ()
    helper_imports: dict[str, str] = {}
    definitions: dict[str, str] = {}
    for path, tree in modules.items():
        text = files[path]
        moved = [
            node
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and (node.name, ast.get_source_segment(text, node) or "") in movable
        ]
        if not moved:
            continue
        for node in moved:
            definitions[node.name] = _with_decorators(text, node)
            for line in _imports_used_by(tree, text, node):
                helper_imports.setdefault(line, line)
        files[path] = _without(
            text,
            tree,
            moved,
            f"from {name}.helpers import " + ", ".join(sorted(n.name for n in moved)),
        )
    files[f"src/{name}/helpers.py"] = _helpers_module(helper_imports, definitions)
    return tuple(sorted(definitions))


def _self_contained(
    candidates: set[tuple[str, str]], modules: dict[str, ast.Module], files: Package
) -> set[tuple[str, str]]:
    """Candidates whose free names are builtins, imports, the logger or other
    candidates: what can live in helpers.py without its notebook."""
    movable = set(candidates)
    changed = True
    while changed:
        changed = False
        names = {n for n, _ in movable}
        for path, tree in modules.items():
            imported = _imported_names(tree)
            for node in tree.body:
                if not isinstance(
                    node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
                ):
                    continue
                key = (node.name, ast.get_source_segment(files[path], node) or "")
                if key not in movable:
                    continue
                free = _free_names(node) - _BUILTINS - imported - names - {"logger"}
                if free:
                    movable.discard(key)
                    changed = True
    return movable


def _imported_names(tree: ast.Module) -> set[str]:
    found = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                found.add((alias.asname or alias.name).split(".")[0])
    return found


def _free_names(node: ast.AST) -> set[str]:
    """Names a definition loads that it does not bind itself (a generous estimate)."""
    loaded: set[str] = set()
    bound: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name):
            (loaded if isinstance(inner.ctx, ast.Load) else bound).add(inner.id)
        elif isinstance(inner, ast.arg):
            bound.add(inner.arg)
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(inner.name)
        elif isinstance(inner, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in inner.names}
        elif isinstance(inner, ast.ExceptHandler) and inner.name:
            bound.add(inner.name)
    return loaded - bound


def _imports_used_by(tree: ast.Module, text: str, node: ast.AST) -> list[str]:
    """The module's import statements, narrowed to the names `node` uses."""
    used = _free_names(node)
    lines = []
    for statement in tree.body:
        if not isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        kept = used_aliases(statement, used)
        if kept:
            lines.append(narrowed(statement, kept))
    if "logger" in used:
        lines.append("import logging")
    return lines


def _with_decorators(text: str, node: ast.AST) -> str:
    lines = text.splitlines()
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])  # type: ignore[attr-defined]
    return "\n".join(lines[start - 1 : node.end_lineno])  # type: ignore[attr-defined]


def _without(text: str, tree: ast.Module, moved: Sequence[ast.AST], line: str) -> str:
    """The module minus the moved definitions, importing them instead; imports only
    the moved code used are dropped."""
    lines = text.splitlines()
    drop = set()
    for node in moved:
        decorators = getattr(node, "decorator_list", [])
        start = min([node.lineno, *(d.lineno for d in decorators)])  # type: ignore[attr-defined]
        drop |= set(range(start, node.end_lineno + 1))  # type: ignore[attr-defined]
    kept_tree = ast.parse("\n".join(t for n, t in enumerate(lines, 1) if n not in drop))
    still_used = {n.id for n in ast.walk(kept_tree) if isinstance(n, ast.Name)} | {
        "logging"
    }
    out = []
    last_import = 0
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            last_import = statement.end_lineno or statement.lineno
            kept = used_aliases(statement, still_used)
            if len(kept) != len(statement.names):
                span = range(statement.lineno, (statement.end_lineno or 0) + 1)
                drop |= set(span)
                if kept:
                    out.append((statement.lineno, narrowed(statement, kept)))
    replacements = dict(out)
    result = []
    for number, content in enumerate(lines, 1):
        if number in replacements:
            result.append(replacements[number])
        elif number not in drop:
            result.append(content)
        if number == last_import:
            result.append(line)
    return "\n".join(result) + "\n"


def _helpers_module(imports: dict[str, str], definitions: dict[str, str]) -> str:
    header = (
        '"""Functions several of the notebooks defined identically, written once."""'
    )
    lines = [header, "", *sorted(imports), ""]
    if "import logging" in imports:
        lines += ["logger = logging.getLogger(__name__)", ""]
    for name in sorted(definitions):
        lines += ["", definitions[name], ""]
    return "\n".join(lines) + "\n"
