"""`convert`: notebook -> plan -> package, as a pure function over the model.

Reads nothing but the notebook given and writes nothing: `writer.py` writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from nb2prod.analysis import Walks, analyze_parsed
from nb2prod.analysis.facts import NotebookFacts
from nb2prod.analysis.secret_places import notebook_redactor
from nb2prod.analysis.secrets import Redactor
from nb2prod.collector import survivors_frozen
from nb2prod.errors import CellSyntaxError
from nb2prod.nesting import refusing_deep_nesting
from nb2prod.planning.build import build_plan
from nb2prod.planning.normalisation import normalise
from nb2prod.planning.plan import ConvertOptions, Plan
from nb2prod.planning.redaction import redact_plan, redact_text_cells
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell, parse_notebook
from nb2prod.selfcheck import Problem, check_package


class ConvertResult(NamedTuple):
    """The plan of a conversion, the files it produced (relative path -> text) and the
    reasons the package would fail as written (`selfcheck`)."""

    plan: Plan
    package: dict[str, str]
    problems: tuple[Problem, ...] = ()


class Planned(NamedTuple):
    plan: Plan
    parsed: dict[int, ParsedCell]
    facts: NotebookFacts
    #: every secret value the notebook's code held, before normalisation too (an unread
    #: credential is gone from `facts`, not from the outputs that may repeat it): the
    #: net under the plan's redaction, replaced wherever a file would carry one
    net: Redactor


@refusing_deep_nesting  # issue 12: deep code is an error with a cell and line
def plan_notebook(
    notebook: Notebook,
    package: str | None = None,
    options: ConvertOptions | None = None,
) -> Planned:
    """The plan, the parsed cells by index and the facts; refuses cells that are not
    Python. The plan holds no secret of the notebook (issue 12)."""
    original, notebook = notebook, redact_text_cells(notebook)
    parsed = parse_notebook(notebook)
    for item in parsed:
        if item.problem is not None:
            problem = item.problem
            message = problem.message
            if message.startswith("Missing parentheses in call to 'print'"):
                message = (
                    "Python 2 code (`print` statement); convert it to Python 3 first"
                )
            raise CellSyntaxError(
                notebook.path,
                message,
                cell=problem.cell,
                line=problem.line,
                column=problem.column,
            )
    walks = Walks()
    facts = analyze_parsed(notebook.path, parsed, walks)
    found = facts.cells  # the secrets of the code as written
    normalised = normalise(notebook, parsed, facts, walks=walks)
    notebook, parsed, facts = normalised.notebook, normalised.parsed, normalised.facts
    options = options or ConvertOptions()
    plan = build_plan(notebook, parsed, facts, package, options)._replace(
        options=options
    )
    if normalised.warnings:
        plan = plan._replace(warnings=plan.warnings + normalised.warnings)
    if normalised.result is not None and normalised.result in plan.outputs:
        plan = plan._replace(result=normalised.result)
    known = (*found, *facts.cells)
    plan = redact_plan(plan, notebook_redactor(original.cells, known), facts)
    net = Redactor(
        (s.value for cell in known for s in cell.secrets if s.value is not None),
        key_values=False,
    )
    return Planned(plan, {item.cell.index: item for item in parsed}, facts, net)


@refusing_deep_nesting
def convert_notebook(
    notebook: Notebook,
    package: str | None = None,
    *,
    serve: bool = False,
    schedule: bool = False,
    model: str | None = None,
    skip_unused_searches: bool = False,
) -> ConvertResult:
    """Plan the conversion of `notebook` and render every file of the package; with
    `serve`, the package also serves its trained model over HTTP; with `schedule`, its
    CLI gets `train` and `predict` commands; `model` names the model to save; with
    `skip_unused_searches`, hyper-parameter searches the saved model does not use are
    left out."""
    options = ConvertOptions(serve, schedule, model, skip_unused_searches)
    return convert_with_options(notebook, package, options)


@refusing_deep_nesting
def convert_with_options(
    notebook: Notebook, package: str | None, options: ConvertOptions
) -> ConvertResult:
    """`convert_notebook` with every option in one record (a package's own, for
    `--check`)."""
    from nb2prod.pasted_data import mask_pasted_data, restore_pasted_data

    pasted = mask_pasted_data(notebook)  # issue 12: megabytes of data in seconds
    if pasted is not None:
        result = _converted(pasted.notebook, package, options)
        files = restore_pasted_data(result.package, pasted.literals)
        if files is not None:
            return result._replace(package=files)
    return _converted(notebook, package, options)


def _converted(
    notebook: Notebook, package: str | None, options: ConvertOptions
) -> ConvertResult:
    from nb2prod.emit.code import with_module_code
    from nb2prod.emit.formatting import start_formatting
    from nb2prod.emit.package import render_files

    planned = plan_notebook(notebook, package, options)
    plan = with_options(planned.plan, options.serve, options.schedule)
    with survivors_frozen():  # the parsed cells and facts: not walked by each pass
        plan = _redacted_code(
            with_module_code(plan, planned.parsed, planned.facts), planned.net
        )
        unformatted = render_files(plan, planned.net)
        sources = {cell.index: cell.source for cell in notebook.cells}
        # checked while ruff formats: formatting keeps the syntax tree, so the
        # problems are the same; only their lines move
        formatting = start_formatting(unformatted)
        try:
            problems = check_package(unformatted, plan, sources)
        except BaseException:
            formatting.close()
            raise
        files = formatting.result()
        if problems:  # their files checked again, for the lines as written
            problems = check_package(
                files, plan, sources, only={problem.path for problem in problems}
            )
    return ConvertResult(plan, files, tuple(problems))


def _redacted_code(plan: Plan, net: Redactor) -> Plan:
    """`plan` with the net applied to its module code: a secret's value the code
    repeats (`print("connected as <password>")`) is in no plan, JSON or file."""
    return plan._replace(
        code=tuple(
            module._replace(
                imports=tuple(net(line) for line in module.imports),
                code=net(module.code),
                docstring=net(module.docstring),
            )
            for module in plan.code
        )
    )


def with_options(plan: Plan, serve: bool, schedule: bool) -> Plan:
    """`plan` with the options of `convert --serve/--schedule` applied."""
    from nb2prod.planning.deployment import with_schedule, with_serving

    if serve:
        plan = with_serving(plan)
    if schedule:
        plan = with_schedule(plan)
    return plan


def _guessed_options(folder: Path, plan: Plan) -> ConvertOptions:
    """The options of a package written before nb2prod recorded them, read from the
    files they add."""
    source = folder / "src" / plan.package
    pipeline = source / "pipeline.py"
    deployed = _saved_variable(source / "models.py")  # with --model
    default = plan.model.name if plan.model else None
    return ConvertOptions(
        serve=(source / "serve.py").is_file(),
        schedule=pipeline.is_file()
        and "\ndef run_training(" in pipeline.read_text(encoding="utf-8"),
        model=deployed if deployed not in (None, default) else None,
    )


def _saved_variable(models: Path) -> str | None:
    """The variable a generated models.py saves (`"variable": "rf"`), if any."""
    import re

    if not models.is_file():
        return None
    found = re.search(r'"variable": "(\w+)"', models.read_text(encoding="utf-8"))
    return found.group(1) if found else None


class StaleReport(NamedTuple):
    """A notebook's package folder and the generated files that differ from it."""

    notebook: str
    folder: str
    stale: tuple[str, ...]


