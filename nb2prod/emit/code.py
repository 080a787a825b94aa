"""The package's step modules: each step becomes a function made of its cells' code,
each notebook function or class moves to module level, imports go where they are used.

All rewriting is libcst on the user's own code, so names and comments survive.
"""

from __future__ import annotations

import ast
import re
import symtable
from typing import NamedTuple

import libcst as cst

from nb2prod.analysis.facts import NotebookFacts
from nb2prod.analysis.secrets import Redactor
from nb2prod.emit.awaits import (
    awaits_at_top_level,
    refuse_awaiting_definitions,
    run_in_event_loop,
)
from nb2prod.emit.docstrings import in_docstring
from nb2prod.emit.imports import line_bindings, line_reads, narrowed_line
from nb2prod.errors import CellSyntaxError
from nb2prod.planning.plan import Decision, FunctionPlan, ModuleCode, Plan, Step
from nb2prod.reading.magics import SyntaxKind
from nb2prod.reading.parsing import ParsedCell
from nb2prod.scope_symbols import scope_symbols
from nb2prod.transforms.cell_parts import hoisted_import, split_cell
from nb2prod.transforms.class_state import inject_class_state
from nb2prod.transforms.config_reads import CONFIG, read_config_defaults
from nb2prod.transforms.display_labels import display_record
from nb2prod.transforms.figures import ShowToSave
from nb2prod.transforms.globals_to_returns import AssignCallResults, GlobalsToReturns
from nb2prod.transforms.literals import replace_literals
from nb2prod.transforms.parameters import AddParameters, PassArguments
from nb2prod.transforms.plain_fstrings import plain_fstrings
from nb2prod.transforms.print_to_logging import PrintToLogging
from nb2prod.transforms.rebound_names import rename_rebound_names
from nb2prod.transforms.redact_comments import RedactComments
from nb2prod.transforms.repeated_imports import DropRepeatedImports, normalized
from nb2prod.transforms.unused_locals import drop_unused_locals, tidy_definition

LOGGER = "logger"
#: Libraries whose tensors format differently in f-strings (`format`) and with `%s`.
TENSOR_LIBRARIES = frozenset({"torch", "tensorflow", "jax"})


class _Cell(NamedTuple):
    imports: list[cst.BaseStatement]
    definitions: list[cst.BaseStatement]
    body: list[cst.BaseStatement]
    trailing: list[cst.EmptyLine]
    words: frozenset[str]  # every identifier in the cell: which rewrites can apply
    awaits: bool = False  # top-level `await`: the step runs in an event loop
    needs: frozenset[str] = frozenset()  # what nb2prod's changes to it read (_IMPORTS)


_WORD = re.compile(r"[^\W\d]\w*")


def with_module_code(
    plan: Plan, parsed: dict[int, ParsedCell], facts: NotebookFacts
) -> Plan:
    """`plan` with the code of each of its modules, the last decisions made from the
    cells (renames, unused locals dropped, settings read through the config, secrets
    read from the environment). Rendering reads the code from the plan. A library's
    constants stay in its modules: they are no settings there."""
    source = plan._replace(config=()) if plan.kind == "library" else plan
    return plan._replace(code=tuple(render_module_code(source, parsed, facts).values()))


