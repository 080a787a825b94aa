"""The `nb2prod` command line: parse options, call the core, render, pick the exit code.

The only module that imports typer. Exit codes (SPEC): 0 success, 1 findings or stale
output, 2 usage error or bad input. A user-facing failure (`Nb2ProdError`) prints one
line on stderr; anything else is a bug in nb2prod and says so. Tracebacks only with -v.

Annotations here are evaluated when the module loads (no `from __future__ import
annotations`): typer reads every command's signature on each run, and string annotations
cost it a compile and an eval each, about 8 ms of every `nb2prod lint` from pre-commit.
"""

import shutil
import sys
import traceback
from collections.abc import Callable
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Annotated, NamedTuple, NoReturn, TypeVar

import typer

from nb2prod._version import __version__
from nb2prod.errors import CellSyntaxError, Nb2ProdError

if TYPE_CHECKING:
    from nb2prod.convert import ConvertResult
    from nb2prod.planning.plan import ConvertOptions

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

    Exits 2 when the file is not a readable Python notebook, 1 when a code cell is not
    Python (the report is still printed, with every other cell).
    """
    from nb2prod.inspection import inspect_notebook
    from nb2prod.reading.notebook import read_notebook

    verbose = verbose or bool(ctx.obj)
    inspection = _guard(lambda: inspect_notebook(read_notebook(notebook)), verbose)
    if output_format is OutputFormat.json:
        from nb2prod.reporters.inspection_json import render_inspection_json

        sys.stdout.write(render_inspection_json(inspection))
    else:
        from nb2prod.reporters.inspection_text import render_inspection_text

        color = sys.stdout.isatty()
        width = _table_width()
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
        raise typer.Exit(EXIT_FINDINGS)


def _guard(work: Callable[[], T], verbose: bool) -> T:
    """Run core work; turn its failures into one stderr line and exit code 2."""
    try:
        return work()
    except Nb2ProdError as error:
        if verbose:
            traceback.print_exc()
        _error_line(error)
        _exit(getattr(error, "exit_code", EXIT_BAD_INPUT))  # 130/143: interrupted
    except OSError as error:
        # the machine said no: permissions, a full disk, a lost file
        if verbose:
            traceback.print_exc()
        where = error.filename if error.filename is not None else "nb2prod"
        sys.stderr.write(f"error: {where}: {error.strerror or error}\n")
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


class LintFormat(str, Enum):
    """How `lint` prints findings."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


def _codes(values: list[str] | None) -> tuple[str, ...]:
    """`--select NB1,NB401 --select NB5` -> ("NB1", "NB401", "NB5")."""
    return tuple(
        code.strip()
        for value in values or ()
        for code in value.split(",")
        if code.strip()
    )


