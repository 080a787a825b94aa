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
import shlex
from collections.abc import Callable
from pathlib import Path

from nb2prod.planning.deployment import environment_prefix
from nb2prod.planning.plan import Plan

#: The Debian release of the base image: pinned, as `python:X.Y-slim` moves to the
#: next one on its own; every Python from 3.9 on has images of it.
DEBIAN_RELEASE = "bookworm"
#: The installer and build backend the image installs first: the newest releases that
#: still install on Python 3.9 (pip 26.1 and setuptools 83 need Python 3.10).
PIP_VERSION = "26.0.1"
SETUPTOOLS_VERSION = "82.0.1"


def render_docker_files(plan: Plan, render: Callable[..., str]) -> dict[str, str]:
    """`Dockerfile` and `.dockerignore` for the package of `plan`, by relative path.

    `render(template_name, **values)` renders a template of `nb2prod/templates`: the
    `render` that `render_package` builds over its jinja2 Environment.
    """
    python, requested = plan.python_version, _older_notebook_python(plan)
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
            data_dir=plan.reads_data_dir,
            secrets=sorted({secret.variable for secret in plan.secrets}),
            uses_figures=plan.uses_figures,
            owned=_package_folders(plan),
            shared=_notebook_places(plan),
            serve=plan.serve,
            serve_prefix=environment_prefix(plan.package),
        ),
        ".dockerignore": render(
            "dockerignore.j2",
            package=plan.package,
            data_files=[_escape_pattern(path) for path in data_files],
        ),
    }


def _relative_written(plan: Plan) -> list[str]:
    """The files the run writes relative to its working folder (`/app` in the image)."""
    paths = []
    for path in plan.written:
        if "://" in path or path.startswith(("/", "~", "\\")):
            continue
        normal = posixpath.normpath(path.replace("\\", "/"))
        if normal != ".." and not normal.startswith("../"):
            paths.append(normal)
    return paths


def _package_folders(plan: Plan) -> list[str]:
    """The folders the package writes to by default: made in the image and given to
    its unprivileged user (`docker run` with `--user` mounts them instead)."""
    return ["models", "outputs"] if plan.model is not None else ["outputs"]


def _notebook_places(plan: Plan) -> list[str]:
    """The folders the notebook's own code writes into (`preds/out.csv`), and the
    working folder when it writes files there (`submission.csv`): `/app` belongs to
    root, and a run writing there failed at its end. They are made writable by any
    user (sticky, as /tmp), since the README runs the image as the caller too."""
    written = _relative_written(plan)
    folders = {path.split("/")[0] for path in written if "/" in path}
    places = sorted(folders - set(_package_folders(plan)))
    if any("/" not in path for path in written):
        places.append(".")
    return [shlex.quote(place) for place in places]


def _older_notebook_python(plan: Plan) -> str | None:
    """The notebook's Python when it is older than the package's (said in a comment)."""
    notebook = plan.notebook_python
    if notebook is None:
        return None
    as_tuple = tuple(int(part) for part in notebook.split("."))
    older = as_tuple < tuple(int(part) for part in plan.python_version.split("."))
    return notebook if older else None


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