def render_module_code(
    plan: Plan, parsed: dict[int, ParsedCell], facts: NotebookFacts
) -> dict[str, ModuleCode]:
    """Module name -> its code, for every step module of the plan."""
    config = frozenset(value.name for value in plan.config)
    cells = {
        index: _cell_parts(
            parsed[index],
            plan,
            facts,
            config,
            step.name if index in plan.figure_cells else None,
        )
        for step in plan.steps
        for index in step.cells
    }
    notebook_imports = _resolve_stars(
        _unique_code(
            (s for cell in cells.values() for s in cell.imports),
            frozenset(plan.aliases),
        ),
        plan,
    )
    rewrites = _Rewrites(
        extra={f.name: f.extra_params for f in plan.functions if f.extra_params},
        returned=_returned_globals(plan),
        exact=frozenset(_modules_printing_pieces(plan, parsed)),
        hoisted=frozenset(
            text for line in notebook_imports if (text := normalized(line)) is not None
        ),
        keywords={f.name: dict(f.keywords) for f in plan.functions if f.keywords},
        tensors=any(
            name in TENSOR_LIBRARIES for r in plan.requirements for name in r.imports
        ),
        metrics=_metric_names(plan),
    )
    definitions = _definitions(plan, cells, rewrites)
    modules: dict[str, ModuleCode] = {}
    for module in plan.modules:
        steps = [step for step in plan.steps if step.module == module]
        functions = [d for d in definitions if d.function.module == module]
        made = [_step_function(step, cells, rewrites) for step in steps]
        step_defs = [function for function, _ in made]
        needs = frozenset().union(
            *(step_needs for _, step_needs in made), *(d.needs for d in functions)
        )
        result_types = [
            cst.parse_statement(_result_type(step))
            for step in steps
            if _returns_record(step)
        ]
        alias = _config_alias([d.code for d in functions])
        definitions_code, config_reads = read_config_defaults(
            "\n\n".join(tidy_definition(d.node, d.code) for d in functions),
            config,
            alias,
        )
        code = plain_fstrings(
            "\n\n".join(
                ([definitions_code] if functions else [])
                + [cst.Module(body=[node]).code for node in result_types]
                + [rename_rebound_names(tidy_definition(n)) for n in step_defs]
            )
        )
        if result_types:
            needs |= {"typing"}
        imports = _imports_used(
            code, notebook_imports, plan, module, needs, alias if config_reads else None
        )
        # once each: nine steps of a notebook without headings share one role title
        titles = ", ".join(
            f'"{title}"' for title in dict.fromkeys(s.title for s in steps)
        )
        modules[module] = ModuleCode(
            module, imports, code, in_docstring(f"Notebook sections {titles}.")
        )
    return modules


def _cell_parts(
    parsed: ParsedCell,
    plan: Plan,
    facts: NotebookFacts,
    config: frozenset[str],
    figures: str | None = None,
) -> _Cell:
    """One cell's code with IPython syntax decided, secrets replaced, displays logged;
    with `figures` (a name), it ends by saving the figures it left open."""
    refuse_awaiting_definitions(parsed, plan.notebook)
    source = _production_source(parsed, plan.decisions)
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise CellSyntaxError(
            plan.notebook,
            error.message.splitlines()[0] if error.message else "invalid syntax",
            cell=parsed.cell.index,
            line=error.raw_line,
            column=error.raw_column,
        ) from None
    secrets = {
        (secret.line, secret.column): cst.parse_expression(
            f"secret({secret.variable!r})"
        )
        for secret in plan.secrets
        if secret.cell == parsed.cell.index and secret.source == "literal"
    }
    module, replaced = replace_literals(module, secrets)
    needs = {"secret"} if replaced else set()
    for decision in plan.decisions:
        if decision.cell == parsed.cell.index and decision.action == "translated":
            needs.update(decision.needs)
    cell_facts = facts.cell(parsed.cell.index)
    found = cell_facts.secrets if cell_facts is not None else ()
    if any(secret.place == "comment" for secret in found):
        redactor = Redactor(s.value for s in found if s.value is not None)
        module = module.visit(RedactComments(redactor))
    if parsed.cell.index in plan.logged_displays:
        module = _log_display(module, _metric_names(plan))
    parts = split_cell(module, config, frozenset(plan.aliases))
    captured = _capture_target(parsed)
    if captured is not None:  # an empty `%%capture out` cell still defines `out`
        needs.add("captured_output")
        statements = parts.body or [cst.SimpleStatementLine([cst.Pass()])]
        parts = parts._replace(body=[_captured(statements, captured)])
    marker = cst.EmptyLine(
        comment=cst.Comment(f"# notebook cell {parsed.cell.index + 1}")
    )
    body = list(parts.body)
    if figures is not None and body:  # Jupyter showed and closed them here
        body.append(cst.parse_statement(f"save_open_figures({figures!r})"))
        needs.add("save_open_figures")
    if body:
        first = body[0]
        body[0] = first.with_changes(
            leading_lines=[marker, *getattr(first, "leading_lines", ())]
        )
    words = frozenset(_WORD.findall(source))
    awaits = awaits_at_top_level(parsed)
    return _Cell(
        parts.imports,
        parts.definitions,
        body,
        parts.trailing,
        words,
        awaits,
        frozenset(needs),
    )


