"""Modules the notebook imports from its own folder travel with the package.

A notebook often imports a helper that sits beside it (`import utils`) or in a folder it
puts on `sys.path` (`sys.path.insert(0, "..")`). pip cannot install such a module, so
listing it as a requirement gives a package that cannot start. Instead the module is
copied into the package, under `PKG/_local/`, and the imports are rewritten to reach it
there (`transforms/local_imports.py`); what it imports itself joins the requirements.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path
from typing import NamedTuple

from nb2prod.reading.parsing import ParsedCell

#: Past these, a folder is a project of its own, not a helper to copy.
MAX_FILES = 200
MAX_BYTES = 4 * 1024 * 1024
_SKIPPED_FOLDERS = {"__pycache__", ".ipynb_checkpoints", ".git", ".venv", "venv"}


class LocalModule(NamedTuple):
    """A module or package found in the notebook's folder (or on a path it adds)."""

    name: str  # the top-level import name
    origin: str  # where it was found, relative to the notebook's folder
    files: tuple[tuple[str, str], ...]  # (path under `_local/`, source text)


class LocalSearch(NamedTuple):
    modules: tuple[LocalModule, ...]
    problems: tuple[str, ...]  # local modules that could not be copied, and why


def find_local_modules(
    notebook_path: str, parsed: dict[int, ParsedCell], imported: set[str]
) -> LocalSearch:
    """The local modules among `imported` (top-level names), and those that follow from
    them (a helper importing another helper), searched where the notebook would."""
    folder = Path(notebook_path).resolve().parent
    if not folder.is_dir():
        return LocalSearch((), ())
    search = [folder, *(folder / path for path in added_paths(parsed))]
    found: dict[str, LocalModule] = {}
    problems: list[str] = []
    pending = sorted(name for name in imported if name not in sys.stdlib_module_names)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        located = _locate(name, search)
        if located is None:
            continue
        module = _read(name, located, folder)
        if isinstance(module, str):
            problems.append(module)
            continue
        found[name] = module
        for _, text in module.files:
            pending += sorted(_absolute_imports(text) - set(found))
    return LocalSearch(tuple(found[name] for name in sorted(found)), tuple(problems))


def sibling_modules(notebook_path: str) -> frozenset[str]:
    """Names of the modules and packages beside the notebook (what `import NAME` or
    `python -m NAME` run in its folder would find first)."""
    folder = Path(notebook_path).parent
    if not folder.is_dir():
        return frozenset()
    return frozenset(
        entry.stem if entry.suffix == ".py" else entry.name
        for entry in folder.iterdir()
        if (entry.suffix == ".py" and entry.is_file())
        or (entry.is_dir() and (entry / "__init__.py").is_file())
    )


def added_paths(parsed: dict[int, ParsedCell]) -> list[str]:
    """Relative folders the notebook adds with `sys.path.insert(i, P)` or
    `sys.path.append(P)` when P is a literal path (possibly through `os.path.join`,
    `os.path.abspath` or `pathlib.Path`)."""
    paths: list[str] = []
    for item in parsed.values():
        for node in ast.walk(item.tree) if item.tree is not None else ():
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("insert", "append")
                and ast.unparse(node.func.value) == "sys.path"
                and node.args
            ):
                continue
            value = _literal_path(node.args[-1])
            if value is not None and not os.path.isabs(value):
                paths.append(value)
    return list(dict.fromkeys(paths))


def _literal_path(node: ast.expr) -> str | None:
    """The value of a path expression built from string literals, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call):
        name = ast.unparse(node.func)
        parts = [_literal_path(argument) for argument in node.args]
        if any(part is None for part in parts) or not parts:
            if name.endswith(("resolve", "absolute")) and isinstance(
                node.func, ast.Attribute
            ):
                return _literal_path(node.func.value)
            return None
        texts = [part for part in parts if part is not None]
        if name in ("os.path.join", "path.join", "Path", "pathlib.Path", "PurePath"):
            return os.path.join(*texts)
        if name in ("os.path.abspath", "os.path.realpath", "os.path.normpath", "str"):
            return texts[0]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _literal_path(node.left), _literal_path(node.right)
        if left is not None and right is not None:
            return os.path.join(left, right)
    return None


def _locate(name: str, search: list[Path]) -> Path | None:
    for folder in search:
        if (folder / f"{name}.py").is_file():
            return folder / f"{name}.py"
        if (folder / name / "__init__.py").is_file():
            return folder / name
    return None


def _read(name: str, located: Path, folder: Path) -> LocalModule | str:
    """The module's files, or why they cannot be copied."""
    origin = os.path.relpath(located, folder)
    if located.is_file():
        sources = [(f"{name}.py", located)]
    else:
        sources = [
            (f"{name}/{path.relative_to(located).as_posix()}", path)
            for path in sorted(located.rglob("*.py"))
            if not _SKIPPED_FOLDERS & set(path.relative_to(located).parts)
        ]
    if len(sources) > MAX_FILES:
        return f"`{name}` ({origin}) has {len(sources)} Python files; not copied"
    files, size = [], 0
    for relative, path in sources:
        try:
            text = path.read_text(encoding="utf-8")
            ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as error:
            reason = getattr(error, "msg", None) or type(error).__name__
            return (
                f"`{name}` ({origin}): {relative} cannot be read as Python ({reason})"
            )
        size += len(text)
        files.append((relative, text))
    if size > MAX_BYTES:
        return f"`{name}` ({origin}) holds {size // 1024} KiB of code; not copied"
    return LocalModule(name, origin, tuple(files))


def _absolute_imports(text: str) -> set[str]:
    """Top-level names a module imports absolutely."""
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names)


def local_imports(modules: tuple[LocalModule, ...]) -> list[tuple[str, str]]:
    """(module, imported top-level name) of every absolute import in the local code:
    its third-party needs join the package's requirements."""
    found = []
    for module in modules:
        for _, text in module.files:
            found += [(module.name, name) for name in sorted(_absolute_imports(text))]
    return found
