"""`convert --dry-run`: the plan as a rich tree, or as JSON data. Text from the
notebook (headings, values, magics) is escaped: `[/data]` is no rich markup."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.markup import escape
from rich.tree import Tree

from nb2prod.plain import from_plain, plain
from nb2prod.planning.cell_selection import left_out_notes
from nb2prod.planning.plan import Plan
from nb2prod.planning.searches import search_note
from nb2prod.reporters.console import text_console
from nb2prod.selfcheck import Problem


def render_plan_json(plan: Plan, problems: Sequence[Problem] = ()) -> str:
    """The plan as data (every field of `nb2prod.planning.plan.Plan`), and the
    self-check's problems with the package it would write."""
    data = {"schema": 1, "plan": plain(plan), "problems": plain(list(problems))}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def plan_from_json(text: str) -> Plan:
    """The plan `render_plan_json` wrote, read back: it renders the same package
    (`render_package`). Raises ValueError when the text is not such a plan."""
    from nb2prod.planning.local_modules import LocalModule

    data = json.loads(text)
    if not isinstance(data, dict) or data.get("schema") != 1 or "plan" not in data:
        raise ValueError(
            "not a plan written by `nb2prod convert --dry-run --format json`"
        )
    plan: Plan = from_plain(Plan, data["plan"], {"LocalModule": LocalModule})
    return plan


def render_plan_text(
    plan: Plan, problems: Sequence[Problem] = (), *, color: bool, width: int
) -> str:
    """The plan as a tree: package, modules and their steps, config, the model it
    saves, IPython, warnings."""
    console = text_console(color, width)
    tree = Tree(
        f"[bold]{plan.package}[/bold]  from {escape(plan.notebook)} "
        f"(Python {plan.python_version})"
    )
    library = plan.kind == "library"
    tree.add(
        "kind: library (the notebook only defines functions and classes: no pipeline, "
        "command line or image)"
        if library
        else "kind: pipeline"
    )
    modules = tree.add("modules")
    for module in plan.modules:
        branch = modules.add(f"[bold]{module}.py[/bold]")
        for function in plan.functions:
            if function.module == module:
                extra = (
                    f"  + parameters {', '.join(function.extra_params)}"
                    if function.extra_params
                    else ""
                )
                branch.add(
                    f"{function.kind} {function.name}  (cell {function.cell + 1}){extra}"
                )
        for step in plan.steps:
            if step.module == module and not library:
                cells = ", ".join(str(c + 1) for c in step.cells)
                node = branch.add(
                    f'step [bold]{step.name}[/bold]  "{escape(step.title)}"  cells {cells}'
                )
                node.add(f"takes: {', '.join(step.params) or '-'}")
                node.add(f"returns: {', '.join(step.returns) or '-'}")
    if plan.config:
        parameters = [cell + 1 for cell in plan.parameters_cells]
        config = tree.add(
            ("module constants" if library else "config.py")
            + (
                f"  (cell {', '.join(map(str, parameters))} is tagged `parameters`)"
                if parameters
                else ""
            )
        )
        for value in plan.config:
            note = f"  (was {escape(value.original)})" if value.original else ""
            config.add(f"{value.name} = {escape(value.value)}{note}")
    if plan.model is not None:
        model = plan.model
        saved = tree.add(
            f"model [bold]{model.name}[/bold]  {model.estimator} fitted in cell "
            f"{model.cell + 1}, saved by models.py ({model.library})"
        )
        saved.add(f"trained on: {model.training_data or '-'}")
        saved.add(f"chosen: {escape(model.reason or '-')}")
        if model.input_steps:
            saved.add(
                f"saved behind: {' -> '.join(model.input_steps)} (a Pipeline that "
                f"predicts from rows like {model.raw_rows or 'the notebook table'})"
            )
        saved.add(f"saved with it: {', '.join(model.saved_beside) or '-'}")
        if model.predictions:
            predicted, rows = model.predictions
            saved.add(f"tested: predicts {predicted} again from {rows}")
        saved.add(f"metrics computed on it: {', '.join(model.metrics) or '-'}")
        saved.add(f"metrics.json: {', '.join(model.run_metrics) or '-'}")
    if plan.left_out:
        out = tree.add("left out of the package")
        for note in left_out_notes(plan.left_out):
            out.add(escape(note))
    if plan.searches:
        searches = tree.add("hyper-parameter searches")
        for search in plan.searches:
            searches.add(escape(search_note(search, plan.model is not None)))
    if plan.decisions:
        ipython = tree.add("IPython syntax")
        for decision in plan.decisions:
            detail = f": {decision.detail}" if decision.detail else ""
            ipython.add(
                escape(
                    f"cell {decision.cell + 1}: {decision.text}  -> {decision.action}{detail}"
                )
            )
    if plan.secrets:
        secrets = tree.add("secrets")
        for secret in plan.secrets:
            secrets.add(
                f"cell {secret.cell + 1}, line {secret.line}: read from ${secret.variable}"
            )
    requirements = tree.add("requirements")
    for requirement in plan.requirements:
        requirements.add(escape(requirement.name))
    if plan.warnings:
        warnings = tree.add("[yellow]warnings[/yellow]")
        for warning in plan.warnings:
            where = f"cell {warning.cell + 1}: " if warning.cell is not None else ""
            warnings.add(escape(f"{where}{warning.message}"))
    if problems:
        broken = tree.add("[red]problems: the package would not work as written[/red]")
        for problem in problems:
            broken.add(escape(problem.describe()))
    console.print(tree)
    return console.file.getvalue()  # type: ignore[attr-defined]
