"""Lines the notebook printed that the package's run must print (log) again: the
stored stdout of the cells the package keeps, and the values their last expressions
displayed (`df.shape`, an accuracy), the notebook's own specification of what it
computes, pinned in a generated test.

Only lines that can repeat: not timings, memory addresses, progress or dates, not
from a cell whose output is the shell's or a timing magic's, nor from a cell showing
its environment (library versions, the platform, the working folder), not Python 2 reprs, not a
line holding a secret, and nothing printed after the first random draw the notebook
does not seed (the next run draws other numbers). Numbers are compared with a small
tolerance by the test, so another BLAS or library build still agrees.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator

from nb2prod.analysis.calls import SEEDED_LIBRARIES, rng_library
from nb2prod.analysis.facts import CellFacts
from nb2prod.planning.model import imported_paths_of, resolved_path
from nb2prod.planning.plan import PrintedLine
from nb2prod.reading.magics import SyntaxKind
from nb2prod.reading.notebook import Cell
from nb2prod.reading.parsing import ParsedCell
from nb2prod.transforms.effect_calls import displays_a_value

#: Printed lines that cannot repeat between runs (timings, addresses, progress, dates)
#: or between machines (the device: `cuda` where the notebook ran, `cpu` in CI).
UNSTABLE = re.compile(
    r"0x[0-9a-f]{6,}|wall time|cpu times|\d+(\.\d+)? ?(ms|µs|us|ns|s) (per loop|±)|"
    r"\d+ loops?, best of|it/s|s/it|\d{4}-\d\d-\d\d[ T]\d\d:\d\d|elapsed|seconds?\b|"
    r"\b(cuda|mps|gpu|tpu)\b",
    re.IGNORECASE,
)
#: Code showing the environment it runs in (`np.__version__`, `sys.version`,
#: `platform.python_version()`): another machine prints another version.
_ENVIRONMENT = re.compile(
    r"__version__|\bversion_info\b|\bsys\.version\b|python_version|\bplatform\.|"
    r"\bgetcwd\b|\bhostname\b|\bgethostname\b|\bcpu_count\b|\bos\.environ\b"
)
#: A Python 2 long integer (`10L`): today's Python prints `10`.
_PYTHON2_LONG = re.compile(r"(?<![\w.])\d+L\b")
#: Syntax whose output is not the cell's Python: a shell's, help's, a timing's.
_NOT_PYTHON_OUTPUT = frozenset(
    {SyntaxKind.SHELL, SyntaxKind.SHELL_CAPTURE, SyntaxKind.HELP, SyntaxKind.AUTOMAGIC}
)
_TIMING_MAGICS = frozenset({"time", "timeit", "prun", "memit"})
#: Keywords that seed one call (`train_test_split(..., random_state=0)`).
_SEED_KEYWORDS = frozenset({"random_state", "seed", "generator", "rng"})
#: At most this many lines per notebook: a test is read by people.
MAX_LINES = 60


def expected_printed_lines(
    cells: dict[int, ParsedCell],
    facts: Iterable[CellFacts],
    kept: set[int],
    has_secret: Callable[[str], bool],
    logged: frozenset[int] = frozenset(),
) -> tuple[PrintedLine, ...]:
    """The stable stdout lines and displayed values of the kept cells, in notebook
    order."""
    facts = list(facts)
    varying_from = _first_unseeded_draw(cells, facts)
    found: list[PrintedLine] = []
    for index in sorted(cells):
        parsed = cells[index]
        if (
            index not in kept
            or index >= varying_from
            or not _python_output(parsed)
            or _ENVIRONMENT.search(parsed.translation.python)
        ):
            continue
        for output in parsed.cell.outputs:
            if output.output_type == "execute_result" and index in logged:
                shown = displayed_text(output.get("text/plain") or "")
                if shown is not None and _stable(shown) and not has_secret(shown):
                    found.append(PrintedLine(index, shown, displayed=True))
            if output.output_type != "stream" or output.name != "stdout":
                continue
            if has_secret(output.text):  # a key over several lines is one secret
                continue
            for line in output.text.splitlines():
                text = line.rstrip()
                if _stable(text) and not has_secret(text):
                    found.append(PrintedLine(index, text))
    return tuple(found[:MAX_LINES])


#: numpy 2 shows a scalar as `np.float64(0.93)`; the log prints `0.93`.
_NUMPY_SCALAR = re.compile(r"^np\.(?:float|int|uint|bool|str|complex)\w*\((.*)\)$")
#: Longest displayed value kept: longer ones wrap differently in IPython's printer.
_DISPLAY_WIDTH = 79


def _holds_a_set(value: object) -> bool:
    if isinstance(value, (set, frozenset)):
        return True
    if isinstance(value, dict):
        return any(map(_holds_a_set, value.values()))
    if isinstance(value, (list, tuple)):
        return any(map(_holds_a_set, value))
    return False


def displayed_text(plain: str) -> str | None:
    """The text the package logs for a value the notebook displayed as `plain`, or None
    when the two may differ. The package logs `str(value)`; Jupyter shows `repr`. They
    agree for numbers, tuples, lists and dicts of literals on one line (a string's repr
    adds quotes: its content is expected); anything else (a table, an array, an object)
    is left to the printed lines."""
    text = plain.strip()
    if "\n" in text or len(text) > _DISPLAY_WIDTH:
        return None
    scalar = _NUMPY_SCALAR.match(text)
    if scalar:
        text = scalar.group(1)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if _holds_a_set(value):  # IPython sorts a set's items; `str` does not
        return None
    if isinstance(value, str):
        return value if value.strip() and "\n" not in value else None
    return text


def logged_displays(
    cells: dict[int, ParsedCell], facts: Iterable[CellFacts]
) -> frozenset[int]:
    """The cells whose displayed value the package logs (`expression = value`): a last
    bare expression Jupyter shows, unless a call made for its effect (`model.fit(...)`,
    `ax.set_xlim(...)`), or one the stored run shows returned None (the cell ran
    and displayed nothing: `learn.fit_one_cycle(...)`, `df.info()`). Rendering logs
    exactly these."""
    found = set()
    for item in facts:
        parsed = cells.get(item.index)
        tree = parsed.tree if parsed is not None else None
        if item.display_expression is None or tree is None or not tree.body:
            continue
        if parsed is not None and _showed_nothing(parsed.cell):
            continue
        last = tree.body[-1]
        if isinstance(last, ast.Expr) and displays_a_value(last.value):
            found.add(item.index)
    return frozenset(found)


def _showed_nothing(cell: Cell) -> bool:
    """The cell ran (it has an execution count) without error and left no result:
    its last expression was None, which Jupyter does not show."""
    return cell.execution_count is not None and not any(
        output.output_type in ("execute_result", "error") for output in cell.outputs
    )


def _stable(text: str) -> bool:
    return bool(text.strip()) and not (
        UNSTABLE.search(text) or _PYTHON2_LONG.search(text)
    )


def _python_output(parsed: ParsedCell) -> bool:
    """Whether the cell's stored stdout is what its Python printed."""
    return not any(
        fact.kind in _NOT_PYTHON_OUTPUT
        or (fact.kind is SyntaxKind.CELL_MAGIC and fact.name in _TIMING_MAGICS)
        or (fact.kind is SyntaxKind.LINE_MAGIC and fact.name in _TIMING_MAGICS)
        for fact in parsed.translation.syntax
    )


