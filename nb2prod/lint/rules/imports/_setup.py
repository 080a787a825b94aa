"""What may come before a cell's imports without ending its import block (NB302)."""

from __future__ import annotations

import ast

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rules.imports._helpers import PATH_EDITS, qualified
from nb2prod.magics import SyntaxKind
from nb2prod.parsing import ParsedCell

#: Set-up that must run before some imports (as ruff's E402 allows), by qualified name.
_SETUP_PREFIXES = ("sys.path", "os.environ", "warnings.", "os.chdir", "os.putenv")
_SETUP_CALLS = PATH_EDITS | {"matplotlib.use", "pytest.importorskip"}
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
                or name.startswith(_SETUP_PREFIXES)
                or (
                    _root(value.func) in modules
                    and name.rpartition(".")[2] in _CONFIG_METHODS
                )
            )
        return False
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
