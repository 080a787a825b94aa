"""The checks a reviewer runs first on a generated package, run before convert reports
success: every module compiles, no name a module reads is unbound, every import resolves
where nb2prod runs.

A package that fails is still written (the user may fix it by hand), but convert exits 1
and names each problem with the notebook cell it comes from: a warning nobody reads is
not a fix.
"""

from __future__ import annotations

import ast
import functools
import importlib.machinery
import importlib.util
import re
import sys
from collections.abc import Collection, Iterator
from typing import NamedTuple

from nb2prod.analysis.removed_apis import REMOVED, installed_has_removed, removal
from nb2prod.planning.plan import Plan

#: pyflakes messages that mean the code fails when it runs (not style: unused imports,
#: redefinitions and the like are left to the package's own lint).
_BROKEN = frozenset(
    {
        "UndefinedName",
        "UndefinedLocal",
        "UndefinedExport",
        "DuplicateArgument",
        "ReturnOutsideFunction",
        "YieldOutsideFunction",
        "ContinueOutsideLoop",
        "BreakOutsideLoop",
        "DefaultExceptNotLast",
        "TwoStarredExpressions",
        "TooManyExpressionsInStarredAssignment",
        "ForwardAnnotationSyntaxError",
        "PercentFormatInvalidFormat",
        "StringDotFormatInvalidFormat",
    }
)


_ImportNode = ast.Import | ast.ImportFrom
#: `try:` and, from Python 3.11, `try: ... except* ...:`
_TRY_STATEMENTS = (ast.Try, getattr(ast, "TryStar", ast.Try))


class Problem(NamedTuple):
    """One reason the package would fail, where it is, and the cell it comes from."""

    path: str  # relative to the package folder
    line: int
    message: str
    cell: int | None  # the notebook cell (0-based) the code comes from, when known

    def describe(self) -> str:
        origin = f" (notebook cell {self.cell + 1})" if self.cell is not None else ""
        return f"{self.path}:{self.line}: {self.message}{origin}"


def check_package(
    package: dict[str, str],
    plan: Plan,
    sources: dict[int, str],
    only: Collection[str] | None = None,
) -> list[Problem]:
    """The problems of `package` (of its files in `only`, when given), in file and
    line order.

    `sources` maps a cell index to its source, to name the cell a problem comes from.
    """
    _missing_part.cache_clear()  # what is installed is looked up once per check
    problems: list[Problem] = []
    own = _OwnNames(package, plan.package)
    for path in sorted(package if only is None else only):
        if not path.endswith(".py"):
            continue
        try:
            tree = own.tree(path)
        except (SyntaxError, ValueError) as error:
            line = getattr(error, "lineno", None) or 1
            problems.append(Problem(path, line, f"does not compile: {error}", None))
            continue
        found = list(_unbound_names(tree, path))
        top = plan.package.split(".")[0]
        imports = [site for site, optional in _import_sites(tree) if not optional]
        if path.startswith("src/"):
            found += _unresolved_imports(
                imports, top, _pinned_imports(plan), frozenset(plan.fetched_modules)
            )
        found += _missing_own_names(imports, own, top)
        found += _read_before_defined(tree, path, plan)
        for line, message, name in found:
            cell = _cell_of(path, name, plan, sources)
            problems.append(Problem(path, line, message, cell))
    return sorted(problems)


def _unbound_names(tree: ast.Module, path: str) -> Iterator[tuple[int, str, str]]:
    from pyflakes.checker import Checker

    checker = Checker(tree, filename=path)
    for message in checker.messages:
        kind = type(message).__name__
        arguments = message.message_args
        name = str(arguments[0]) if arguments else ""
        if kind in _BROKEN:
            yield message.lineno, message.message % arguments, name
        elif kind == "ImportStarUsage":  # (name, "module_a, module_b")
            modules = [module.strip() for module in str(arguments[1]).split(",")]
            if all(_missing_part(module) is not None for module in modules):
                sources = " or ".join(f"`from {module} import *`" for module in modules)
                installed = "none is" if len(modules) > 1 else "its module is not"
                yield message.lineno, (
                    f"`{name}` can only come from {sources}, and {installed} installed"
                ), name


