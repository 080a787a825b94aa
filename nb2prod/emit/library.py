"""The files of a library package (a notebook that only defines functions and classes):
its modules with the notebook's constants as module constants, the support modules
they use, tests, pyproject, requirements, README and CI. No pipeline, no command line,
no container image: there is nothing for them to run."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path

from nb2prod._version import __version__
from nb2prod.emit.code import LOGGER
from nb2prod.emit.docstrings import in_docstring
from nb2prod.emit.imports import line_reads
from nb2prod.emit.settings_sources import env_prefix, reads_toml
from nb2prod.emit.tests import render_library_tests
from nb2prod.emit.workflow import render_workflow
from nb2prod.planning.plan import ConfigValue, Plan

#: Where the constants go when more than one module reads them.
CONSTANTS = "constants"


def render_library(plan: Plan, render: Callable[..., str]) -> dict[str, str]:
    """Every file of the library package of `plan` but requirements.txt, pyproject.toml
    and README.md, by relative path (`render_package` adds those)."""
    source = f"src/{plan.package}"
    # the constants are no settings here (`with_module_code`): the cells keep binding
    # them, and the step functions that would hold those bindings are left out
    codes = {module.name: module for module in plan.code}
    constants = {value.name: value for value in plan.config}
    steps = {step.name for step in plan.steps}
    bodies = {name: _without(module.code, steps) for name, module in codes.items()}
    used = {name: line_reads(code) & constants.keys() for name, code in bodies.items()}
    shared = len([names for names in used.values() if names]) > 1
    files: dict[str, str] = {}
    for name, module in codes.items():
        imports = list(module.imports)
        block = ""
        if shared and used[name]:
            imports.append(
                f"from {plan.package}.{CONSTANTS} import {', '.join(sorted(used[name]))}"
            )
        elif used[name]:
            block = _constants(constants[n] for n in constants if n in used[name])
        files[f"{source}/{name}.py"] = render(
            "module.py.j2",
            docstring=_docstring(plan, name),
            imports=imports,
            logger=LOGGER,
            code=f"{block}\n\n{bodies[name]}" if block else bodies[name],
        )
    if shared:
        files[f"{source}/{CONSTANTS}.py"] = (
            '"""Constants the notebook set, read by several modules."""\n\n'
            + _constants(
                value
                for value in plan.config
                if any(value.name in names for names in used.values())
            )
        )
    code = "\n".join(files.values())
    support = [
        name
        for name in ("logs", "figures", "config")
        if f"from {plan.package}.{name} import" in code
        or (name == "config" and any(case.uses_config for case in plan.golden))
    ]
    if "logs" in support:
        files[f"{source}/logs.py"] = render("logs.py.j2")
    if "figures" in support:
        files[f"{source}/figures.py"] = render("figures.py.j2")
    if "config" in support:
        files[f"{source}/config.py"] = render(
            "config.py.j2",
            package=plan.package,
            values=[],
            data_dir=False,
            model=None,
            env_prefix=env_prefix(plan),
            toml=reads_toml(plan),
        )
    files[f"{source}/__init__.py"] = render(
        "__init__.py.j2",
        title=in_docstring(plan.title),
        notebook=in_docstring(Path(plan.notebook).name),
        version=__version__,
        package=plan.package,
        environment=plan.import_environment,
        library=True,
    )
    modules = [*codes, *([CONSTANTS] if shared else []), *support]
    files.update(render_library_tests(plan, render, modules))
    files.update(render_workflow(plan, render))
    return files


def public_api(files: dict[str, str], package: str) -> list[dict[str, str]]:
    """The public functions and classes of the library's modules, each with the first
    line of its docstring: what the README lists."""
    found = []
    for path, text in sorted(files.items()):
        prefix = f"src/{package}/"
        if not path.startswith(prefix) or not path.endswith(".py"):
            continue
        module = path[len(prefix) : -3]
        if "/" in module or module.startswith("_"):
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            ) and not node.name.startswith("_"):
                doc = ast.get_docstring(node) or ""
                kind = "class" if isinstance(node, ast.ClassDef) else "function"
                found.append(
                    {
                        "name": node.name,
                        "kind": kind,
                        "module": f"{package}.{module}",
                        "summary": doc.strip().split("\n\n")[0].replace("\n", " "),
                    }
                )
    return found


def _without(code: str, names: set[str]) -> str:
    """`code` without its top-level functions called `names` (the step functions)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    lines = code.split("\n")
    for node in reversed(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            node.name in names
        ):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            del lines[start - 1 : node.end_lineno]
    return "\n".join(lines).strip() + "\n"


def _constants(values: Iterable[ConfigValue]) -> str:
    lines = []
    for value in values:
        source = value.original if value.original is not None else value.value
        lines.append(f"{value.name} = {source}  # notebook cell {value.cell + 1}")
    return "\n".join(lines) + "\n"


def _docstring(plan: Plan, module: str) -> str:
    names = [f.name for f in plan.functions if f.module == module]
    if not names or len(names) > 4:
        return "Functions and classes the notebook defined."
    listed = ", ".join(f"`{name}`" for name in names)
    return in_docstring(f"From the notebook: {listed}.")