def check_packages(notebooks: list[str], output: str | None) -> list[StaleReport]:
    """Compare each notebook's package folder with what `convert` would write now.

    The folder is `output`, else the one `[tool.nb2prod.convert] packages` names, else
    `./PACKAGE`; a notebook with no configured folder and no folder on disk is skipped
    (it has no package to keep up to date).
    """
    from pathlib import Path

    from nb2prod.reading.notebook import read_notebook
    from nb2prod.settings import load_convert_settings, recorded_options
    from nb2prod.writer import stale_files

    settings = load_convert_settings(Path.cwd())
    reports = []
    for notebook in notebooks:
        configured = output or settings.folder_for(notebook)
        model = read_notebook(notebook)
        # as the package records it was made: options, pins, Python, star imports
        recorded = recorded_options(Path(configured)) if configured else None
        result = convert_with_options(model, None, recorded or ConvertOptions())
        folder = Path(configured or result.plan.package)
        if recorded is None:
            options = recorded_options(folder) or _guessed_options(folder, result.plan)
            if options != result.plan.options:
                result = convert_with_options(model, None, options)
        if configured is None and not folder.is_dir():
            continue
        reports.append(
            StaleReport(
                notebook, str(folder), tuple(stale_files(result.package, folder))
            )
        )
    return reports