def _read_before_defined(
    tree: ast.Module, path: str, plan: Plan
) -> Iterator[tuple[int, str, str]]:
    """Names the plan found read before the cell that defines them, at their first
    read in the step function of this module that receives None for them."""
    module = f"src/{plan.package.replace('.', '/')}/"
    for read in plan.read_before_defined:
        step = next((s for s in plan.steps if s.name == read.step), None)
        if step is None or path != f"{module}{step.module}.py":
            continue
        function = next(
            (
                node
                for node in tree.body
                if isinstance(node, ast.FunctionDef) and node.name == step.name
            ),
            None,
        )
        if function is None:
            continue
        line = min(
            (
                node.lineno
                for statement in function.body
                for node in ast.walk(statement)
                if isinstance(node, ast.Name) and node.id == read.name
            ),
            default=function.lineno,
        )
        yield line, (
            f"`{read.name}` is read before any cell defines it: cell "
            f"{read.defined + 1} does, later (the notebook ran its cells out of "
            f"order); move that cell up and convert again"
        ), read.name


def _unresolved_imports(
    imports: list[_ImportNode],
    own: str,
    pinned: frozenset[str] = frozenset(),
    fetched: frozenset[str] = frozenset(),
) -> Iterator[tuple[int, str, str]]:
    """Imports that no installed module provides (modules missing here that
    requirements.txt pins excepted); `fetched`: modules the notebook writes itself
    when it runs."""
    for node in imports:
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif not node.level and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            top = module.split(".")[0]
            if top == own or top == "__future__":
                continue
            missing = _missing_part(module)
            if missing is not None and not (missing == top and top in pinned):
                yield node.lineno, _import_message(module, missing, fetched), top
            elif missing is None and isinstance(node, ast.ImportFrom):
                yield from _removed_names(node, module)


def _removed_names(node: ast.ImportFrom, module: str) -> Iterator[tuple[int, str, str]]:
    """`from sklearn.datasets import load_boston` where the installed release no
    longer has the name (the known removals of `analysis/removed_apis.py`)."""
    for alias in node.names:
        found = REMOVED.get((module, alias.name))
        installed = installed_has_removed(found) if found else None
        if found is not None and installed is not None:
            yield node.lineno, (
                f"`{module}.{alias.name}` was removed in {found.distribution} "
                f"{found.version} ({installed} is installed); use {found.instead}"
            ), alias.asname or alias.name


def _pinned_imports(plan: Plan) -> frozenset[str]:
    """Import names of the requirements pinned to a version (issue 12: the serving
    stack of --serve is pinned even where nb2prod's environment lacks it)."""
    return frozenset(
        name for r in plan.requirements if "==" in r.name for name in r.imports
    )


class _OwnNames:
    """The package's modules, each parsed once, and the names each binds at its top
    level (many modules import from the same few)."""

    def __init__(self, package: dict[str, str], name: str) -> None:
        self._package = package
        self._name = name  # its folder under src/ (`project.explore` when combined)
        self._trees: dict[str, ast.Module] = {}
        self._names: dict[str, set[str] | None] = {}

    def tree(self, path: str) -> ast.Module:
        """The module's tree (SyntaxError or ValueError when it does not parse)."""
        if path not in self._trees:
            self._trees[path] = ast.parse(self._package[path], filename=path)
        return self._trees[path]

    def module_path(self, module: str) -> str | None:
        """The file of the package's module `module` (dotted), None when it has none."""
        if module == self._name or module.startswith(f"{self._name}."):
            rest = module[len(self._name) :].lstrip(".").replace(".", "/")
            base = f"src/{self._name}/{rest}".rstrip("/")
        else:
            base = f"src/{module.replace('.', '/')}"
        for path in (f"{base}.py", f"{base}/__init__.py"):
            if path in self._package:
                return path
        return None

    def of(self, path: str) -> set[str] | None:
        """None when the package has no such module (or it does not parse)."""
        if path not in self._names:
            try:
                tree = self.tree(path) if path in self._package else None
            except (SyntaxError, ValueError):
                tree = None
            self._names[path] = None if tree is None else _top_level_names(tree)
        return self._names[path]


def _missing_own_names(
    imports: list[_ImportNode], own: _OwnNames, top: str
) -> Iterator[tuple[int, str, str]]:
    """Imports from the package itself (`top`) of a module it does not have, or of a
    name its module does not define (nor is a submodule of it)."""
    for node in imports:
        imported: list[tuple[str, tuple[str, ...]]]
        if isinstance(node, ast.Import):
            imported = [(alias.name, ()) for alias in node.names]
        elif not node.level and node.module:
            imported = [(node.module, tuple(alias.name for alias in node.names))]
        else:
            continue
        for module, names in imported:
            if module.split(".")[0] != top:
                continue
            path = own.module_path(module)
            if path is None:
                yield node.lineno, (
                    f"`{module}` is imported, and the package has no such module"
                ), (names[0] if names else module.split(".")[-1])
                continue
            defined = own.of(path)
            if defined is None:  # it does not compile: that problem is reported
                continue
            for name in names:
                if name == "*" or name in defined:
                    continue
                if own.module_path(f"{module}.{name}") is None:
                    yield node.lineno, (
                        f"`{name}` is imported from `{module}`, "
                        "which does not define it"
                    ), name


