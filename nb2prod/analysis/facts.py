"""The facts analysis learns about a notebook: frozen, hashable, sortable dataclasses.

`lint` and `convert` read these and nothing else about the code; they never re-parse.
Positions are (line, column) inside the cell, 1-based lines and 0-based columns.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import NamedTuple, Protocol, TypeVar

from nb2prod.analysis.secrets import SecretText
from nb2prod.reading.magics import IPythonSyntax
from nb2prod.reading.parsing import SyntaxProblem


class Param(NamedTuple):
    """One parameter of a function, in declaration order."""

    name: str
    kind: str  # positional_only, positional, var_positional, keyword_only, var_keyword
    has_default: bool


class FunctionFacts(NamedTuple):
    """A function defined in a cell (methods are folded into their class)."""

    line: int
    column: int
    name: str
    params: tuple[Param, ...]
    globals_read: tuple[str, ...]  # free names that resolve to notebook (module) scope
    globals_written: tuple[str, ...]  # declared `global` and assigned
    globals_mutated: tuple[str, ...]  # notebook names changed in place (`df["a"] = 1`)
    global_declarations: tuple[str, ...]
    nonlocal_declarations: tuple[str, ...]
    calls: tuple[str, ...]  # names called that resolve to notebook scope
    prints: bool
    is_async: bool
    body_hash: str  # equal for functions whose code is the same, whatever its position
    # `f = lambda x: x * rate`: a value bound in a step (its closure keeps what it reads),
    # not a definition that moves to module level
    is_lambda: bool = False


class ClassFacts(NamedTuple):
    """A class defined in a cell."""

    line: int
    column: int
    name: str
    bases: tuple[str, ...]  # source text of each base
    methods: tuple[str, ...]
    globals_read: tuple[str, ...]  # notebook names its methods read
    body_hash: str


class ImportFact(NamedTuple):
    """One imported name: `import a.b as c` -> module a.b, name None, alias c, bound c."""

    line: int
    column: int
    module: str
    name: str | None  # the imported name of `from m import name`; "*" for star imports
    alias: str | None
    level: int  # leading dots of a relative import
    bound: str | None  # the notebook name it binds (None for star imports)
    optional: bool  # inside `try: ... except ImportError`
    in_function: str | None


class PrintFact(NamedTuple):
    """A call of the built-in `print`."""

    line: int
    column: int
    args: tuple[str, ...]  # source text of each positional argument
    keywords: tuple[str, ...]  # sep, end, file, flush
    in_function: str | None


class DisplayFact(NamedTuple):
    """The last bare expression of a cell, whose value Jupyter displays."""

    line: int
    column: int
    text: str


class CallFact(NamedTuple):
    """A call of interest (plot shown, randomness, I/O), with its qualified name."""

    line: int
    column: int
    kind: str  # show | rng | seed | unseeded_rng | missing_random_state | read | write
    name: str  # qualified where the notebook's imports tell (numpy.random.rand)
    path: str | None = None  # for I/O: the literal path, when there is one
    in_function: str | None = None
    # for I/O: the variable holding the path (`open(model_name, "wb")`), when named
    path_name: str | None = None


class LiteralFact(NamedTuple):
    """A literal worth configuring: a path, a URL, a keyword hyper-parameter, a constant."""

    line: int
    column: int
    kind: str  # path | url | hyperparameter | constant
    value: str  # repr() of the literal
    name: str | None  # the assigned name, or the keyword of a call argument
    callee: str | None  # the function a keyword argument is passed to
    absolute: bool = False  # paths: absolute or user-specific (/home/, C:\Users, ~)
    in_function: str | None = None


class SecretFact(NamedTuple):
    """A credential in the notebook, where it sits, and a redacted preview. The value
    is a `SecretText`, which prints as `<redacted>` (for redacting it elsewhere)."""

    line: int
    column: int
    kind: (
        str  # the provider format (github_token, aws_access_key...) or assigned_secret
    )
    name: str | None  # the variable, keyword or key it is bound to
    preview: str  # first characters and the length, never the secret itself
    place: str = "literal"  # literal | code | comment | magic | markdown | output
    value: SecretText | None = None


class Mention(NamedTuple):
    """Where a cell first reads or calls a notebook name: the node, not its text."""

    name: str
    line: int
    column: int


class CallScope(NamedTuple):
    """A notebook name a cell calls, and what the cell had bound before that call."""

    name: str
    bound_before: tuple[str, ...]


class CellFacts(NamedTuple):
    """Everything analysis learned about one code cell."""

    # Hides tuple.index, as Cell.index does (see there): kept for the API.
    index: int  # type: ignore[assignment]  # position among all cells, from 0
    execution_count: int | None
    defines: tuple[str, ...]
    reads: tuple[str, ...]
    mutates: tuple[str, ...]
    deletes: tuple[str, ...]
    builtins_read: tuple[str, ...]  # builtin names read (a notebook may shadow them)
    calls: tuple[str, ...]  # notebook-scope names called at the cell's top level
    lambda_reads: tuple[str, ...]  # notebook names read by lambdas run in the cell
    functions: tuple[FunctionFacts, ...]
    classes: tuple[ClassFacts, ...]
    imports: tuple[ImportFact, ...]
    star_imports: tuple[str, ...]
    prints: tuple[PrintFact, ...]
    display_expression: DisplayFact | None
    plots: tuple[CallFact, ...]
    randomness: tuple[CallFact, ...]
    io: tuple[CallFact, ...]
    literals: tuple[LiteralFact, ...]
    secrets: tuple[SecretFact, ...]
    ipython_syntax: tuple[IPythonSyntax, ...]
    problems: tuple[SyntaxProblem, ...]
    # where the cell first reads each name of `reads` and `lambda_reads`, where it
    # first calls each of `calls`, and what it had bound before that call
    read_sites: tuple[Mention, ...] = ()
    call_sites: tuple[Mention, ...] = ()
    call_scopes: tuple[CallScope, ...] = ()


class NameUse(NamedTuple):
    """A name and the cell (index) that reads or defines it."""

    name: str
    cell: int


class UseBeforeDefinition(NamedTuple):
    """A name a cell reads before any earlier cell defines it (NameError on Run All)."""

    name: str
    cell: int
    defined_in: tuple[int, ...]  # later cells that define it


class MultipleDefinition(NamedTuple):
    """A name (or function) bound in more than one cell."""

    name: str
    cells: tuple[int, ...]


class StateRead(NamedTuple):
    """A function that reads notebook state: variables, not functions, classes or modules."""

    cell: int
    function: str
    names: tuple[str, ...]


class Provider(NamedTuple):
    """The cell that provides a name a cell reads (None: no earlier cell defines it)."""

    name: str
    cell: int | None


class CellFlow(NamedTuple):
    """What one code cell takes from earlier cells and leaves to later ones."""

    index: int  # type: ignore[assignment]  # hides tuple.index, as Cell.index does
    providers: tuple[Provider, ...]  # one per name in `needs`
    needs: tuple[str, ...]  # reads, plus notebook names read by the functions it calls
    defines: tuple[str, ...]  # defines, plus names its calls assign through `global`
    live_out: tuple[str, ...]  # names it defines or mutates that a later cell needs
    # where the cell needs each name: the reading node, or the call of the notebook
    # function that reads it
    need_sites: tuple[Mention, ...] = ()

    def need_site(self, name: str) -> tuple[int, int]:
        """(line, column) of the node that makes this cell need `name`."""
        site = next((site for site in self.need_sites if site.name == name), None)
        return (site.line, site.column) if site else (1, 0)


class Dataflow(NamedTuple):
    """How values flow between cells, in document order."""

    cells: tuple[CellFlow, ...]
    undefined_before_use: tuple[UseBeforeDefinition, ...]
    never_defined: tuple[NameUse, ...]
    defined_in_several_cells: tuple[MultipleDefinition, ...]
    redefined_functions: tuple[MultipleDefinition, ...]  # same name, different bodies
    functions_reading_state: tuple[StateRead, ...]

    def flow(self, index: int) -> CellFlow | None:
        """The flow of the code cell at `index`."""
        return _by_index(self.cells, index)


class NotebookFacts(NamedTuple):
    """The facts of every code cell plus the dataflow between them."""

    path: str
    cells: tuple[CellFacts, ...]
    dataflow: Dataflow
    aliases: tuple[tuple[str, str], ...]  # (notebook name, qualified name it imports)

    def cell(self, index: int) -> CellFacts | None:
        """The facts of the code cell at `index` (position among all cells)."""
        return _by_index(self.cells, index)


class _Indexed(Protocol):
    @property
    def index(self) -> int: ...


_Item = TypeVar("_Item", bound=_Indexed)


def _by_index(items: tuple[_Item, ...], index: int) -> _Item | None:
    """The first item at cell `index`, by binary search: items come in document order
    (analysis builds them so), and a scan per lookup made many cells quadratic."""
    at = bisect_left(items, index, key=lambda item: item.index)
    return items[at] if at < len(items) and items[at].index == index else None