def _first_unseeded_draw(
    cells: dict[int, ParsedCell], facts: Iterable[CellFacts]
) -> float:
    """The first cell drawing random numbers from a generator no seed set before it
    seeds (`random.seed` does not seed torch's), or infinity. Building a network
    draws its initial weights: a torch.nn layer or keras layer counts as a draw."""
    ordered = sorted(facts, key=lambda item: item.index)
    imports = imported_paths_of(ordered)
    networks = _network_classes(cells, imports)
    seeded: set[str] = set()
    everything = {"random", "numpy", "torch", "tensorflow"}
    for cell in ordered:
        parsed = cells.get(cell.index)
        for call in cell.randomness:
            owner = (call.in_function or "").split(".")[0]
            if networks.get(owner) == rng_library(call.name):
                continue  # its weights: drawn when a cell builds the network (below)
            if call.kind == "seed":  # an unknown seeding call: seeds all, as it may
                seeded |= SEEDED_LIBRARIES.get(call.name, everything)
            elif call.kind == "unseeded_rng":  # a generator seeded from the system
                if call.name != "torch.Generator":  # (torch's has a fixed seed)
                    return cell.index
            elif rng_library(call.name) not in seeded and _draws(
                call.kind, parsed, call.line
            ):
                return cell.index
        built = _builds_network(parsed, imports, networks)  # (not inside their classes)
        if built is not None and built not in seeded:
            return cell.index
    return float("inf")


