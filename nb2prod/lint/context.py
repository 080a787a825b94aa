"""What a rule sees: one notebook, its parsed cells, its facts, and the settings."""

from __future__ import annotations

import ast
from typing import Any

from nb2prod.analysis.calls import qualified_name
from nb2prod.analysis.facts import CellFacts, CellFlow, NotebookFacts, SecretFact
from nb2prod.analysis.names import dotted
from nb2prod.analysis.secret_places import output_secrets, text_cell_secrets
from nb2prod.analysis.secrets import Redactor
from nb2prod.lint.rule import Finding, Fix, Rule
from nb2prod.reading.magics import column_shifts
from nb2prod.reading.notebook import Cell, Notebook
from nb2prod.reading.parsing import ParsedCell
from nb2prod.settings import LintSettings


class RuleContext:
    """Read-only access to a notebook for rules, and the one way to make a `Finding`."""

    def __init__(
        self,
        notebook: Notebook,
        parsed: tuple[ParsedCell, ...],
        facts: NotebookFacts,
        settings: LintSettings,
        codes: frozenset[str] = frozenset(),
    ) -> None:
        self.notebook = notebook
        self.codes = codes  # the rules that run on this notebook
        self.path = notebook.path
        self.parsed = parsed
        self.facts = facts
        self.settings = settings
        self._parsed = {item.cell.index: item for item in parsed}
        self._facts = {item.index: item for item in facts.cells}
        self._flows = {flow.index: flow for flow in facts.dataflow.cells}
        self._aliases = dict(facts.aliases)
        self._nodes: dict[int, tuple[ast.AST, ...]] = {}
        self._secrets: dict[int, tuple[SecretFact, ...]] = {}
        self._redactor: Redactor | None = None

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.notebook.cells

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        return self.notebook.code_cells

    def parsed_cell(self, index: int) -> ParsedCell | None:
        return self._parsed.get(index)

    def nodes(self, parsed: ParsedCell) -> tuple[ast.AST, ...]:
        """Every syntax node of a cell, walked once and shared by all rules."""
        index = parsed.cell.index
        found = self._nodes.get(index)
        if found is None:
            found = tuple(ast.walk(parsed.tree)) if parsed.tree is not None else ()
            self._nodes[index] = found
        return found

    def cell_facts(self) -> tuple[CellFacts, ...]:
        """Facts of every code cell, in document order."""
        return self.facts.cells

    def facts_of(self, index: int) -> CellFacts | None:
        return self._facts.get(index)

    def flow_of(self, index: int) -> CellFlow | None:
        return self._flows.get(index)

    def finding(
        self,
        rule: Rule,
        cell: int | None,
        line: int = 1,
        column: int = 0,
        *,
        fix: Fix | None = None,
        **fields: Any,
    ) -> Finding:
        """A finding of `rule` at (cell, line, column), its message filled from `fields`."""
        count = self.notebook.cells[cell].execution_count if cell is not None else None
        message = rule.message.format(**fields) if fields else rule.message
        return Finding(
            path=self.path,
            cell=cell,
            line=line,
            column=column,
            code=rule.code,
            message=self.redact(message),  # no finding repeats a secret (NB7xx)
            name=rule.name,
            execution_count=count,
            fix=self._redacted(fix),
        )

    def _redacted(self, fix: Fix | None) -> Fix | None:
        if fix is None or fix.source is None:
            return fix
        return fix._replace(source=self.redact(fix.source))

    def text_secrets(self, index: int) -> tuple[SecretFact, ...]:
        """Secrets in a cell's markdown or raw text, and in its stored outputs."""
        found = self._secrets.get(index)
        if found is None:
            cell = self.notebook.cells[index]
            found = (*text_cell_secrets(cell), *output_secrets(cell))
            self._secrets[index] = found
        return found

    def redact(self, text: str) -> str:
        """`text` with every secret the notebook holds replaced by its preview."""
        if self._redactor is None:
            values = [s.value for c in self.cells for s in self.text_secrets(c.index)]
            values += [s.value for facts in self.facts.cells for s in facts.secrets]
            self._redactor = Redactor(value for value in values if value is not None)
        return self._redactor(text)

    def node_finding(
        self,
        rule: Rule,
        parsed: ParsedCell,
        node: ast.AST,
        *,
        fix: Fix | None = None,
        **fields: Any,
    ) -> Finding:
        """A finding at a syntax node, positioned in the cell as the user wrote it."""
        line, column = self.position(parsed, node)
        return self.finding(rule, parsed.cell.index, line, column, fix=fix, **fields)

    def qualified(self, node: ast.AST) -> str | None:
        """`numpy.random.rand` for `np.random.rand` (through the notebook's imports and the
        conventional aliases); None for anything computed. `x[...]` is named by `x`."""
        name = dotted(node.value if isinstance(node, ast.Subscript) else node)
        return None if name is None else qualified_name(name, self._aliases)

    def call_name(self, call: ast.Call) -> str | None:
        """The callee's qualified name (`pandas.read_csv` for `pd.read_csv(...)`)."""
        return self.qualified(call.func)

    def need_site(self, cell: int, name: str) -> tuple[int, int]:
        """(line, column) of the node that makes a cell need `name`: where it reads the
        name, or calls the notebook function that does."""
        flow = self.flow_of(cell)
        return flow.need_site(name) if flow is not None else (1, 0)

    @staticmethod
    def position(parsed: ParsedCell, node: ast.AST) -> tuple[int, int]:
        """(line, column) of `node` in the cell: characters, not UTF-8 bytes, and
        shifted back where `%time stmt` was translated to `stmt`."""
        line: int = node.lineno  # type: ignore[attr-defined]
        byte_column: int = node.col_offset  # type: ignore[attr-defined]
        lines = parsed.translation.python.splitlines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        column = len(text.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))
        column += column_shifts(parsed.translation.syntax).get(line, 0)
        return line, column