@app.command()
def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Notebooks, folders (searched recursively) or globs. Default: ."
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(help="Rule codes or prefixes to run (replaces the defaults)."),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(help="Rule codes or prefixes to skip.")
    ] = None,
    extend_select: Annotated[
        list[str] | None,
        typer.Option(help="Rule codes or prefixes to add to the selection."),
    ] = None,
    output_format: Annotated[
        LintFormat, typer.Option("--format", "-f", help="text, json, sarif or github.")
    ] = LintFormat.text,
    statistics: Annotated[
        bool, typer.Option(help="Show counts per rule instead.")
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option(help="Exit 0 even when there are findings.")
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            help="Apply the safe fixes to the notebooks, then report the rest."
        ),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            help="Print the safe fixes as a diff of each notebook file; write nothing "
            "(exit 1 when there is one)."
        ),
    ] = False,
    output_file: Annotated[
        str | None,
        typer.Option("--output-file", "-o", help="Write the report to this file."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option(help="Do not read or write .nb2prod_cache/.")
    ] = False,
    config: Annotated[
        str | None, typer.Option(help="pyproject.toml to read [tool.nb2prod] from.")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option(help="Worker processes (default: CPUs).")
    ] = None,
    verbose: Verbose = False,
) -> None:
    """Check notebooks for smells (exit 1 when there are findings, 2 on bad input)."""
    from nb2prod.lint.session import LintRequest, run_lint

    verbose = verbose or bool(ctx.obj)
    request = LintRequest(
        paths=tuple(paths or ["."]),
        select=_codes(select),
        ignore=_codes(ignore),
        extend_select=_codes(extend_select),
        use_cache=not no_cache,
        jobs=jobs,
        config=config,
    )
    report = _guard(lambda: run_lint(request, progress=_progress_bar()), verbose)
    if diff or fix:
        report = _fix_lint(report, request, write=not diff, verbose=verbose)
    text = _render_lint(report, output_format, statistics)
    if output_file:
        _guard(lambda: _write_text(output_file, text), verbose)
    else:
        sys.stdout.write(text)
    for error in report.errors:
        sys.stderr.write(error + "\n")
    if report.errors:
        raise typer.Exit(EXIT_BAD_INPUT)
    raise typer.Exit(EXIT_FINDINGS if report.findings and not exit_zero else EXIT_OK)


def _fix_lint(report, request, *, write: bool, verbose: bool):
    """`--diff`: print the fixes and exit; `--fix`: apply them and lint again, so the
    report (and the exit code) is about what remains."""
    from nb2prod.lint.session import fix_notebooks, run_lint

    outcome = _guard(lambda: fix_notebooks(report, write=write), verbose)
    for path in outcome.skipped:
        sys.stderr.write(f"warning: {path}: changed since it was linted; not fixed\n")
    if not write:
        sys.stdout.write("".join(outcome.diffs))
        for error in report.errors:
            sys.stderr.write(error + "\n")
        if report.errors:
            raise typer.Exit(EXIT_BAD_INPUT)
        raise typer.Exit(EXIT_FINDINGS if outcome.diffs else EXIT_OK)
    if outcome.fixed:
        count = sum(number for _, number in outcome.fixed)
        sys.stderr.write(
            f"Fixed {count} finding{'s' if count != 1 else ''} in "
            f"{len(outcome.fixed)} notebook{'s' if len(outcome.fixed) != 1 else ''}.\n"
        )
        report = _guard(lambda: run_lint(request), verbose)
    return report


def _table_width(minimum: int = 100) -> int:
    """The terminal's width for tables, never narrower than `minimum`."""
    return max(shutil.get_terminal_size((120, 24)).columns, minimum)


def _progress_bar():
    """A rich progress bar on a terminal; nothing when output is piped."""
    if not sys.stderr.isatty():
        return None
    from nb2prod.lint.progress import ProgressBar

    return ProgressBar()


def _render_lint(report, output_format: LintFormat, statistics: bool) -> str:
    color = sys.stdout.isatty()
    width = _table_width(80)
    if statistics and output_format is LintFormat.json:
        from nb2prod.reporters.findings_json import render_statistics_json

        return render_statistics_json(report.findings)
    if statistics:
        from nb2prod.reporters.findings_text import render_statistics

        return render_statistics(report.findings, color=color, width=width)
    if output_format is LintFormat.json:
        from nb2prod.reporters.findings_json import render_findings_json

        return render_findings_json(report.findings)
    if output_format is LintFormat.sarif:
        from nb2prod.reporters.findings_sarif import render_findings_sarif

        return render_findings_sarif(report.findings, report.rules, report.file_lines())
    if output_format is LintFormat.github:
        from nb2prod.reporters.findings_github import render_findings_github

        return render_findings_github(report.findings, report.file_lines())
    from nb2prod.reporters.findings_text import render_findings_text

    return render_findings_text(
        report.findings,
        report.excerpts,
        color=color,
        width=width,
        files=len(report.files),
        unreadable=len(report.errors),
    )