def _config_alias(codes: list[str]) -> str:
    """`Config`, unless the notebook's own code (`codes`) has a `Config` of its own."""
    return "PipelineConfig" if re.search(r"\bConfig\b", "\n".join(codes)) else CONFIG


def _capture_target(parsed: ParsedCell) -> str | None:
    """The variable of a `%%capture NAME` cell."""
    for fact in parsed.translation.syntax:
        if fact.kind is SyntaxKind.CELL_MAGIC and fact.name == "capture":
            return fact.target
    return None


def _captured(body: list[cst.BaseStatement], target: str) -> cst.With:
    """`with captured_output() as NAME:` around the cell's statements."""
    first = body[0]
    leading = getattr(first, "leading_lines", ())
    body = [first.with_changes(leading_lines=()), *body[1:]]
    return cst.With(
        items=[
            cst.WithItem(
                cst.Call(cst.Name("captured_output")),
                asname=cst.AsName(cst.Name(target)),
            )
        ],
        body=cst.IndentedBlock(body=body),
        leading_lines=leading,
    )


def _production_source(parsed: ParsedCell, decisions: tuple[Decision, ...]) -> str:
    """The cell's Python translation with each piece of IPython syntax handled as the
    plan decided (its decisions for the cell come in the order of the cell's syntax)."""
    lines = parsed.translation.python.split("\n")
    mine = [d for d in decisions if d.cell == parsed.cell.index]
    pairs = list(zip(parsed.translation.syntax, mine, strict=True))
    # Bottom up: a replacement longer than its span (a comment and a `pass` for an
    # indented magic) must not shift the lines of the facts still to handle.
    for fact, decision in sorted(
        pairs, key=lambda pair: pair[0].span.line, reverse=True
    ):
        action = decision.action
        if (
            action in ("unwrapped", "kept_as_python")
            or fact.kind is SyntaxKind.TOP_LEVEL_AWAIT
        ):
            continue
        first, last = fact.span.line - 1, fact.span.end_line - 1
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        text = decision.text.replace("\r", "")
        if fact.kind is SyntaxKind.CELL_MAGIC and action == "translated":
            # `%%capture NAME`: the header stays as a note; `_captured` wraps the body
            replacement = [f"# nb2prod: translated: {text}"]
        elif action == "translated" and decision.code:
            replacement = [indent + decision.code]
        elif action == "todo":
            replacement = [f"{indent}# TODO(nb2prod): {text} ({decision.detail})"]
            if fact.target:
                replacement.append(f"{indent}{fact.target} = None")
        else:
            replacement = [f"{indent}# nb2prod: {action}: {text}"]
        if indent and len(replacement) == 1:
            replacement.append(f"{indent}pass")
        if action == "data_file":
            return ""
        lines[first : last + 1] = replacement + [""] * max(
            0, last - first + 1 - len(replacement)
        )
    return "\n".join(lines)


def _log_display(module: cst.Module, metrics: frozenset[str]) -> cst.Module:
    """The cell's last bare expression -> `logger.debug("expression = %s", expression)`
    (INFO for a metric)."""
    if not module.body or not isinstance(module.body[-1], cst.SimpleStatementLine):
        return module
    line = module.body[-1]
    last = line.body[-1]
    if not isinstance(last, cst.Expr) or isinstance(last.semicolon, cst.Semicolon):
        return module
    value = last.value
    if isinstance(value, cst.Tuple) and not value.lpar:  # `a, b` shows one tuple
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    level, text = display_record(value, metrics)
    call = cst.Call(
        cst.Attribute(cst.Name(LOGGER), cst.Name(level)),
        [cst.Arg(cst.SimpleString(repr(text))), cst.Arg(value)],
    )
    body = [*line.body[:-1], last.with_changes(value=call)]
    return module.with_changes(body=[*module.body[:-1], line.with_changes(body=body)])


