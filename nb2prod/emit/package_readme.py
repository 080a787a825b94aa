"""What the generated package's README says: the notebook's title and introduction,
how to install, configure, run, test and build it, and its steps with their inputs
and outputs. Everything comes from the plan; nothing is invented."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from nb2prod.emit.settings_sources import env_prefix, reads_toml
from nb2prod.emit.workflow import data_variable
from nb2prod.planning.cell_selection import left_out_notes
from nb2prod.planning.plan import Plan
from nb2prod.planning.searches import search_note


def readme_context(plan: Plan) -> dict[str, Any]:
    """The values README.md.j2 renders."""
    return {
        "title": _cell(plan.title),
        "summary": plan.summary,
        "notebook": Path(plan.notebook).name,
        "package": plan.package,
        "script": plan.package.replace("_", "-"),
        "uses_figures": plan.uses_figures,
        "config": [
            {
                "name": value.name,
                "default": _cell(value.value),
                "note": _cell(
                    f"relative to {value.under}; the notebook had `{value.original}`"
                    if value.original is not None
                    else f"a {value.kind}, from cell {value.cell + 1}"
                ),
            }
            for value in plan.config
        ],
        "data_dir": plan.reads_data_dir,
        "env_prefix": env_prefix(plan),
        "toml": reads_toml(plan),
        "secrets": sorted({secret.variable for secret in plan.secrets}),
        "outputs": plan.outputs,
        "result": plan.result,
        "model": plan.model,
        "serve": plan.serve,
        "steps": [
            {
                "function": f"{step.module}.{step.name}",
                "title": _cell(step.title),
                "inputs": _names(step.params),
                "outputs": _names(step.returns),
                "cells": _cells(step.cells),
            }
            for step in plan.steps
        ],
        "golden": len(plan.golden),
        "left_out": [_line(note) for note in left_out_notes(plan.left_out)],
        "searches": [
            _line(search_note(search, plan.model is not None))
            for search in plan.searches
        ],
        "parameters": [cell + 1 for cell in plan.parameters_cells],
        "warnings": [
            _line((f"cell {w.cell + 1}: " if w.cell is not None else "") + w.message)
            for w in plan.warnings
        ],
        "inputs": _inputs(plan),
        "produced": _outputs(plan),
        "docker_run": docker_run(plan),
        "data_variable": data_variable(plan.package),
        "inputs_present": bool(plan.inputs),
        "folders": [
            *_written_folders(plan),
            "outputs",
            *(["models"] if plan.model is not None else []),
        ],
    }


#: Where the image works and keeps its outputs (Dockerfile.j2: WORKDIR, mkdir).
WORKDIR = "/app"


def docker_run(plan: Plan) -> str:
    """A `docker run` line that mounts the data the pipeline reads (read-only) and the
    folders it writes, run as the caller so the mounted folders stay theirs."""
    image = plan.package.replace("_", "-").lower()
    mounts, arguments = [], []
    if plan.reads_data_dir:
        mounts.append(f'-v "$PWD/data:{WORKDIR}/data:ro"')
        arguments.append(f"--data-dir {WORKDIR}/data")
    for host, target in _read_mounts(plan):
        if not any(f":{target}:" in mount for mount in mounts):
            mounts.append(f'-v "$PWD/{host}:{target}:ro"')
    for folder in _written_folders(plan):
        mounts.append(f'-v "$PWD/{folder}:{WORKDIR}/{folder}"')
    mounts.append(f'-v "$PWD/outputs:{WORKDIR}/outputs"')
    if plan.model is not None:
        mounts.append(f'-v "$PWD/models:{WORKDIR}/models"')
    parts = ['docker run --rm --user "$(id -u):$(id -g)"', *mounts, image, *arguments]
    return " \\\n    ".join(parts)


def _read_mounts(plan: Plan) -> list[tuple[str, str]]:
    """(host path relative to the notebook's folder, path in the image) of what the
    pipeline reads relative to its working folder: a file in that folder itself, else
    the folder holding it (`../input` is `/input` in the image)."""
    found: dict[str, str] = {}
    for path in plan.inputs:
        normal = posixpath.normpath(path.replace("\\", "/"))
        folder = posixpath.dirname(normal)
        host = normal if folder in ("", ".") else folder
        found.setdefault(host, posixpath.normpath(f"{WORKDIR}/{host}"))
    return sorted(found.items())


def _written_folders(plan: Plan) -> list[str]:
    """Folders under the working folder that the notebook writes files in."""
    folders = set()
    for path in plan.written:
        folder = posixpath.dirname(posixpath.normpath(path.replace("\\", "/")))
        top = folder.split("/")[0]
        if top and top not in ("..", ".", "outputs", "models"):
            folders.add(top)
    return sorted(folders)


def _inputs(plan: Plan) -> list[dict[str, str]]:
    """Rows of the inputs table: files, environment variables, settings."""
    rows = []
    for path in plan.inputs:
        place = posixpath.normpath(f"{WORKDIR}/{path}")
        rows.append(
            _row(
                "file",
                path,
                "-",
                f"read relative to the working folder ({place} in the image)",
            )
        )
    for value in plan.config:
        if value.under == "DATA_DIR":
            rows.append(
                _row(
                    "file",
                    value.value.strip("'\""),
                    value.value,
                    f"relative to `DATA_DIR` (setting `{value.name}`)",
                )
            )
    for variable in sorted({secret.variable for secret in plan.secrets}):
        rows.append(
            _row(
                "environment",
                variable,
                "-",
                "a secret: required, never in the code or image",
            )
        )
    prefix = env_prefix(plan)
    for name, setting in plan.import_environment:
        rows.append(
            _row(
                "environment",
                name,
                setting,
                "set before the imports unless already set",
            )
        )
    if plan.config:
        rows.append(
            _row(
                "environment",
                f"{prefix}<SETTING>",
                "-",
                "overrides that setting (as `--set SETTING=VALUE` does)",
            )
        )
    if plan.inputs:
        rows.append(
            _row(
                "environment",
                data_variable(plan.package),
                "-",
                "the data folder of the pipeline test",
            )
        )
    if plan.model is not None:
        rows.append(
            _row(
                "environment",
                "MLFLOW_TRACKING_URI",
                "-",
                "optional: also log each saved model to MLflow",
            )
        )
    for value in plan.config:
        rows.append(
            _row(
                "setting",
                value.name,
                value.value,
                f"a {value.kind}, from cell {value.cell + 1}",
            )
        )
    rows.append(
        _row(
            "setting",
            "OUTPUT_DIR",
            "'outputs'",
            "where figures and outputs go (`--output-dir`)",
        )
    )
    if plan.model is not None:
        rows.append(
            _row(
                "setting",
                "MODEL_DIR",
                "'models'",
                "where models are saved (`--model-dir`)",
            )
        )
    return rows


def _outputs(plan: Plan) -> list[dict[str, str]]:
    """Rows of the outputs table: what a run leaves behind."""
    rows = []
    for path in plan.written:
        rows.append(_row("file", path, "-", "written relative to the working folder"))
    for value in plan.config:
        if value.under == "OUTPUT_DIR":
            rows.append(
                _row(
                    "file",
                    "outputs/" + value.value.strip("'\""),
                    "-",
                    f"under `OUTPUT_DIR` (setting `{value.name}`)",
                )
            )
    if plan.uses_figures:
        rows.append(
            _row("figures", "outputs/*.png", "-", "each figure the notebook showed")
        )
    if plan.model is not None:
        rows.append(
            _row(
                "model",
                "models/vNNNN/",
                "-",
                f"`{plan.model.name}` ({plan.model.estimator}) and `metadata.json`; `models/CURRENT` names the version that loads",
            )
        )
        if plan.model.run_metrics:
            rows.append(
                _row(
                    "metrics",
                    "outputs/metrics.json",
                    "-",
                    ", ".join(f"`{name}`" for name in plan.model.run_metrics),
                )
            )
    if plan.result:
        rows.append(
            _row(
                "result",
                "outputs/result.csv or result.npy",
                "-",
                f"`{plan.result}`, the value the notebook ends by showing",
            )
        )
    return rows


def _row(kind: str, name: str, default: str, note: str) -> dict[str, str]:
    return {
        "kind": kind,
        "name": _cell(name),
        "default": _cell(default),
        "note": _cell(note),
    }


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names) if names else "-"


def _cells(cells: tuple[int, ...]) -> str:
    """1-based cell numbers, runs shortened: 3-5, 8."""
    numbers = [cell + 1 for cell in cells]
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(
        str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs
    )


def _cell(text: str) -> str:
    """Text safe in a markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _line(text: str) -> str:
    return " ".join(text.split())


def library_readme_context(plan: Plan, files: dict[str, str]) -> dict[str, Any]:
    """The values README_library.md.j2 renders: what the library offers, read from
    its modules (`files`), with each docstring's first line."""
    from nb2prod.emit.library import public_api

    return {
        "title": _cell(plan.title),
        "summary": plan.summary,
        "notebook": Path(plan.notebook).name,
        "api": [
            {**item, "summary": _cell(item["summary"])}
            for item in public_api(files, plan.package)
        ],
        "constants": [f"`{value.name}`" for value in plan.config],
        "golden": len(plan.golden),
        "left_out": [_line(note) for note in left_out_notes(plan.left_out)],
        "searches": [
            _line(search_note(search, plan.model is not None))
            for search in plan.searches
        ],
        "parameters": [cell + 1 for cell in plan.parameters_cells],
        "warnings": [
            _line((f"cell {w.cell + 1}: " if w.cell is not None else "") + w.message)
            for w in plan.warnings
        ],
    }