def _write_text(path: str, text: str) -> None:
    from nb2prod.errors import ConfigError

    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise ConfigError(path, f"cannot write the report ({error.strerror})") from None


def _convert_several(request: "ConvertRequest") -> None:
    """Several notebooks into one package named by --name or the output folder."""
    from pathlib import Path

    from nb2prod.combine import combine_notebooks
    from nb2prod.planning.naming import package_name
    from nb2prod.reading.notebook import read_notebook
    from nb2prod.writer import write_package

    notebooks, output, name = request.notebooks, request.output, request.name
    force, verbose = request.force, request.verbose
    if name is None and output is None:
        sys.stderr.write(
            "error: name the package of several notebooks with --name or --output\n"
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    package = name or package_name(Path(output or "").resolve().name)
    seen: set[Path] = set()
    for path in notebooks:
        if Path(path).resolve() in seen:
            sys.stderr.write(f"error: {path}: given twice\n")
            raise typer.Exit(EXIT_BAD_INPUT)
        seen.add(Path(path).resolve())
    models = [_guard(partial(read_notebook, path), verbose) for path in notebooks]
    combined = _guard(lambda: combine_notebooks(models, package), verbose)
    target = Path(output or package)
    written = _guard(
        lambda: write_package(combined.package, target, force=force), verbose
    )
    pipelines = ", ".join(sub for sub, _ in combined.parts)
    shared = (
        f"; shared helpers: {', '.join(combined.shared)}" if combined.shared else ""
    )
    sys.stdout.write(
        f"wrote {target}/: package {package}, pipelines {pipelines}, "
        f"{len(combined.package)} files{shared}\n"
    )
    for (_, plan), notebook in zip(combined.parts, notebooks, strict=True):
        _print_warnings(plan, notebook)
    _print_write_warnings(written, target)
    _exit_on_problems(combined.problems, target)


def _print_warnings(plan, notebook: str) -> None:
    for warning in plan.warnings:
        where = f"cell {warning.cell + 1}: " if warning.cell is not None else ""
        sys.stderr.write(f"warning: {notebook}: {where}{warning.message}\n")


def _print_write_warnings(written, target) -> None:
    for warning in written.warnings:
        sys.stderr.write(f"warning: {target}: {warning}\n")


def _exit_on_problems(problems, target) -> None:
    """A package that would fail as written: name each problem, exit 1."""
    if not problems:
        return
    for problem in problems:
        sys.stderr.write(f"error: {target}/{problem.describe()}\n")
    sys.stderr.write(
        f"error: {target}/ was written but does not work as it is "
        f"({len(problems)} problem{'s' if len(problems) != 1 else ''} above); "
        "fix the notebook (or the package) and convert again\n"
    )
    raise typer.Exit(EXIT_FINDINGS)


@app.command()
def rules(
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text (a table) or json.")
    ] = OutputFormat.text,
) -> None:
    """List every rule: code, name, whether it is on by default, what it flags."""
    from nb2prod.reporters.rules import render_rules_json, render_rules_text

    if output_format is OutputFormat.json:
        sys.stdout.write(render_rules_json())
    else:
        width = _table_width()
        sys.stdout.write(render_rules_text(color=sys.stdout.isatty(), width=width))