def _metric_names(plan: Plan) -> frozenset[str]:
    return frozenset(plan.model.run_metrics) if plan.model is not None else frozenset()


def _unique_code(statements, aliases: frozenset[str]) -> list[str]:
    """Import statements as source, deduplicated; a print in a `try: import` block logs
    through `logging.getLogger(__name__)` (the module logger is defined after imports).
    """
    seen: dict[str, None] = {}
    for statement in statements:
        node = _statement(
            hoisted_import(statement, aliases).visit(
                PrintToLogging("logging.getLogger(__name__)")
            )
        )
        seen[drop_unused_locals(cst.Module(body=[node]).code).strip()] = None
    return list(seen)


def _resolve_stars(lines: list[str], plan: Plan) -> list[str]:
    """`from m import *` -> `from m import a, b` with the names the plan resolved."""
    resolved = {
        star.module: star.names for star in plan.star_imports if star.names is not None
    }
    result = []
    for line in lines:
        try:
            node = ast.parse(line).body[0]
        except (SyntaxError, IndexError):
            result.append(line)
            continue
        if (
            isinstance(node, ast.ImportFrom)
            and [a.name for a in node.names] == ["*"]
            and node.module in resolved
        ):
            names = resolved[node.module]
            if names:
                result.append(f"from {node.module} import {', '.join(names)}")
        else:
            result.append(line)
    return result


def _returned_globals(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Functions whose `global` assignments become returns, as the plan decided."""
    return {f.name: f.returns_globals for f in plan.functions if f.returns_globals}


def _definitions_by_name(
    cells: dict[int, _Cell],
) -> dict[tuple[int, str], cst.FunctionDef | cst.ClassDef]:
    """(cell, name) -> the cell's first function or class of that name: one pass, where
    a search per function was quadratic in a cell of many functions."""
    found: dict[tuple[int, str], cst.FunctionDef | cst.ClassDef] = {}
    for index, cell in cells.items():
        for node in cell.definitions:
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                found.setdefault((index, node.name.value), node)
    return found


class _Rewrites(NamedTuple):
    """What the rewrites of every module share."""

    extra: dict[str, tuple[str, ...]]  # function -> parameters it gained
    returned: dict[str, tuple[str, ...]]  # function -> globals it now returns
    exact: frozenset[str]  # modules whose prints build lines piece by piece
    hoisted: frozenset[str] = frozenset()  # the notebook's top-level imports
    keywords: dict[str, dict[str, str]] = {}  # noqa: RUF012 (read only)
    tensors: bool = False  # the notebook imports a library of tensors (torch...)
    metrics: frozenset[str] = frozenset()  # variables holding the notebook's metrics


def _modules_printing_pieces(plan: Plan, parsed: dict[int, ParsedCell]) -> set[str]:
    """Modules with a `print(..., end=...)`: all their prints log through print_to_log,
    which keeps print's lines exactly (a log record cannot end without a newline)."""
    modules = set()
    for step in plan.steps:
        for index in step.cells:
            tree = parsed[index].tree
            for node in ast.walk(tree) if tree is not None else ():
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "print"
                    and any(keyword.arg == "end" for keyword in node.keywords)
                ):
                    modules.add(step.module)
    return modules


class _Definition(NamedTuple):
    """A notebook function or class as its module holds it, with its code (generated
    once: the config alias, the tidy-up and the config reads all read it)."""

    function: FunctionPlan
    node: cst.SimpleStatementLine | cst.BaseCompoundStatement
    code: str
    needs: frozenset[str]  # what nb2prod's changes to it read (see `_IMPORTS`)


