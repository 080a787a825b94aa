"""Shared fixtures: a CLI runner and a place to write notebooks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2prod.cli import app


class Invocation:
    """What a CLI run produced, with stdout and stderr apart."""

    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


@pytest.fixture
def run_cli() -> Callable[..., Invocation]:
    """Invoke `nb2prod ARGS...` in-process and capture its streams."""
    runner = CliRunner()

    def run(*args: str) -> Invocation:
        result = runner.invoke(app, list(args), prog_name="nb2prod")
        return Invocation(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def examples_dir() -> Path:
    """The example notebooks shipped in the repository."""
    return Path(__file__).resolve().parent.parent / "examples"