#: Calls that initialise weights at random: torch.nn layers, keras layers and models.
_WEIGHTS = re.compile(
    r"^(torch\.nn\.(modules\.)?[A-Z]|(tensorflow\.)?keras\.(layers|models|Sequential|Model))"
)


def _builds_network(
    parsed: ParsedCell | None, imports: dict[str, str], networks: dict[str, str]
) -> str | None:
    """The library whose generator the cell's first network draws its weights from
    (torch or tensorflow), or None when the cell builds none."""
    if parsed is None or parsed.tree is None:
        return None
    for node in _outside(parsed.tree, frozenset(networks)):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in networks:
                return networks[node.func.id]
            path = resolved_path(node.func, imports) or ""
            if _WEIGHTS.match(path):
                return rng_library(path)
    return None


def _outside(tree: ast.Module, classes: frozenset[str]) -> Iterator[ast.AST]:
    """The nodes of `tree` but the bodies of the network classes named: a layer one
    builds in `__init__` is built when a cell builds the network, and counted there.
    A function's body counts where it is defined (no call is followed)."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.ClassDef) and node.name in classes:
            pending.extend(node.bases)
            continue
        pending.extend(ast.iter_child_nodes(node))


def _network_classes(
    cells: dict[int, ParsedCell], imports: dict[str, str]
) -> dict[str, str]:
    """Notebook classes built on a torch.nn or keras class, and on those, with the
    library of their weights."""
    found: dict[str, str] = {}
    for index in sorted(cells):
        tree = cells[index].tree
        for node in tree.body if tree is not None else []:
            if not isinstance(node, ast.ClassDef):
                continue
            for base in node.bases:
                path = resolved_path(base, imports) or ""
                if isinstance(base, ast.Name) and base.id in found:
                    found[node.name] = found[base.id]
                    break
                if _WEIGHTS.match(path):
                    found[node.name] = rng_library(path)
                    break
    return found


def _draws(kind: str, parsed: ParsedCell | None, line: int) -> bool:
    """Whether a random call draws unseeded numbers (a seed keyword seeds its call:
    `torch.randint(..., generator=g)` draws from `g`, not from torch's generator)."""
    if kind == "unseeded_rng":
        return True
    return kind in ("rng", "missing_random_state") and not _seeded_call(parsed, line)


def _seeded_call(parsed: ParsedCell | None, line: int) -> bool:
    """Whether a call starting on `line` passes a seed keyword (or `**kwargs`)."""
    if parsed is None or parsed.tree is None:
        return False
    calls = [n for n in ast.walk(parsed.tree) if isinstance(n, ast.Call)]
    return any(
        _seeds(keyword)
        for call in calls
        if call.lineno == line
        for keyword in call.keywords
    )


def _seeds(keyword: ast.keyword) -> bool:
    if keyword.arg is None:  # `**params` may hold one
        return True
    value = keyword.value
    none = isinstance(value, ast.Constant) and value.value is None
    return keyword.arg in _SEED_KEYWORDS and not none
