"""What may come before a cell's imports without ending its import block (NB302)."""

from __future__ import annotations

import ast

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rules.imports._helpers import PATH_EDITS, qualified
from nb2prod.reading.magics import SyntaxKind
from nb2prod.reading.parsing import ParsedCell

#: Set-up that must run before some imports (as ruff's E402 allows), by qualified name.
_SETUP_PREFIXES = ("sys.path", "os.environ", "warnings.", "os.chdir", "os.putenv")
_SETUP_CALLS = PATH_EDITS | {"matplotlib.use", "pytest.importorskip"}
#: Calls that put a file in place for an import below to read (a module downloaded,
#: a data folder linked): moving the import above them would break it.
_FILE_SETUP = frozenset(
    "os.symlink os.link os.makedirs os.mkdir shutil.copy shutil.copy2 shutil.copyfile "
    "shutil.copytree shutil.move urllib.request.urlretrieve requests.get "
    "wget.download".split()
)
#: Configuration calls on an imported module (`np.random.seed(0)`, `sns.set()`).
_CONFIG_METHODS = frozenset(
    "seed set_seed manual_seed manual_seed_all use rc set_option set_printoptions "
    "set_style set_theme set_context set set_palette filterwarnings simplefilter "
    "basicConfig setLevel set_verbosity init_notebook_mode go_offline "
    "register_matplotlib_converters disable_eager_execution enable_eager_execution "
    "set_visible_devices set_memory_growth setrecursionlimit".split()
)


def is_setup(
    ctx: RuleContext, statement: ast.stmt, masked: frozenset[int], modules: set[str]
) -> bool:
    """Statements that may come before imports without ending the import block."""
    if statement.lineno in masked or isinstance(
        statement, (ast.Import, ast.ImportFrom, ast.Pass, ast.Assert)
    ):
        return True
    if isinstance(statement, ast.With) and any(
        isinstance(item.context_expr, ast.Call) and _writes_file(item.context_expr)
        for item in statement.items
    ):
        return True  # `with open("helper.py", "wb") as f: f.write(...)`
    if isinstance(statement, (ast.If, ast.Try, ast.With)):
        children = [
            c for c in ast.iter_child_nodes(statement) if isinstance(c, ast.stmt)
        ]
        children += [s for h in getattr(statement, "handlers", []) for s in h.body]
        return any(
            isinstance(node, (ast.Import, ast.ImportFrom))
            for node in ast.walk(statement)
        ) or all(is_setup(ctx, child, masked, modules) for child in children)
    if isinstance(statement, ast.Expr):
        value = statement.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return True  # a docstring or a bare string
        if isinstance(value, ast.Call):
            if ast.unparse(value.func).startswith("get_ipython()"):
                return True  # a magic written out as a call
            name = qualified(ctx, value.func) or ""
            return (
                name in _SETUP_CALLS
                or name in _FILE_SETUP
                or _writes_file(value)
                or name.startswith(_SETUP_PREFIXES)
                or (
                    _root(value.func) in modules
                    and name.rpartition(".")[2] in _CONFIG_METHODS
                )
            )
        return False
    if (
        isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Call)
        and (qualified(ctx, statement.value.func) or "") in _FILE_SETUP
    ):
        return True  # `response = requests.get(url)`, written to a file next
    targets = (
        statement.targets
        if isinstance(statement, ast.Assign)
        else [statement.target] if isinstance(statement, ast.AugAssign) else []
    )
    return bool(targets) and all(
        (qualified(ctx, target) or "").startswith(_SETUP_PREFIXES)
        or (
            isinstance(target, (ast.Attribute, ast.Subscript))
            and _root(target) in modules
        )
        for target in targets
    )


def _root(node: ast.expr) -> str | None:
    """The name an attribute or subscript chain starts from."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


#: Magics that move the working directory, which `import` searches first.
_CD_MAGICS = frozenset({"cd", "pushd"})


def path_change_lines(ctx: RuleContext, parsed: ParsedCell) -> frozenset[int]:
    """Lines where a cell changes where imports are found: `%cd`, `os.chdir(...)`,
    `sys.path.append(...)`, `sys.path = ...`. An import below them depends on them."""
    lines = {
        fact.span.line
        for fact in parsed.translation.syntax
        if fact.name in _CD_MAGICS
        and fact.kind in (SyntaxKind.LINE_MAGIC, SyntaxKind.AUTOMAGIC)
    }
    for node in ctx.nodes(parsed):
        if isinstance(node, ast.Call):
            name = qualified(ctx, node.func)
            if name in PATH_EDITS or name == "os.chdir":
                lines.add(node.lineno)
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(qualified(ctx, target) == "sys.path" for target in targets):
                lines.add(node.lineno)
    return frozenset(lines)


def _writes_file(call: ast.Call) -> bool:
    """`open(path, "w")`, `open(path, "wb")`, `Path(...).write_text(...)`."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("write_text", "write_bytes"):
        return True
    if not (isinstance(func, ast.Name) and func.id == "open"):
        return False
    mode = call.args[1] if len(call.args) > 1 else None
    mode = next((k.value for k in call.keywords if k.arg == "mode"), mode)
    return (
        isinstance(mode, ast.Constant)
        and isinstance(mode.value, str)
        and any(flag in mode.value for flag in "wax")
    )