def _definitions(
    plan: Plan, cells: dict[int, _Cell], rewrites: _Rewrites
) -> list[_Definition]:
    result = []
    named = _definitions_by_name(cells)
    for function in plan.functions:
        node: cst.SimpleStatementLine | cst.BaseCompoundStatement | None = named.get(
            (function.cell, function.name)
        )
        if node is None:
            continue
        if function.kind != "class" and function.name in rewrites.extra:
            node = _statement(node.visit(AddParameters(rewrites.extra[function.name])))
        if function.name in rewrites.returned:
            node = _statement(
                node.visit(GlobalsToReturns(rewrites.returned[function.name]))
            )
        code = _code_of(node)
        visited, needs = _rewrite(
            node,
            function.name,
            rewrites,
            function.module in rewrites.exact,
            frozenset(_WORD.findall(code)),  # its own names, not its cell's
        )
        rewritten = _statement(visited)
        if function.kind == "class" and function.extra_params:
            # after the calls in its methods were given their arguments: those that
            # are notebook variables come from the instance too
            assert isinstance(rewritten, cst.ClassDef)
            rewritten = inject_class_state(
                rewritten,
                function.extra_params,
                function.inherited,
                dict(function.keywords),
            )
        if rewritten is not node:
            code = _code_of(rewritten)
        needs |= cells[function.cell].needs
        result.append(_Definition(function, rewritten, code, needs))
    return result


def _rewrite(
    node: cst.CSTNode,
    label: str,
    rewrites: _Rewrites,
    exact: bool,
    words: frozenset[str],
) -> tuple[cst.CSTNode, frozenset[str]]:
    """The code-wide rewrites, each a walk of the tree, skipped when none of the names
    it rewrites occurs in the code (`words`): most cells need one or two of them. With
    the node, what the rewritten code reads that the module must import."""
    needs: set[str] = set()
    for transformer in _transformers(label, rewrites, exact, words):
        visited = node.visit(transformer)
        assert isinstance(visited, cst.CSTNode)  # rewrites keep the node they are given
        node = visited
        needs.update(getattr(transformer, "needs", ()))  # those that add calls say so
    return node, frozenset(needs)


def _statement(node: object) -> cst.SimpleStatementLine | cst.BaseCompoundStatement:
    """A statement (visited or rewritten: rewrites keep statements) as a module's body
    takes it: every libcst statement is one of these two."""
    assert isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return node


def _rewrite_statements(
    statements: list[cst.BaseStatement],
    label: str,
    rewrites: _Rewrites,
    exact: bool,
    words: frozenset[str],
) -> tuple[list[cst.BaseStatement], frozenset[str]]:
    """`_rewrite` statement by statement, each with the rewrites of the names it holds:
    most statements of a big cell (its data, its plain assignments) need none, and a
    walk of the whole step per rewrite was the costliest part of converting it."""
    if not _transformers(label, rewrites, exact, words):
        return statements, frozenset()
    result: list[cst.BaseStatement] = []
    needs: set[str] = set()
    for statement in statements:
        rewritten, needed = _rewrite(
            statement, label, rewrites, exact, _words_of(statement)
        )
        assert isinstance(rewritten, cst.BaseStatement)  # rewrites keep statements
        result.append(rewritten)
        needs |= needed
    return result, frozenset(needs)


def _words_of(node: cst.BaseStatement) -> frozenset[str]:
    """The identifiers in a statement's code (a code generation costs a tenth of a
    rewrite's walk)."""
    return frozenset(_WORD.findall(_code_of(node)))


def _code_of(node: cst.BaseStatement) -> str:
    """A statement's code, as the first statement of a module."""
    return cst.Module(body=[_statement(node)]).code


