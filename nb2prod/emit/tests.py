"""The generated package's tests: smoke tests per module, golden tests from the
notebook's stored outputs, a pipeline test that runs when the input data is there, and
TODO stubs for the rest. No generated test passes without checking something."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from nb2prod.emit.workflow import data_variable
from nb2prod.planning.plan import Plan


class Stub(NamedTuple):
    """A test still to write: its name and what it should check."""

    name: str
    todo: str


def render_test_files(plan: Plan, render: Callable[..., str]) -> dict[str, str]:
    """tests/ of the package, by relative path."""
    package = plan.package
    files = {
        "tests/conftest.py": render("conftest.py.j2", package=package),
        "tests/test_smoke.py": render(
            "test_smoke.py.j2",
            package=package,
            modules=[
                *plan.modules,
                "config",
                "pipeline",
                "__main__",
                *(["models"] if plan.model else []),
                *(["serve"] if plan.serve else []),
            ],
        ),
        "tests/test_pipeline.py": render(
            "test_pipeline.py.j2",
            package=package,
            variable=data_variable(package),
            inputs=[repr(path) for path in plan.inputs],
            results=plan.outputs,
            data_dir=plan.reads_data_dir,
            model=plan.model,
            serve=plan.serve,
            printed=plan.printed,
            secrets=plan.secrets,
        ),
    }
    if plan.golden:
        files["tests/test_golden.py"] = render("test_golden.py.j2", **_golden(plan))
    stubs = todo_stubs(plan)
    if stubs:
        files["tests/test_todo.py"] = render("test_todo.py.j2", stubs=stubs)
    return files


def render_library_tests(
    plan: Plan, render: Callable[..., str], modules: list[str]
) -> dict[str, str]:
    """tests/ of a library package: every module imports cleanly, and the golden
    tests when the notebook showed values its functions recompute."""
    files = {
        "tests/conftest.py": render("conftest.py.j2", package=plan.package),
        "tests/test_smoke.py": render(
            "test_smoke.py.j2", package=plan.package, modules=modules, cli=False
        ),
    }
    if plan.golden:
        files["tests/test_golden.py"] = render("test_golden.py.j2", **_golden(plan))
    return files


def _golden(plan: Plan) -> dict[str, Any]:
    imports: dict[str, set[str]] = {}
    for case in plan.golden:
        imports.setdefault(case.module, set()).add(case.function)
    # the expected text becomes a Python literal; test names carry the cell number
    cases = [case._replace(expected=repr(case.expected)) for case in plan.golden]
    return {
        "package": plan.package,
        "uses_config": any(case.uses_config for case in plan.golden),
        "imports": sorted((module, sorted(found)) for module, found in imports.items()),
        "cases": cases,
    }


def todo_stubs(plan: Plan) -> list[Stub]:
    """One stub per step and per moved function without a golden test."""
    stubs = []
    for step in plan.steps:
        given = ", ".join(step.params) or "no inputs"
        checks = ", ".join(step.returns) or "its effects (files written, figures saved)"
        stubs.append(
            Stub(
                f"step_{step.name}",
                f"call {step.module}.{step.name} ({given}) on a small input "
                f"and check {checks}",
            )
        )
    covered = {case.function for case in plan.golden}
    for function in plan.functions:
        if function.name in covered:
            continue
        what = "construct" if function.kind == "class" else "call"
        stubs.append(
            Stub(
                f"{function.kind}_{function.name}",
                f"{what} {function.module}.{function.name} on a small input "
                "and check the result",
            )
        )
    return stubs
