"""No secret in a plan, so none in what `convert` prints (warnings, `--dry-run` text
and JSON) or writes from it (README, tests, Dockerfile, data files).

Secrets in code become environment lookups where they are decided (`config.py`,
`ipython.py`, `golden.py`); this module is the net under them: markdown is redacted
before planning (titles, introduction and step names come from it), and every text of
the finished plan goes through the notebook's redactor. A data file that held a secret
is reported.
"""

from __future__ import annotations

from typing import Any

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.analysis.secret_places import text_cell_secrets
from nb2prod.analysis.secrets import Redactor
from nb2prod.planning.plan import Plan, Warning
from nb2prod.reading.notebook import CellKind, Notebook


def redact_text_cells(notebook: Notebook) -> Notebook:
    """`notebook` with the secrets of its markdown and raw cells (and its metadata
    title) replaced by their previews."""
    cells = []
    for cell in notebook.cells:
        found = text_cell_secrets(cell) if cell.kind is not CellKind.CODE else ()
        if found:
            redact = Redactor(s.value for s in found if s.value is not None)
            cell = cell._replace(source=redact(cell.source))
        cells.append(cell)
    title = Redactor()(notebook.title) if notebook.title else notebook.title
    return notebook._replace(cells=tuple(cells), title=title)


def redact_plan(plan: Plan, redact: Redactor, facts: NotebookFacts) -> Plan:
    """`plan` with every text redacted: golden cases holding a secret are dropped (a
    redacted expectation would fail), and each data file or f-string that held one is
    reported (the package has it redacted)."""
    warnings = [
        Warning(
            data.cell,
            f"the file `{data.path}` written by this cell holds a secret; it is "
            "written with the secret redacted: provide the real file at run time",
        )
        for data in plan.data_files
        if redact.holds_secret(data.content)
    ]
    warnings += [
        Warning(
            cell.index,
            f"line {secret.line}: an f-string holds a secret ({secret.kind}); the "
            "package has it redacted: read it from the environment in the notebook",
        )
        for cell in facts.cells
        for secret in cell.secrets
        if secret.place == "fstring"
    ]
    golden = tuple(
        case
        for case in plan.golden
        if not redact.holds_secret(case.expected) and not redact.holds_secret(case.call)
    )
    plan = plan._replace(golden=golden, warnings=plan.warnings + tuple(warnings))
    redacted: Plan = _redacted(plan, redact)
    return redacted


def _redacted(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(_redacted(item, redact) for item in value))
    if isinstance(value, tuple):
        return tuple(_redacted(item, redact) for item in value)
    return value