def _transformers(
    label: str, rewrites: _Rewrites, exact: bool, words: frozenset[str]
) -> list[cst.CSTTransformer]:
    """The rewrites that can change code holding the names `words`."""
    transformers: list[cst.CSTTransformer] = []
    if words & {"print", "display"}:
        transformers.append(
            PrintToLogging(
                LOGGER, exact=exact, tensors=rewrites.tensors, metrics=rewrites.metrics
            )
        )
    if "show" in words:
        transformers.append(ShowToSave(label))
    # dict views compare from the smaller side; `words.isdisjoint(dict)` would scan
    # the dict on every call (quadratic in a notebook of many functions)
    if not rewrites.extra.keys().isdisjoint(words):
        transformers.append(PassArguments(rewrites.extra, rewrites.keywords))
    if not rewrites.returned.keys().isdisjoint(words):
        transformers.append(AssignCallResults(rewrites.returned))
    return transformers


def _step_function(
    step: Step, cells: dict[int, _Cell], rewrites: _Rewrites
) -> tuple[cst.FunctionDef, frozenset[str]]:
    """The step's function, and what nb2prod's changes to its code read."""
    body: list[cst.BaseStatement] = []
    pending: list[cst.EmptyLine] = []
    for index in step.cells:
        cell = cells[index]
        for statement in cell.body:
            if pending:
                statement = statement.with_changes(
                    leading_lines=[*pending, *getattr(statement, "leading_lines", ())]
                )
                pending = []
            body.append(statement)
        pending += cell.trailing
    words = frozenset().union(*(cells[index].words for index in step.cells))
    if rewrites.hoisted:
        module = cst.Module(body=[_statement(s) for s in body]).visit(
            DropRepeatedImports(rewrites.hoisted)
        )
        body = list(module.body)
    rewritten, needs = _rewrite_statements(
        body, step.name, rewrites, step.module in rewrites.exact, words
    )
    needs = needs.union(*(cells[index].needs for index in step.cells))
    first_cell, last_cell = step.cells[0] + 1, step.cells[-1] + 1
    where = (
        f"cell {first_cell}"
        if first_cell == last_cell
        else f"cells {first_cell}-{last_cell}"
    )
    title = in_docstring(step.title.replace("\\", "/").replace('"', "'").rstrip("."))
    docstring = cst.SimpleStatementLine(
        [cst.Expr(cst.SimpleString(f'"""{title}: notebook {where}."""'))]
    )
    statements: list[cst.BaseStatement] = [docstring, *rewritten]
    if step.returns:
        value: cst.BaseExpression = (
            cst.Name(step.returns[0])
            if len(step.returns) == 1
            else cst.Tuple(
                [cst.Element(cst.Name(n)) for n in step.returns], lpar=[], rpar=[]
            )
        )
        if _returns_record(step):  # a record the pipeline unpacks like the tuple
            value = cst.parse_expression(
                f"{_result_name(step)}("
                + ", ".join(f"{n}={n}" for n in step.returns)
                + ")"
            )
        statements.append(
            cst.SimpleStatementLine([cst.Return(value)], leading_lines=pending)
        )
    params = [cst.Param(cst.Name(name)) for name in (*step.params, *step.undefined)]
    function = cst.FunctionDef(
        name=cst.Name(step.name),
        params=cst.Parameters(params=params),
        body=cst.IndentedBlock(body=statements),
    )
    if any(cells[index].awaits for index in step.cells):
        function = run_in_event_loop(function, words)
        needs |= {"asyncio"}
    return function, needs


#: Values a step returns as a tuple; more come in a named record (issue 15).
MAX_RETURNED = 8


def _returns_record(step: Step) -> bool:
    """Whether the step returns a NamedTuple rather than a long tuple (NamedTuple
    fields cannot start with an underscore: such a step keeps its tuple)."""
    return len(step.returns) > MAX_RETURNED and not any(
        name.startswith("_") for name in step.returns
    )


def _result_name(step: Step) -> str:
    return "".join(word.capitalize() for word in step.name.split("_")) + "Result"


