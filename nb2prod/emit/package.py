"""Turn a plan into a package in memory (relative path -> text), every file from a
template, every Python file formatted (ruff format) and compiled as a guard."""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nb2prod._version import __version__
from nb2prod.emit.code import LOGGER
from nb2prod.emit.docker import render_docker_files
from nb2prod.emit.docstrings import in_docstring
from nb2prod.emit.formatting import format_files
from nb2prod.emit.library import render_library
from nb2prod.emit.package_readme import library_readme_context, readme_context
from nb2prod.emit.settings_sources import env_prefix, reads_toml
from nb2prod.emit.tests import render_test_files
from nb2prod.emit.workflow import render_workflow
from nb2prod.planning.plan import ConfigValue, Plan
from nb2prod.planning.requirements import extra_indexes
from nb2prod.transforms.local_imports import vendor_imports

Package = dict[str, str]


def render_package(plan: Plan, net: Callable[[str], str] | None = None) -> Package:
    """All files of the package, by relative path, from the plan alone (its module
    code made by `with_module_code`), the Python formatted. `net` is applied to every
    file before formatting: convert passes a redactor of the notebook's secret values,
    the net under the plan's own redaction (the plan holds none of them)."""
    return format_files(render_files(plan, net))


def render_files(plan: Plan, net: Callable[[str], str] | None = None) -> Package:
    """`render_package` before formatting (convert checks these files while ruff
    formats them)."""
    render = template_renderer()
    if plan.kind == "library":
        return _finished(plan, _library(plan, render), render, net)
    source = f"src/{plan.package}"
    files: Package = {}
    files[f"{source}/logs.py"] = render("logs.py.j2")
    for module in plan.code:
        files[f"{source}/{module.name}.py"] = render(
            "module.py.j2",
            docstring=module.docstring,
            imports=module.imports,
            logger=LOGGER,
            code=module.code,
        )
    if plan.uses_figures:
        files[f"{source}/figures.py"] = render("figures.py.j2")
    if plan.result:
        files[f"{source}/results.py"] = render("results.py.j2")
    files[f"{source}/config.py"] = render(
        "config.py.j2",
        package=plan.package,
        values=[_field(v) for v in plan.config],
        data_dir=plan.reads_data_dir,
        model=plan.model,
        env_prefix=env_prefix(plan),
        toml=reads_toml(plan),
    )
    if plan.model is not None:
        files[f"{source}/models.py"] = render(
            "models.py.j2",
            package=plan.package,
            model=plan.model,
        )
    if plan.serve:
        files[f"{source}/serve.py"] = render(
            "serve.py.j2",
            package=plan.package,
            model=plan.model,
            variable=f"{env_prefix(plan)}MODEL_DIR",
        )
    files[f"{source}/pipeline.py"] = render("pipeline.py.j2", **_pipeline(plan))
    files[f"{source}/__main__.py"] = render(
        "__main__.py.j2",
        package=plan.package,
        script=_script(plan),
        title=_text(plan.title),
        data_dir=plan.reads_data_dir,
        model=plan.model,
        schedule=plan.train_step is not None,
        toml=reads_toml(plan),
    )
    files[f"{source}/__init__.py"] = render(
        "__init__.py.j2",
        title=in_docstring(plan.title),
        notebook=in_docstring(Path(plan.notebook).name),
        version=__version__,
        package=plan.package,
        environment=plan.import_environment,
    )
    for (
        data
    ) in plan.data_files:  # `%%writefile` cells: files the notebook wrote, as written
        files[f"data/{data.path}"] = data.content
    files.update(_local_modules(plan, source, files))
    files.update(render_test_files(plan, render))
    files.update(render_docker_files(plan, render))
    files.update(render_workflow(plan, render))
    return _finished(plan, files, render, net)


def _library(plan: Plan, render: Callable[..., str]) -> Package:
    """A library's modules, tests and CI, and its `%%writefile` files and local modules."""
    files = render_library(plan, render)
    for data in plan.data_files:
        files[f"data/{data.path}"] = data.content
    files.update(_local_modules(plan, f"src/{plan.package}", files))
    return files


def _finished(
    plan: Plan,
    files: Package,
    render: Callable[..., str],
    net: Callable[[str], str] | None,
) -> Package:
    """`files` with requirements, pyproject and README added and `net` applied."""
    library = plan.kind == "library"
    files["requirements.txt"] = render(
        "requirements.txt.j2",
        package=plan.package,
        requirements=_requirements(plan),
        indexes=extra_indexes(plan.requirements),
    )
    files["pyproject.toml"] = render(
        "pyproject.toml.j2",
        distribution=plan.package.replace("_", "-"),
        package=plan.package,
        description=_text(plan.title),
        python_version=plan.python_version,
        dependencies=[_declared(r.name) for r in _requirements(plan)],
        script=None if library else _script(plan),
        model=plan.model,
        serve=plan.serve,
        generated=_generated(plan),
    )
    files["README.md"] = (
        render("README_library.md.j2", **library_readme_context(plan, files))
        if library
        else render("README.md.j2", **readme_context(plan))
    )
    net = net or (lambda text: text)
    return {path: net(text) for path, text in sorted(files.items())}


