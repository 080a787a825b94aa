"""Knowledge the reproducibility rules share: which seed controls which generator,
which calls fetch from the network or read the clock, and how to find a call."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rules.output._helpers import call_name
from nb2prod.reading.parsing import ParsedCell

ALL_GENERATORS = _ALL = frozenset({"random", "numpy", "torch", "tensorflow"})
#: Libraries that draw from NumPy's global generator.
_FAMILIES = {"scipy": "numpy", "sklearn": "numpy"}
#: Seeding call -> the global generators it seeds.
SEEDS = {
    "numpy.random.seed": {"numpy"},
    "random.seed": {"random"},
    "torch.manual_seed": {"torch"},
    "tensorflow.random.set_seed": {"tensorflow"},
    "tensorflow.set_random_seed": {"tensorflow"},
    "tensorflow.compat.v1.set_random_seed": {"tensorflow"},
    "keras.utils.set_random_seed": {"random", "numpy", "tensorflow"},
    "tensorflow.keras.utils.set_random_seed": {"random", "numpy", "tensorflow"},
    "lightning.seed_everything": {"random", "numpy", "torch"},
    "pytorch_lightning.seed_everything": {"random", "numpy", "torch"},
    "transformers.set_seed": _ALL,
}


def generator_of(name: str) -> str:
    """The global generator a random call draws from: `numpy` for `sklearn.utils...`."""
    library = name.split(".", 1)[0]
    return _FAMILIES.get(library, library)


def call_at(parsed: ParsedCell | None, line: int, column: int) -> ast.Call | None:
    """The call that starts at (line, character column) of a parsed cell."""
    if parsed is None or parsed.tree is None:
        return None
    lines = parsed.translation.python.splitlines()
    for node in ast.walk(parsed.tree):
        if isinstance(node, ast.Call) and node.lineno == line:
            text = lines[line - 1].encode("utf-8") if line <= len(lines) else b""
            start = len(text[: node.col_offset].decode("utf-8", "ignore"))
            if start == column:
                return node
    return None


def keywords(call: ast.Call | None) -> dict[str, ast.expr]:
    """The call's keyword arguments by name, `**` for an unpacked mapping."""
    if call is None:
        return {}
    return {keyword.arg or "**": keyword.value for keyword in call.keywords}


def string_literals(nodes: Iterable[ast.AST]) -> Iterator[tuple[ast.expr, str]]:
    """Each string literal, and each f-string with the text before its first `{`.

    `nodes` come parents first (as `ast.walk` gives them), so an f-string's parts are
    known before they are met."""
    parts: set[int] = set()
    for node in nodes:
        if isinstance(node, ast.JoinedStr) and node.values:
            parts.update(id(value) for value in node.values)
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node, first.value
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in parts
        ):
            yield node, node.value


# ---- network ----------------------------------------------------------------------

#: Functions that fetch from the network, by qualified name.
_DOWNLOADERS = frozenset(
    "urllib.request.urlretrieve urllib.urlretrieve urllib.request.urlopen wget.download "
    "gdown.download gdown.download_folder nltk.download keras.utils.get_file "
    "tensorflow.keras.utils.get_file torch.hub.load torch.hub.download_url_to_file "
    "torch.hub.load_state_dict_from_url huggingface_hub.hf_hub_download "
    "huggingface_hub.snapshot_download kagglehub.dataset_download opendatasets.download "
    "yfinance.download spacy.cli.download tensorflow_datasets.load "
    "seaborn.load_dataset datasets.load_dataset".split()
)
_FETCHERS = ("sklearn.datasets.fetch_", "keras.datasets.", "tensorflow.keras.datasets.")
_LOCAL_BUILDERS = frozenset({"csv", "json", "text", "parquet", "imagefolder"})
_URL = re.compile(r"^(https?|ftp)://")
#: Callees that read what their first argument names (a URL makes them download).
_READERS = frozenset(
    "urlopen urlretrieve get load loadtxt genfromtxt imread open_dataset download "
    "get_file read load_dataset read_file".split()
)
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


def network_fetch(ctx: RuleContext, call: ast.Call) -> str | None:
    """What a call fetches from the network, said for a message, or None."""
    name = call_name(ctx, call) or (
        call.func.attr if isinstance(call.func, ast.Attribute) else ""
    )
    short = name.rsplit(".", 1)[-1]
    first = call.args[0] if call.args else None
    literal = first.value if isinstance(first, ast.Constant) else None
    keywords = {keyword.arg for keyword in call.keywords}
    if (
        isinstance(literal, str)
        and _URL.match(literal)
        and (short in _READERS or short.startswith("read_"))
    ):
        return f"`{short}` of a URL"
    if any(
        k.arg == "download" and getattr(k.value, "value", 0) is True
        for k in call.keywords
    ):
        return f"`{short}(download=True)`"
    if short == "from_pretrained" and isinstance(literal, str):
        return "`from_pretrained` of a hub model" if _HUB_ID.match(literal) else None
    local = literal in _LOCAL_BUILDERS or {"data_files", "data_dir"} & keywords
    if name in _DOWNLOADERS and not (short == "load_dataset" and local):
        return f"`{name}`"
    fetches = name.startswith(_FETCHERS) and short.startswith(("fetch_", "load_data"))
    return f"`{name}`" if fetches else None


# ---- clock --------------------------------------------------------------------------

CLOCKS = frozenset(
    "datetime.datetime.now datetime.datetime.today datetime.datetime.utcnow "
    "datetime.date.today datetime.now datetime.today datetime.utcnow date.today "
    "time.time time.time_ns time.perf_counter time.monotonic time.process_time "
    "time.ctime time.asctime time.localtime time.strftime timeit.default_timer "
    "pandas.Timestamp.now pandas.Timestamp.today".split()
)
_BLOCKS = ("body", "orelse", "finalbody")


def simple_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that are not blocks, in source order, nested ones included."""
    for statement in body:
        blocks = [getattr(statement, field, None) for field in _BLOCKS]
        blocks += [handler.body for handler in getattr(statement, "handlers", [])]
        if any(isinstance(block, list) for block in blocks):
            for block in blocks:
                yield from simple_statements(block if isinstance(block, list) else [])
        else:
            yield statement


def uses_clock(ctx: RuleContext, node: ast.AST, timed: set[str]) -> bool:
    """Whether `node` reads the clock, or a name `timed` says holds a time."""
    return any(
        (isinstance(sub, ast.Name) and sub.id in timed)
        or (isinstance(sub, ast.Call) and call_name(ctx, sub) in CLOCKS)
        for sub in ast.walk(node)
    )


def track_times(ctx: RuleContext, statement: ast.stmt, timed: set[str]) -> None:
    """Names bound to a time join `timed`; names rebound to something else leave it."""
    if isinstance(statement, ast.Assign):
        targets, value = statement.targets, statement.value
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and statement.value:
        targets, value = [statement.target], statement.value
    else:
        return
    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    if uses_clock(ctx, value, timed):
        timed |= names
    elif not isinstance(statement, ast.AugAssign):
        timed -= names
