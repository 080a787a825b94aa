"""The `nb2prod` command line: parse options, call the core, render, pick the exit code.

The only module that imports typer. Exit codes (SPEC): 0 success, 1 findings or stale
output, 2 usage error or bad input. A user-facing failure (`Nb2ProdError`) prints one
line on stderr; anything else is a bug in nb2prod and says so. Tracebacks only with -v.
"""

from __future__ import annotations

import shutil
import sys
import traceback
from collections.abc import Callable
from enum import Enum
from typing import Annotated, NoReturn, TypeVar

import typer

from nb2prod._version import __version__
from nb2prod.errors import CellSyntaxError, Nb2ProdError

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
ISSUES_URL = "https://github.com/nb2prod/nb2prod/issues"

app = typer.Typer(
    name="nb2prod",
    help="Turn exploratory Jupyter notebooks into production Python packages.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

T = TypeVar("T")


class OutputFormat(str, Enum):
    """How a command prints its result."""

    text = "text"
    json = "json"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"nb2prod {__version__}")
        raise typer.Exit(EXIT_OK)


Verbose = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Show details, and tracebacks on errors."),
]


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_print_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
    verbose: Verbose = False,
) -> None:
    """Turn exploratory Jupyter notebooks into production Python packages."""
    ctx.obj = verbose


@app.command()
def inspect(
    ctx: typer.Context,
    notebook: Annotated[str, typer.Argument(help="The .ipynb file to inspect.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text (a table) or json.")
    ] = OutputFormat.text,
    verbose: Verbose = False,
) -> None:
    """Show the notebook as nb2prod reads it: cells, IPython syntax, parse status.

    Exits 2 when the file is not a readable Python notebook or a code cell is not
    Python; the report is still printed for every other cell.
    """
    from nb2prod.inspection import inspect_notebook
    from nb2prod.notebook import read_notebook

    verbose = verbose or bool(ctx.obj)
    inspection = _guard(lambda: inspect_notebook(read_notebook(notebook)), verbose)
    if output_format is OutputFormat.json:
        from nb2prod.reporters.inspection_json import render_inspection_json

        sys.stdout.write(render_inspection_json(inspection))
    else:
        from nb2prod.reporters.inspection_text import render_inspection_text

        color = sys.stdout.isatty()
        width = max(shutil.get_terminal_size((120, 24)).columns, 100)
        sys.stdout.write(render_inspection_text(inspection, color=color, width=width))
    for problem in inspection.problems:
        _error_line(
            CellSyntaxError(
                notebook,
                problem.message,
                cell=problem.cell,
                line=problem.line,
                column=problem.column,
            )
        )
    if inspection.problems:
        raise typer.Exit(EXIT_BAD_INPUT)


def _guard(work: Callable[[], T], verbose: bool) -> T:
    """Run core work; turn its failures into one stderr line and exit code 2."""
    try:
        return work()
    except Nb2ProdError as error:
        if verbose:
            traceback.print_exc()
        _error_line(error)
        _exit(EXIT_BAD_INPUT)
    except Exception as error:  # a bug in nb2prod: say so, keep the input's user calm
        if verbose:
            traceback.print_exc()
        sys.stderr.write(
            f"error: internal error in nb2prod {__version__} "
            f"({type(error).__name__}: {error}); please report it at {ISSUES_URL}"
            f"{'' if verbose else ' (run with -v for the traceback)'}\n"
        )
        _exit(EXIT_BAD_INPUT)


def _error_line(error: Nb2ProdError) -> None:
    sys.stderr.write(error.error_line() + "\n")


def _exit(code: int) -> NoReturn:
    raise typer.Exit(code)
