"""What the generated package's README says: the notebook's title and introduction,
how to install, configure, run, test and build it, and its steps with their inputs
and outputs. Everything comes from the plan; nothing is invented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nb2prod.emit.settings_sources import env_prefix, reads_toml
from nb2prod.planning.plan import Plan


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
                    f"relative to DATA_DIR; the notebook had `{value.original}`"
                    if value.original is not None
                    else f"a {value.kind}, from cell {value.cell + 1}"
                ),
            }
            for value in plan.config
        ],
        "data_dir": any(value.original is not None for value in plan.config),
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
        "warnings": [
            _line((f"cell {w.cell + 1}: " if w.cell is not None else "") + w.message)
            for w in plan.warnings
        ],
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