def _result_type(step: Step) -> str:
    """The record of what a step hands on: a NamedTuple, so the pipeline still
    unpacks it in order, and a reader sees each value by name."""
    fields = "".join(f"    {name}: typing.Any\n" for name in step.returns)
    return (
        f"class {_result_name(step)}(typing.NamedTuple):\n"
        f'    """The values `{step.name}` hands on to later steps."""\n\n'
        f"{fields}"
    )


#: The import of each helper of the generated package nb2prod's changes to the code
#: may call (`needs`); any other name they need is a module of the standard library.
_HELPERS = {
    "print_to_log": "from {package}.logs import print_to_log",
    "captured_output": "from {package}.logs import captured_output",
    "save_figure": "from {package}.figures import save_figure",
    "save_open_figures": "from {package}.figures import save_open_figures",
    "secret": "from {package}.config import secret",
}


def _imports_used(
    code: str,
    notebook_imports: list[str],
    plan: Plan,
    module: str,
    needs: frozenset[str],
    config_alias: str | None = None,
) -> tuple[str, ...]:
    """The import lines this module's code needs: notebook imports it uses, notebook
    functions from other modules, and what nb2prod's changes to the code asked for
    (`needs`: a name is imported only when a change put it there, never because the
    notebook's own code happens to use it; and only when the module reads it, as a
    change may be in another module made from the same cell)."""
    used = _names_used(code)
    wanted = needs & used

    def helpers(*names: str) -> list[str]:
        return [
            _HELPERS[name].format(package=plan.package)
            for name in names
            if name in wanted
        ]

    lines = ["import logging"]
    if "functools" in wanted:
        lines.append("import functools")
    lines += _live_imports(notebook_imports, used, _defined_names(code))
    elsewhere: dict[str, list[str]] = {}
    for function in plan.functions:
        if function.module != module and function.name in used:
            elsewhere.setdefault(function.module, []).append(function.name)
    for other, names in sorted(elsewhere.items()):
        lines.append(f"from {plan.package}.{other} import {', '.join(sorted(names))}")
    lines += helpers("print_to_log")
    if config_alias is not None:  # classes and defaults read the config's defaults
        alias = "" if config_alias == CONFIG else f" as {config_alias}"
        lines.append(f"from {plan.package}.config import {CONFIG}{alias}")
    lines += helpers("captured_output", "save_figure", "save_open_figures", "secret")
    # os.environ (`%env`), asyncio.run (top-level await), typing.NamedTuple (records)
    for name in sorted(wanted - _HELPERS.keys() - {"functools"}):
        if not any(line_bindings(line) & {name} for line in lines):
            lines.append(f"import {name}")
    return tuple(dict.fromkeys(lines))


def _live_imports(
    notebook_imports: list[str], used: set[str], defined: set[str]
) -> list[str]:
    """The notebook's import lines this module needs, narrowed to the names it uses.
    Hoisted to the top, only the last binding of a name counts: an import of a name
    that a later import or a module-level `def` binds again is dropped."""
    taken = set(defined)
    kept: list[str] = []
    used = set(used)
    for line in reversed(notebook_imports):
        narrowed = narrowed_line(line, used, frozenset(taken))
        if narrowed is not None:
            kept.append(narrowed)
            taken |= line_bindings(narrowed)
            used |= line_reads(narrowed)  # `K = keras.backend` needs `keras`
    return kept[::-1]


def _defined_names(code: str) -> set[str]:
    """Functions and classes the module defines at its top level."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }


def _names_used(code: str) -> set[str]:
    """Module-level names the code reads: from module scope, or from a function or
    class that does not bind the name itself (symtable knows Python's scoping). A name
    only assigned, or only used as a local, needs no import: importing it anyway is
    an unused import that the code shadows."""
    try:
        table = symtable.symtable(code, "<module>", "exec")
    except SyntaxError:
        return set()
    names: set[str] = set()
    pending = [table]
    while pending:
        scope = pending.pop()
        module = scope.get_type() == "module"
        for symbol in scope_symbols(scope):
            if symbol.is_referenced() and (module or symbol.is_global()):
                names.add(symbol.get_name())
        pending.extend(scope.get_children())
    return names