def _local_modules(plan: Plan, source: str, files: Package) -> Package:
    """The notebook's local modules under `PKG/_local/`, and every module of the
    package importing them from there."""
    if not plan.local_modules:
        return {}
    names = frozenset(module.name for module in plan.local_modules)
    copied = {
        f"{source}/_local/{relative}": text
        for module in plan.local_modules
        for relative, text in module.files
    }
    copied[f"{source}/_local/__init__.py"] = (
        '"""Modules the notebook imported from its own folder, copied with the '
        'package."""\n'
    )
    modules = {
        path: text
        for path, text in {**files, **copied}.items()
        if path.startswith(f"{source}/") and path.endswith(".py")
    }
    return {
        path: vendor_imports(text, plan.package, names)
        for path, text in modules.items()
    }


def template_renderer() -> Callable[..., str]:
    """`render(template, **values)` over the package's jinja2 templates."""
    from jinja2 import (
        Environment,
        FileSystemBytecodeCache,
        PackageLoader,
        StrictUndefined,
    )

    environment = Environment(
        loader=PackageLoader("nb2prod", "templates"),
        # Compiling the templates is a tenth of a conversion: keep them compiled in
        # jinja2's per-user temporary cache, keyed by each template's source.
        bytecode_cache=FileSystemBytecodeCache(),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )

    def render(template: str, **values: Any) -> str:
        return environment.get_template(template).render(**values)

    return render


def render_combined_root(name: str, plans: list[Plan]) -> Package:
    """The files of a several-notebook package that belong to no one notebook: the
    command that dispatches to each pipeline, and pyproject, requirements, Dockerfile,
    CI workflow and README covering them all."""
    render = template_renderer()
    requirements: dict[str, Any] = {}
    for plan in plans:
        for requirement in plan.requirements:
            requirements.setdefault(_distribution(requirement.name), requirement)
    subs = [plan.package.rpartition(".")[2] for plan in plans]
    merged = plans[0]._replace(
        package=name,
        title=name,
        notebook=", ".join(Path(plan.notebook).name for plan in plans),
        requirements=tuple(requirements.values()),
        config=tuple(value for plan in plans for value in plan.config),
        secrets=tuple(secret for plan in plans for secret in plan.secrets),
        data_files=tuple(data for plan in plans for data in plan.data_files),
        inputs=tuple(path for plan in plans for path in plan.inputs),
        uses_figures=any(plan.uses_figures for plan in plans),
        model=next((plan.model for plan in plans if plan.model), None),
        import_environment=tuple(
            dict.fromkeys(pair for plan in plans for pair in plan.import_environment)
        ),
        python_version=max(
            (plan.python_version for plan in plans),
            key=lambda version: tuple(int(part) for part in version.split(".")),
        ),
    )
    files = render_docker_files(merged, render)
    files.update(render_workflow(merged, render))
    files["tests/conftest.py"] = render("conftest.py.j2", package=name)
    source = f"src/{name}"
    files[f"{source}/__init__.py"] = render(
        "__init__.py.j2",
        title=f"Pipelines converted from {merged.notebook}",
        notebook=merged.notebook,
        version=__version__,
        package=name,
        environment=merged.import_environment,
    )
    files[f"{source}/__main__.py"] = render(
        "__main__combined.py.j2", package=name, subs=subs, script=_script(merged)
    )
    files["requirements.txt"] = render(
        "requirements.txt.j2",
        package=name,
        requirements=_requirements(merged),
        indexes=extra_indexes(merged.requirements),
    )
    files["pyproject.toml"] = render(
        "pyproject.toml.j2",
        distribution=name.replace("_", "-"),
        package=name,
        description=_text(f"Pipelines converted from {merged.notebook}"),
        python_version=merged.python_version,
        dependencies=[_declared(r.name) for r in _requirements(merged)],
        script=_script(merged),
        model=merged.model,
        serve=False,
        generated=[],  # several notebooks: `--check` compares each one's own package
    )
    files["README.md"] = render(
        "README_combined.md.j2",
        package=name,
        script=_script(merged),
        parts=[
            {"sub": sub, "plan": plan, "notebook": Path(plan.notebook).name}
            for sub, plan in zip(subs, plans, strict=True)
        ],
    )
    return files


def _distribution(specifier: str) -> str:
    return re.split(r"[<>=!~\[;@ ]", specifier, maxsplit=1)[0].lower().replace("_", "-")


def _field(value: ConfigValue) -> dict[str, str]:
    annotation = {
        "number": type(ast.literal_eval(value.value)).__name__,
        "flag": "bool",
    }
    comment = f"was {value.original} in the notebook" if value.original else ""
    return {
        "name": value.name,
        "annotation": annotation.get(value.kind, "str"),
        "default": value.value,
        "comment": comment,
    }


