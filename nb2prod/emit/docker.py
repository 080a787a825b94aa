"""The Dockerfile and .dockerignore of a generated package.

A container is how a converted notebook usually reaches a scheduler or a server, and a
hand-written Dockerfile tends to be slow to rebuild (code copied before the
dependencies), to run as root and to bake secrets or the data folder into the image.
The one written here installs `requirements.txt` in its own layer, runs the package's
CLI as an unprivileged user, installs only pinned versions (the base image by its
Python minor and Debian release, pip and setuptools here, the rest through
requirements.txt), and is clean under hadolint's default rules; the
.dockerignore keeps VCS folders, caches, `.env` files, tests, outputs and the data
people put in `data/` out of the build context (files the notebook wrote with
`%%writefile` are let back in: the image ships them). With --serve, a `serve` stage
runs the model service with a HEALTHCHECK on /health; the pipeline stage has none, as
a batch job's exit code is its health.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from nb2prod.planning.deployment import environment_prefix
from nb2prod.planning.plan import Plan

#: The oldest Python the generated code runs on (its CLI annotates `list[str]`, which
#: typer evaluates at run time). Older notebook kernels get this image instead; that
#: still meets the package's `requires-python = ">=X.Y"`.
MIN_PYTHON = (3, 9)
#: The image for a version that cannot be read (the plan's own fallback, too).
DEFAULT_PYTHON = "3.11"
#: The Debian release of the base image: pinned, as `python:X.Y-slim` moves to the
#: next one on its own; every Python from MIN_PYTHON on has images of it.
DEBIAN_RELEASE = "bookworm"
#: The installer and build backend the image installs first: the newest releases that
#: still install on MIN_PYTHON (pip 26.1 and setuptools 83 need Python 3.10).
PIP_VERSION = "26.0.1"
SETUPTOOLS_VERSION = "82.0.1"


def render_docker_files(plan: Plan, render: Callable[..., str]) -> dict[str, str]:
    """`Dockerfile` and `.dockerignore` for the package of `plan`, by relative path.

    `render(template_name, **values)` renders a template of `nb2prod/templates`: the
    `render` that `render_package` builds over its jinja2 Environment.
    """
    python, requested = base_python(plan.python_version)
    data_files = shipped_data_files(plan)
    return {
        "Dockerfile": render(
            "Dockerfile.j2",
            package=plan.package,
            image=plan.package.replace("_", "-").lower(),
            notebook=_one_line(Path(plan.notebook).name),
            python=python,
            debian=DEBIAN_RELEASE,
            pip=PIP_VERSION,
            setuptools=SETUPTOOLS_VERSION,
            requested=requested,
            data_files=bool(data_files),
            data_dir=any(value.original is not None for value in plan.config),
            secrets=sorted({secret.variable for secret in plan.secrets}),
            uses_figures=plan.uses_figures,
            models=plan.model is not None,
            serve=plan.serve,
            serve_prefix=environment_prefix(plan.package),
        ),
        ".dockerignore": render(
            "dockerignore.j2",
            package=plan.package,
            data_files=[_escape_pattern(path) for path in data_files],
        ),
    }


def base_python(version: str) -> tuple[str, str | None]:
    """The major.minor of the `python:X.Y-slim-*` image for a notebook's Python, and the
    notebook's version when the image differs from it (too old, or unreadable)."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.\S*)?\s*", version or "")
    if match is None or int(match.group(1)) != 3:
        return DEFAULT_PYTHON, version or "unknown"
    major, minor = int(match.group(1)), int(match.group(2))
    if (major, minor) < MIN_PYTHON:
        return "{}.{}".format(*MIN_PYTHON), f"{major}.{minor}"
    return f"{major}.{minor}", None


def shipped_data_files(plan: Plan) -> list[str]:
    """Where the package keeps the files the notebook wrote (`data/...`), as
    `render_package` places them; paths that would leave `data/` are not shipped."""
    paths = set()
    for data in plan.data_files:
        path = posixpath.normpath(f"data/{data.path.lstrip('/')}".replace("\\", "/"))
        if path.startswith("data/"):
            paths.add(path)
    return sorted(paths)


def _escape_pattern(path: str) -> str:
    """A path as a literal .dockerignore pattern (Go's filepath.Match syntax)."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", path)


def _one_line(text: str) -> str:
    """Text safe inside a Dockerfile comment."""
    return " ".join(text.splitlines())