def _top_level_names(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        else:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                    names.add(inner.id)
    return names


def _import_sites(tree: ast.Module) -> list[tuple[_ImportNode, bool]]:
    """Every import statement of `tree` and whether it is optional: inside a `try:`
    that handles ImportError, or under `if "MODULE" in sys.modules:` (code for the
    platform that has it). Imports are statements: expressions are not walked."""
    sites: list[tuple[_ImportNode, bool]] = []

    def visit(statements: list[ast.stmt], optional: bool) -> None:
        for node in statements:
            if isinstance(node, ast.Import | ast.ImportFrom):
                sites.append((node, optional))
            elif isinstance(node, _TRY_STATEMENTS):
                visit(node.body, optional or _handles_import_errors(node))
                for handler in node.handlers:
                    visit(handler.body, optional)
                visit(node.orelse, optional)
                visit(node.finalbody, optional)
            elif isinstance(node, ast.If):
                guarded = "sys.modules" in ast.unparse(node.test)
                visit(node.body, optional or guarded)
                visit(node.orelse, optional)
            elif isinstance(node, ast.Match):
                for case in node.cases:
                    visit(case.body, optional)
            else:  # definitions, loops, `with`: their blocks
                for block in ("body", "orelse"):
                    inner = getattr(node, block, None)
                    if isinstance(inner, list):
                        visit(inner, optional)

    visit(tree.body, False)
    return sites


def _handles_import_errors(node: ast.Try) -> bool:
    caught: set[str] = set()
    for handler in node.handlers:
        if handler.type is None:
            return True
        caught |= {n.id for n in ast.walk(handler.type) if isinstance(n, ast.Name)}
    return bool(caught & {"ImportError", "ModuleNotFoundError", "Exception"})


@functools.cache
def _missing_part(module: str) -> str | None:
    """The first dotted prefix of `module` that cannot be found, without running it.

    Submodules are looked up in their parent's folders, so that checking
    `sklearn.cross_validation` does not import scikit-learn.
    """
    parts = module.split(".")
    if parts[0] in sys.builtin_module_names:
        return None
    try:
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return parts[0]
    for depth in range(1, len(parts)):
        locations = spec.submodule_search_locations
        if locations is None:
            return None  # a module, not a package: the rest are attributes
        spec = importlib.machinery.PathFinder.find_spec(parts[depth], list(locations))
        if spec is None:
            return ".".join(parts[: depth + 1])
    return None


def _import_message(
    module: str, missing: str, fetched: frozenset[str] = frozenset()
) -> str:
    top = module.split(".")[0]
    if top in fetched:
        return (
            f"`{top}` is a file the notebook writes when it runs (a download): put "
            f"`{top}.py` next to the notebook and convert again"
        )
    if missing == top:
        return (
            f"`{module}` is not installed where nb2prod runs, so requirements.txt "
            "cannot pin it (install it, or convert in the notebook's environment)"
        )
    version = _installed_version(top)
    installed = f" (version {version} is installed)" if version else ""
    found = removal(missing, None)
    instead = (
        f"; it was removed in {found.distribution} {found.version}, use {found.instead}"
        if found
        else ""
    )
    return f"`{missing}` does not exist in the installed `{top}`{installed}{instead}"


def _installed_version(top: str) -> str | None:
    from importlib import metadata

    for distribution in metadata.packages_distributions().get(top, []):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return None


def _cell_of(path: str, name: str, plan: Plan, sources: dict[int, str]) -> int | None:
    """The first cell of the module at `path` whose source mentions `name`."""
    match = re.fullmatch(r"src/(?:[\w.]+/)+(\w+)\.py", path)
    if match is None or not name:
        return None
    module = match.group(1)
    cells = sorted(
        {cell for step in plan.steps if step.module == module for cell in step.cells}
        | {function.cell for function in plan.functions if function.module == module}
    )
    word = re.compile(rf"(?<![\w.]){re.escape(name.split('.')[0])}\b")
    return next((cell for cell in cells if word.search(sources.get(cell, ""))), None)