@app.command()
def verify(
    ctx: typer.Context,
    notebook: Annotated[str, typer.Argument(help="The notebook that was converted.")],
    package: Annotated[str, typer.Argument(help="The folder `convert` wrote.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text (a table) or json.")
    ] = OutputFormat.text,
    rtol: Annotated[float, typer.Option(help="Relative tolerance for floats.")] = 1e-7,
    atol: Annotated[float, typer.Option(help="Absolute tolerance for floats.")] = 0.0,
    cell_timeout: Annotated[
        int, typer.Option(help="Seconds one notebook cell may run.")
    ] = 600,
    timeout: Annotated[
        int, typer.Option(help="Seconds each side may run in all.")
    ] = 3600,
    python: Annotated[
        str | None,
        typer.Option(help="Interpreter (with nbclient and ipykernel) for both sides."),
    ] = None,
    verbose: Verbose = False,
) -> None:
    """Run the notebook and its package; compare the values, printed lines and files
    (exit 1 on a difference, 2 when either cannot run). Executes the notebook's code."""
    from nb2prod.verify import Tolerance

    verbose = verbose or bool(ctx.obj)
    _verify_and_exit(
        notebook,
        package,
        output_format,
        verbose,
        python=python,
        tolerance=Tolerance(rtol, atol),
        cell_timeout=cell_timeout,
        run_timeout=timeout,
    )


def _verify_and_exit(
    notebook: str, package: str, output_format: OutputFormat, verbose: bool, **options
) -> None:
    """Run `verify`, print its report, exit 1 on a difference (2 if it cannot run)."""
    from nb2prod.reporters.verify_report import render_verify_json, render_verify_text
    from nb2prod.verify import verify as run_verify

    report = _guard(lambda: run_verify(notebook, package, **options), verbose)
    if output_format is OutputFormat.json:
        sys.stdout.write(render_verify_json(report))
    else:
        width = _table_width()
        sys.stdout.write(
            render_verify_text(report, color=sys.stdout.isatty(), width=width)
        )
    raise typer.Exit(EXIT_FINDINGS if report.different else EXIT_OK)


@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="A rule code, e.g. NB401.")],
) -> None:
    """Show one rule's documentation."""
    from nb2prod.reporters.rules import render_explanation

    text = _guard(lambda: render_explanation(code), False)
    sys.stdout.write(text)


@app.command()
def convert(
    ctx: typer.Context,
    notebooks: Annotated[
        list[str],
        typer.Argument(
            help="The .ipynb file to convert; several become one package "
            "(one pipeline each, shared helpers written once)."
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Package folder (default: ./PACKAGE)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Package name (default: from the file name).")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Replace a non-empty output folder.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Print the plan; write nothing.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            help="Exit 1 if the output folder differs from what would be written."
        ),
    ] = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="text or json (for --dry-run)."),
    ] = OutputFormat.text,
    verify_after: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Then run the notebook and the package and compare (see verify).",
        ),
    ] = False,
    serve: Annotated[
        bool,
        typer.Option(
            help="Also write serve.py: the trained model over HTTP (FastAPI)."
        ),
    ] = False,
    schedule: Annotated[
        bool,
        typer.Option(
            help="Split the pipeline into `train` and `predict` commands, for a "
            "scheduler (when the notebook trains a model and the split is clean)."
        ),
    ] = False,
    deployed: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="The variable holding the model to save (when the notebook trains "
            "several; the plan says which it chose and why).",
        ),
    ] = None,
    skip_unused_searches: Annotated[
        bool,
        typer.Option(
            help="Leave out hyper-parameter searches (GridSearchCV...) whose results "
            "the saved model does not use; the plan lists every search either way."
        ),
    ] = False,
    verbose: Verbose = False,
) -> None:
    """Turn a notebook into an installable, tested Python package."""
    from nb2prod.planning.plan import ConvertOptions

    request = ConvertRequest(
        notebooks=tuple(notebooks),
        output=output,
        name=name,
        force=force,
        dry_run=dry_run,
        check=check,
        output_format=output_format,
        verify_after=verify_after,
        options=ConvertOptions(serve, schedule, deployed, skip_unused_searches),
        verbose=verbose or bool(ctx.obj),
    )
    if name is not None:
        from nb2prod.planning.naming import check_package_name

        _guard(lambda: check_package_name(name, frozenset()), request.verbose)
    if request.check:
        _check_and_exit(request)
    several = len(request.notebooks) > 1
    if several and request.options != ConvertOptions():
        sys.stderr.write(f"error: {_one_notebook_option(request)} takes one notebook\n")
        raise typer.Exit(EXIT_BAD_INPUT)
    if several and not request.dry_run:
        _convert_several(request)
    elif several:
        sys.stderr.write("error: --dry-run takes one notebook\n")
        raise typer.Exit(EXIT_BAD_INPUT)
    elif request.dry_run:
        _dry_run_and_exit(request)
    else:
        _convert_one(request)


