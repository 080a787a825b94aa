"""Whether a notebook is a library: cells that only import, set constants and define
functions and classes (an estimator class, helpers) do no work a pipeline could run.
Such a notebook becomes a library package: its modules, tests, pyproject, README and
CI, without a pipeline, a command line or a container image."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from nb2prod.planning.plan import (
    ConfigValue,
    FunctionPlan,
    PackageKind,
    Plan,
    Warning,
)
from nb2prod.reading.parsing import ParsedCell

#: IPython lines that set the session up and leave nothing for a pipeline to do.
_SETUP_MAGICS = frozenset(
    {"matplotlib", "load_ext", "reload_ext", "autoreload", "aimport", "config"}
    | {"pip", "conda"}
)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def package_kind(
    cells: Mapping[int, ParsedCell], config: Iterable[ConfigValue]
) -> PackageKind:
    """`library` when every kept cell only imports, binds the notebook's constants
    (the plan's config values), defines functions or classes and sets the session up,
    and at least one function or class is defined; else `pipeline`."""
    constants: dict[int, set[str]] = {}
    for value in config:
        constants.setdefault(value.cell, set()).add(value.name)
    defines = False
    for index, cell in cells.items():
        if cell.tree is None:
            return "pipeline"
        for node in cell.tree.body:
            if isinstance(node, _DEFINITIONS):
                defines = True
            elif not _no_work(node, constants.get(index, set())):
                return "pipeline"
    return "library" if defines else "pipeline"


def library_functions(functions: Iterable[FunctionPlan]) -> tuple[FunctionPlan, ...]:
    """The library's functions and classes as the notebook wrote them: the constants
    they read stay module constants, not parameters (no pipeline passes them)."""
    return tuple(
        function._replace(extra_params=(), inherited=(), keywords=())
        for function in functions
    )


def library_warnings(warnings: Iterable[Warning]) -> tuple[Warning, ...]:
    """Warnings that still hold for a library: none about `--set`, which it has not."""
    return tuple(warning for warning in warnings if "`--set`" not in warning.message)


def library_modules(plan: Plan) -> Plan:
    """The plan with the fallback module name `steps` (a notebook without headings)
    called `core`: a library has no steps."""
    if "steps" not in plan.modules or "core" in plan.modules:
        return plan

    def name(module: str) -> str:
        return "core" if module == "steps" else module

    return plan._replace(
        modules=tuple(name(module) for module in plan.modules),
        steps=tuple(step._replace(module=name(step.module)) for step in plan.steps),
        functions=tuple(f._replace(module=name(f.module)) for f in plan.functions),
        golden=tuple(case._replace(module=name(case.module)) for case in plan.golden),
    )


def _no_work(node: ast.stmt, constants: set[str]) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass)):
        return True
    if isinstance(node, ast.Expr):
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return True  # a docstring or a string left as a comment
        return _setup_magic(value)
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return bool(constants) and all(
            isinstance(target, ast.Name) and target.id in constants
            for target in targets
        )
    return False


def _setup_magic(value: ast.expr) -> bool:
    """`%matplotlib inline`, `%load_ext autoreload`, `!pip install x`."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and isinstance(value.func.value, ast.Call)
        and isinstance(value.func.value.func, ast.Name)
        and value.func.value.func.id == "get_ipython"
        and value.args
        and isinstance(value.args[0], ast.Constant)
        and isinstance(value.args[0].value, str)
    ):
        return False
    first = value.args[0].value
    if value.func.attr == "run_line_magic":
        return first in _SETUP_MAGICS
    if value.func.attr == "system":
        words = first.split()
        return words[:2] in (["pip", "install"], ["conda", "install"])
    return False
