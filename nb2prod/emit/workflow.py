"""The GitHub Actions workflow of a generated package: install the pinned requirements,
lint, run the generated tests, then build the image and run its command line (a
library package has neither).

The lint step checks what nb2prod guarantees of the code it writes (`ruff --select
E9,F`: syntax errors and undefined names), so a fresh package starts green. The
workflow is checked with actionlint in nb2prod's own tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nb2prod.planning.plan import Plan

WORKFLOW = ".github/workflows/ci.yml"


def data_variable(package: str) -> str:
    """The environment variable the pipeline test reads its data folder from."""
    return f"{package.replace('.', '_').upper()}_DATA"


def render_workflow(plan: Plan, render: Callable[..., str]) -> dict[str, str]:
    """{WORKFLOW: text} for the package of `plan`."""
    python = plan.python_version
    return {
        WORKFLOW: render(
            "ci.yml.j2",
            package=plan.package,
            notebook=" ".join(Path(plan.notebook).name.splitlines()),
            python=python,
            image=plan.package.replace("_", "-").lower(),
            data_dir=bool(plan.inputs),
            data_variable=data_variable(plan.package),
            docker=plan.kind == "pipeline",  # a library has no image to build
        )
    }