def _setting_path(value: ConfigValue) -> str:
    """The expression the pipeline passes for a setting: joined with the folder
    setting it is relative to (`os.path.join(config.DATA_DIR, config.SALES_CSV)`)."""
    if value.under is not None:
        return f"os.path.join(config.{value.under}, config.{value.name})"
    return f"config.{value.name}"


def _pipeline(plan: Plan) -> dict[str, Any]:
    config = {value.name: value for value in plan.config}
    modules: dict[str, list[str]] = {}
    calls = []
    for step in plan.steps:
        modules.setdefault(step.module, []).append(step.name)
        arguments = []
        for name in step.params:
            value = config.get(name)
            if value is None:
                arguments.append(f"{name}={name}")
            else:
                arguments.append(f"{name}={_setting_path(value)}")
        arguments += [f"{name}=None" for name in step.undefined]
        targets = ", ".join(step.returns)
        calls.append(
            {"name": step.name, "targets": targets, "arguments": ", ".join(arguments)}
        )
    passed = {name for step in plan.steps for name in step.params}
    return {
        "package": plan.package,
        "output_folders": [
            _setting_path(config[name])
            for name in plan.output_settings
            if name in passed
        ],
        "schedule": _schedule(plan, calls),
        "uses_os": any(v.under is not None for v in plan.config),
        "uses_figures": plan.uses_figures,
        "step_imports": sorted(
            (module, sorted(names)) for module, names in modules.items()
        ),
        "calls": calls,
        "results": plan.outputs,
        "model": plan.model,
        "result": plan.result,
    }


def _schedule(plan: Plan, calls: list[dict[str, str]]) -> dict[str, Any] | None:
    """The train and predict halves of the pipeline (`--schedule`), or None."""
    if plan.train_step is None or plan.model is None:
        return None
    number = [step.name for step in plan.steps].index(plan.train_step)
    before, after = plan.steps[:number], plan.steps[number + 1 :]
    trained = _produced((*before, plan.steps[number]))
    return {
        "train_calls": calls[: number + 1],
        "train_results": trained,
        "train_metrics": [name for name in plan.model.metrics if name in trained],
        "train_run_metrics": [
            name for name in plan.model.run_metrics if name in trained
        ],
        "predict_calls": calls[:number] + calls[number + 1 :],
        "predict_results": tuple(
            dict.fromkeys((plan.model.name, *_produced((*before, *after))))
        ),
    }


def _produced(steps: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for step in steps for name in step.returns))


def _requirements(plan: Plan) -> list[Any]:
    return sorted(plan.requirements, key=lambda requirement: requirement.name.lower())


def _declared(requirement: str) -> str:
    """A requirement as pyproject.toml declares it: without a pin's local label
    (`torch==2.5.1+cpu` -> `torch==2.5.1`), which only its own index has; the
    installed `+cpu` build satisfies it (requirements.txt, with that index, keeps it).
    """
    return re.sub(r"((?<![=!<>~])==\s*[^,;+\s=]+)\+[A-Za-z0-9.]+", r"\1", requirement)


def _script(plan: Plan) -> str:
    return plan.package.replace("_", "-")


def _generated(plan: Plan) -> list[tuple[str, list[tuple[str, str]]]]:
    """`[tool.nb2prod.generated]` and its tables: what made the package (options, and
    what the environment told the planning), as TOML keys and values."""
    from nb2prod._version import __version__
    from nb2prod.planning.requirements import recorded_requirements

    options = plan.options
    main = [
        ("nb2prod", _string(__version__)),
        ("notebook", _string(os.path.basename(plan.notebook))),
        ("python", _string(plan.python_version)),
        ("serve", _boolean(options.serve)),
        ("schedule", _boolean(options.schedule)),
        *([("model", _string(options.model))] if options.model else []),
        ("skip-unused-searches", _boolean(options.skip_unused_searches)),
    ]
    requirements = recorded_requirements(plan.requirements)
    stars = [star for star in plan.star_imports if star.names and not star.inferred]
    return [
        ("tool.nb2prod.generated", main),
        (
            "tool.nb2prod.generated.requirements",
            [(_string(key), _string(line)) for key, line in requirements.items()],
        ),
        (
            "tool.nb2prod.generated.star-imports",
            [
                (_string(star.module), "[" + ", ".join(map(_string, star.names)) + "]")
                for star in stars
                if star.names
            ],
        ),
    ]


def _string(text: str) -> str:
    return f'"{_text(text)}"'


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _text(text: str) -> str:
    """Text safe inside a double-quoted Python or TOML string. Characters stay as they
    are: TOML refuses the surrogate-pair escapes JSON writes for emoji."""
    return json.dumps(text, ensure_ascii=False)[1:-1]
