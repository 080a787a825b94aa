"""What a rule is: a class with a code, a name, a message, ruff-style docs and examples.

A rule looks at the notebook through a `RuleContext` (the model, the parsed cells and
the analysis facts) and yields `Finding`s. Notebook-level rules implement `check`;
rules that need syntax nodes list `node_types` and implement `check_node`, and the
engine hands them each node of those types in one walk per cell; `check_findings`
runs last and sees what the others found. Rules never print.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

if TYPE_CHECKING:
    from nb2prod.lint.context import RuleContext
    from nb2prod.reading.parsing import ParsedCell

DOCS_URL = "https://github.com/nb2prod/nb2prod/blob/main/docs/rules/{code}.md"
_CODE = re.compile(r"^NB[0-8]\d\d$")
_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "Use instead:")


class Fix(NamedTuple):
    """A safe change to one cell that removes the finding; `nb2prod lint --fix` applies
    it. Only rewrites that are certain are fixes (see nb2prod/lint/fixes.py)."""

    description: str
    cell: int
    source: str | None = None  # the cell's new source, for REPLACE_SOURCE
    action: str = "replace-source"  # or "clear-outputs", "delete-cell"


REPLACE_SOURCE, CLEAR_OUTPUTS, DELETE_CELL = (
    "replace-source",
    "clear-outputs",
    "delete-cell",
)


class Finding(NamedTuple):
    """One smell at one place. `cell` is None for notebook-level findings."""

    path: str
    cell: int | None
    line: int
    column: int
    code: str
    message: str
    name: str
    execution_count: int | None = None
    fix: Fix | None = None

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        """Document order; notebook-level findings (cell None) first."""
        cell = -1 if self.cell is None else self.cell
        return (self.path, cell, self.line, self.column, self.code, self.message)


class Valid(NamedTuple):
    """An example notebook the rule must accept. A string is one code cell."""

    notebook: str | dict[str, Any]
    path: str = "analysis.ipynb"


class Invalid(NamedTuple):
    """An example the rule must flag; `at` pins (cell, line, column) when given."""

    notebook: str | dict[str, Any]
    at: tuple[int | None, int, int] | None = None
    message: str | None = None
    fixed: str | None = None  # the fixed source of the flagged cell
    path: str = "analysis.ipynb"


class Rule:
    """Base class of every lint rule. Subclasses set the class attributes below."""

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]  # may use {placeholders} filled by `RuleContext.finding`
    default: ClassVar[bool] = True  # enabled unless the user selects otherwise
    fix_action: ClassVar[str | None] = None  # the safe fix its findings carry, if any
    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    valid: ClassVar[list[Valid]] = []
    invalid: ClassVar[list[Invalid]] = []

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        """Findings from the notebook as a whole (model and facts)."""
        return ()

    def check_node(
        self, ctx: RuleContext, cell: ParsedCell, node: ast.AST
    ) -> Iterable[Finding]:
        """Findings from one syntax node of a type in `node_types`."""
        return ()

    def check_findings(
        self, ctx: RuleContext, findings: Sequence[Finding]
    ) -> Iterable[Finding]:
        """Findings about the other rules' findings (before suppression), once all
        of them have run."""
        return ()

    @classmethod
    def fixable(cls) -> bool:
        """A rule can fix what it declares or its own examples show it fixing."""
        return cls.fix_action is not None or any(
            example.fixed is not None for example in cls.invalid
        )

    @classmethod
    def family(cls) -> str:
        return cls.code[:3]

    @classmethod
    def docs(cls) -> str:
        """The rule's documentation: its docstring, dedented."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """One line: what the rule flags (the first sentence after "What it does")."""
        text = cls.docs().split("## What it does", 1)[-1].strip()
        first = text.split("\n\n", 1)[0]
        return " ".join(first.split())

    @classmethod
    def problems(cls) -> list[str]:
        """What is wrong with the rule's own definition (checked by the test suite)."""
        problems = []
        if not _CODE.match(getattr(cls, "code", "")):
            problems.append("code must look like NB101")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", getattr(cls, "name", "")):
            problems.append("name must be kebab-case")
        docs = cls.docs()
        positions = [docs.find(section) for section in _SECTIONS]
        if -1 in positions or positions != sorted(positions):
            problems.append(
                "docs need ## What it does, ## Why is this bad?, ## Example, Use instead:"
            )
        if not cls.invalid:
            problems.append("at least one Invalid example")
        return problems