class ConvertRequest(NamedTuple):
    """What `nb2prod convert` was asked for, once its options are read."""

    notebooks: tuple[str, ...]
    output: str | None
    name: str | None
    force: bool
    dry_run: bool
    check: bool
    output_format: OutputFormat
    verify_after: bool
    options: "ConvertOptions"  # --serve, --schedule, --model, --skip-unused-searches
    verbose: bool


def _one_notebook_option(request: ConvertRequest) -> str:
    """The first option given that takes one notebook (for the error line)."""
    options = request.options
    given = {
        "--serve": options.serve,
        "--schedule": options.schedule,
        "--model": options.model is not None,
        "--skip-unused-searches": options.skip_unused_searches,
    }
    return next(flag for flag, on in given.items() if on)


def _check_and_exit(request: ConvertRequest) -> NoReturn:
    """`--check`: name each file that would change; exit 1 when one would."""
    from nb2prod.convert import check_packages

    reports = _guard(
        lambda: check_packages(list(request.notebooks), request.output),
        request.verbose,
    )
    for report in reports:
        for relative in report.stale:
            sys.stdout.write(
                f"{report.notebook}: would change {report.folder}/{relative}\n"
            )
    raise typer.Exit(EXIT_FINDINGS if any(r.stale for r in reports) else EXIT_OK)


def _converted(request: ConvertRequest) -> "ConvertResult":
    """The conversion of the request's one notebook (errors as one line)."""
    from nb2prod.convert import convert_with_options
    from nb2prod.reading.notebook import read_notebook

    (path,) = request.notebooks
    model = _guard(lambda: read_notebook(path), request.verbose)
    return _guard(
        partial(convert_with_options, model, request.name, request.options),
        request.verbose,
    )


def _dry_run_and_exit(request: ConvertRequest) -> NoReturn:
    """`--dry-run`: the plan as text or JSON; exit 1 when the package would not work."""
    from nb2prod.reporters.plan_report import render_plan_json, render_plan_text

    result = _converted(request)
    plan, problems = result.plan, result.problems
    color, width = sys.stdout.isatty(), _table_width()
    text = _guard(  # rendering too: any failure is one line, never a traceback
        lambda: (
            render_plan_json(plan, problems)
            if request.output_format is OutputFormat.json
            else render_plan_text(plan, problems, color=color, width=width)
        ),
        request.verbose,
    )
    sys.stdout.write(text)
    raise typer.Exit(EXIT_FINDINGS if problems else EXIT_OK)


def _convert_one(request: ConvertRequest) -> None:
    """Write the package of one notebook, say what it holds, then `--verify` it."""
    from pathlib import Path

    from nb2prod.writer import write_package

    result = _converted(request)
    plan = result.plan
    target = Path(request.output or plan.package)
    written = _guard(
        lambda: write_package(result.package, target, force=request.force),
        request.verbose,
    )
    shape = (
        f"a library of {len(plan.modules)} modules"
        if plan.kind == "library"
        else f"{len(plan.steps)} steps in {len(plan.modules)} modules"
    )
    sys.stdout.write(
        f"wrote {target}/: package {plan.package}, {shape}, "
        f"{len(result.package)} files\n"
    )
    (notebook,) = request.notebooks
    _print_warnings(plan, notebook)
    _print_write_warnings(written, target)
    _exit_on_problems(result.problems, target)
    if request.verify_after:
        _verify_and_exit(notebook, str(target), OutputFormat.text, request.verbose)
