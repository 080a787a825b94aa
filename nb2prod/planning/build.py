"""Build the plan of a conversion from the notebook model and its analysis facts."""

from __future__ import annotations

import ast
import contextlib
import re
from pathlib import Path

from nb2prod.analysis.facts import ImportFact, NotebookFacts
from nb2prod.analysis.secret_places import notebook_redactor
from nb2prod.planning.aliases import module_aliases
from nb2prod.planning.cell_selection import left_out_cells
from nb2prod.planning.class_state import (
    ClassState,
    class_state,
    definition_needs,
    with_constructions,
)
from nb2prod.planning.config import (
    OUTPUT_NAME,
    PARAMETERS_TAG,
    find_constants,
    find_secrets,
    module_bindings,
)
from nb2prod.planning.figures import figure_cells
from nb2prod.planning.golden import find_golden_cases
from nb2prod.planning.import_settings import import_settings
from nb2prod.planning.introduction import introduction
from nb2prod.planning.ipython import decide
from nb2prod.planning.library import (
    library_functions,
    library_modules,
    library_warnings,
    package_kind,
)
from nb2prod.planning.local_modules import (
    find_local_modules,
    local_imports,
    sibling_modules,
)
from nb2prod.planning.model import (
    find_model,
    imported_paths,
    persisted_names,
    return_persisted,
)
from nb2prod.planning.naming import (
    check_package_name,
    ends_on_function_word,
    module_name,
    package_name,
    snake_case,
    step_names,
)
from nb2prod.planning.plan import (
    ConfigValue,
    ConvertOptions,
    DataFile,
    FunctionPlan,
    LeftOut,
    Plan,
    ReadBeforeDefined,
    Step,
    Warning,
)
from nb2prod.planning.printed_lines import expected_printed_lines, logged_displays
from nb2prod.planning.requirements import (
    engine_needs,
    requirements_for,
    target_python,
)
from nb2prod.planning.searches import find_searches, search_warning
from nb2prod.planning.signatures import (
    assigned_results,
    bindings,
    config_reads,
    function_parameters,
    step_signatures,
)
from nb2prod.planning.star_imports import resolve_star_imports, star_warnings
from nb2prod.planning.steps import (
    ROLE_TITLES,
    Section,
    caller_results,
    split_into_sections,
    step_subjects,
)
from nb2prod.reading.magics import SyntaxKind
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell

ROLE_MODULES = {
    "data": "data",
    "features": "features",
    "training": "training",
    "evaluation": "evaluation",
    "plots": "plots",
    None: "steps",
}


def build_plan(
    notebook: Notebook,
    parsed: tuple[ParsedCell, ...],
    facts: NotebookFacts,
    package: str | None = None,
    options: ConvertOptions | None = None,
) -> Plan:
    """Every decision of the conversion, made once, as `options` ask."""
    options = options or ConvertOptions()
    chosen_model, recorded = options.model, options.recorded
    by_index = {item.cell.index: item for item in parsed}
    warnings: list[Warning] = []
    decisions, installs, data_files, skipped = _ipython(parsed, warnings)
    left_out, kept_for_others = left_out_cells(notebook, facts)
    warnings += kept_for_others
    out = {item.cell for item in left_out}
    code_cells = {
        i: item for i, item in by_index.items() if i not in skipped and i not in out
    }
    searches = find_searches(
        code_cells,
        lambda: find_model(code_cells, facts, chosen_model, notebook.path),
        options.skip_unused_searches,
    )
    left_out += tuple(
        LeftOut(cell, "unused_search", f"{search.estimator} `{search.name}`")
        for search in searches
        if search.left_out
        for cell in search.cells
    )
    out = {item.cell for item in left_out}
    code_cells = {i: item for i, item in code_cells.items() if i not in out}
    warnings += [
        Warning(search.cell, search_warning(search))
        for search in searches
        if search.use == "unused" and not search.left_out
    ]
    secrets = tuple(find_secrets(facts))
    # a credential never becomes a setting with the secret as its default
    hidden = {(secret.cell, secret.name) for secret in secrets}
    config = [
        value
        for value in find_constants(code_cells, facts)
        if (value.cell, value.name) not in hidden
    ]
    config_names = {value.name for value in config}
    stars = resolve_star_imports(facts, recorded)
    warnings += star_warnings(stars, facts)
    aliases = module_aliases(facts, code_cells)
    known = bindings(facts, config_names, stars, aliases)
    sections = split_into_sections(notebook, code_cells)
    function_needs, class_needs = definition_needs(
        facts, _variables(facts) - config_names, function_parameters(facts)
    )
    injected, refusals = class_state(
        facts, code_cells, class_needs, frozenset(config_names)
    )
    settled = frozenset(
        name
        for name, needs in class_needs.items()
        if name not in injected and set(needs) <= config_names
    )
    if settled:  # classes reading only settings take nothing: their creators neither
        function_needs, class_needs = definition_needs(
            facts,
            _variables(facts) - config_names,
            function_parameters(facts),
            settled,
        )
    signatures = step_signatures(
        [s.cells for s in sections],
        with_constructions(facts, injected, function_needs),
        known,
    )
    taken = _notebook_names(facts)
    names = step_names(
        [_base_name(section) for section in sections],
        [section.role for section in sections],
        [step_subjects(s.cells, code_cells, s.role) for s in sections],
        taken,
    )
    modules: dict[str, str] = {}
    steps = []
    for number, (section, signature, name) in enumerate(
        zip(sections, signatures, names, strict=True)
    ):
        # Modules follow the notebook's headings when it has them, else what cells do.
        module_key = (
            f"{number}:{section.title}"
            if section.heading
            else ROLE_MODULES[section.role]
        )
        if module_key not in modules:
            label = section.title if section.heading else ROLE_MODULES[section.role]
            modules[module_key] = module_name(
                label, set(modules.values()), numbers=section.heading
            )
        steps.append(
            Step(
                name=name,
                title=section.title,
                module=modules[module_key],
                cells=section.cells,
                params=signature.params,
                returns=signature.returns,
                undefined=signature.undefined,
            )
        )
    out_of_order = _read_before_defined(steps, facts, code_cells)
    for step in steps:
        for name in step.undefined:
            if any(r.step == step.name and r.name == name for r in out_of_order):
                continue  # a problem of the package, not a warning
            warnings.append(
                Warning(
                    step.cells[0],
                    f"`{name}` is read but no cell defines it; "
                    f"`{step.name}` receives None for it",
                )
            )
    for number, step in enumerate(steps):
        last = number == len(steps) - 1
        results = assigned_results(step.cells, code_cells, known, last)
        if not last:  # the last step's values are what run() reports and verify checks
            results = caller_results(step.cells, code_cells, results)
        config_used = config_reads(step.cells, code_cells, config_names)
        steps[number] = step._replace(
            params=tuple(dict.fromkeys((*step.params, *config_used))),
            returns=tuple(dict.fromkeys((*step.returns, *results))),
        )
    model = find_model(code_cells, facts, chosen_model, notebook.path)
    steps = return_persisted(steps, facts, persisted_names(model))
    functions = _functions(
        facts, steps, warnings, code_cells, config_names, injected, function_needs
    )
    warnings += [Warning(refusal.cell, refusal.message) for refusal in refusals]
    steps = _with_config_for_calls(steps, functions, facts, config_names)
    imports = [
        fact
        for cell in facts.cells
        if cell.index in code_cells
        for fact in cell.imports
    ]
    found = find_local_modules(
        notebook.path,
        code_cells,
        {i.module.split(".")[0] for i in imports if not i.level},
    )
    warnings += [
        Warning(None, f"local module {problem}; the package cannot import it")
        for problem in found.problems
    ]
    local = {module.name for module in found.modules}
    written = _written_modules(facts, local, {i.module for i in imports if i.module})
    warnings += [
        Warning(
            cell,
            f"writes `{name}.py` (a download?), which the notebook imports: the "
            f"package cannot import code it fetches when it runs; put `{name}.py` "
            "next to the notebook and convert again (nb2prod copies local modules "
            "into the package)",
        )
        for name, cell in sorted(written.items())
    ]
    local |= set(written)  # no requirement names the notebook's own module
    imports += [
        ImportFact(0, 0, name, None, None, 0, name, False, module)
        for module, name in local_imports(found.modules)
        if name not in local
    ]
    kind = package_kind(code_cells, config)
    drawn = figure_cells(code_cells, facts) if kind == "pipeline" else ()
    uses_figures = bool(drawn) or any(
        cell.plots for cell in facts.cells if cell.index in code_cells
    )
    logged = logged_displays(code_cells, facts.cells)
    if kind == "library":  # constants stay module constants; no --set to warn about
        functions = list(library_functions(functions))
        warnings = list(library_warnings(warnings))
    plan = Plan(
        package=_package(package, notebook, imports),
        notebook=notebook.path,
        python_version=target_python(recorded),
        notebook_python=_minor(notebook.python_version),
        title=_title(notebook),
        steps=tuple(steps),
        modules=tuple(dict.fromkeys(step.module for step in steps)),
        functions=tuple(functions),
        config=tuple(config),
        aliases=tuple(sorted({n for names in aliases.values() for n in names})),
        secrets=secrets,
        decisions=tuple(decisions),
        requirements=requirements_for(
            imports,
            installs,
            local,
            recorded,
            (
                *(("typer",) if kind == "pipeline" else ()),
                *(("matplotlib",) if uses_figures else ()),
                *engine_needs(
                    (item.tree for item in code_cells.values() if item.tree),
                    imported_paths(facts),
                ),
                *(
                    ("joblib",)
                    if model and (model.saved_as == "joblib" or model.saved_beside)
                    else ()
                ),
            ),
        ),
        data_files=tuple(data_files),
        local_modules=found.modules,
        import_environment=import_settings([code_cells[i] for i in sorted(code_cells)]),
        star_imports=stars,
        outputs=tuple(dict.fromkeys(n for step in steps for n in step.returns)),
        warnings=tuple(warnings),
        uses_figures=uses_figures,
        figure_cells=drawn,
        fetched_modules=tuple(sorted(written)),
        read_before_defined=out_of_order,
        golden=find_golden_cases(code_cells, facts, functions, config),
        printed=expected_printed_lines(
            code_cells,
            facts.cells,
            {cell for step in steps for cell in step.cells},
            notebook_redactor(
                (item.cell for item in code_cells.values()), facts.cells
            ).holds_secret,
            logged,
        ),
        logged_displays=tuple(sorted(logged)),
        summary=introduction(notebook),
        inputs=_inputs(facts, code_cells, config),
        model=model,
        kind=kind,
        written=_written(facts, code_cells, config),
        output_settings=_output_settings(config),
        left_out=tuple(sorted(left_out)),
        parameters_cells=tuple(
            index
            for index, item in sorted(code_cells.items())
            if PARAMETERS_TAG in item.cell.tags
        ),
        searches=searches,
    )
    return library_modules(plan) if kind == "library" else plan


def _base_name(section: Section) -> str:
    """A step's name before it is told apart from others: its heading cut at a word
    boundary (`question_3`, `using_the_best_parameters`), else its role (`train_model`).
    """
    if section.heading:
        name = snake_case(section.title, "", numbers=True)
        if name and not ends_on_function_word(name):
            return name
    return snake_case(ROLE_TITLES[section.role])


#: Code that tests whether a name is bound before reading it.
_GUARDED = re.compile(r"\bNameError\b|\bglobals\(\)|\blocals\(\)|\bdir\(\)|\bvars\(\)")


def _read_before_defined(
    steps: list[Step], facts: NotebookFacts, cells: dict[int, ParsedCell]
) -> tuple[ReadBeforeDefined, ...]:
    """Names a step reads and no earlier cell defines, but a later one does: the
    notebook ran that cell first (hidden kernel state), and the step would get None.
    A read the cell guards (`except NameError`, `"P" in globals()`) is left alone."""
    found = []
    for step in steps:
        for name in step.undefined:
            reading = next(
                (
                    index
                    for index in step.cells
                    if (cell := facts.cell(index)) is not None and name in cell.reads
                ),
                step.cells[0],
            )
            later = [
                cell.index
                for cell in facts.cells
                if cell.index > reading and cell.index in cells and name in cell.defines
            ]
            if later and not _GUARDED.search(cells[reading].cell.source):
                found.append(ReadBeforeDefined(name, step.name, reading, later[0]))
    return tuple(found)


def _inputs(
    facts: NotebookFacts, cells: dict[int, ParsedCell], config: list[ConfigValue]
) -> tuple[str, ...]:
    """Relative paths the notebook reads: paths of read calls (literal, or held by a
    name bound once to a string), and file paths held by settings (`DATA_PATH =
    "customers.csv"`) that it does not write (nor, when no call tells, are named as
    outputs). What its tests need. A file the notebook writes before it reads it (a
    checkpoint saved, then loaded) is none: a run makes it."""
    constants = _string_constants(cells)  # `model_name = "rnn.net"`, then open(...)
    first_read: dict[str, tuple[int, int]] = {}
    first_write: dict[str, tuple[int, int]] = {}
    written: set[str] = set()  # anywhere, in functions too
    read: set[str] = set()  # by the kept cells
    for cell in facts.cells:
        for call in cell.io:
            path = call.path or constants.get(call.path_name or "")
            if not path or call.kind not in ("read", "write"):
                continue
            if call.kind == "write":
                written.add(path)
                if call.in_function is not None:
                    continue  # runs when it is called: not known to come first
            elif cell.index in cells:
                read.add(path)
            first = first_read if call.kind == "read" else first_write
            place = (cell.index, call.line)
            first[path] = min(first.get(path, place), place)
    read = {
        path
        for path in read
        if not (path in first_write and first_write[path] < first_read[path])
    }
    for value in config:
        if value.kind != "path" or value.original is not None:
            continue
        try:
            path = ast.literal_eval(value.value)
        except (ValueError, SyntaxError):
            continue
        if not (isinstance(path, str) and Path(path).suffix) or path in written:
            continue
        if path in first_read or not OUTPUT_NAME.search(value.name):
            read.add(path)
    return tuple(
        sorted(
            path
            for path in read
            if "://" not in path
            and not Path(path).is_absolute()
            and not path.startswith("~")
        )
    )


def _string_constants(cells: dict[int, ParsedCell]) -> dict[str, str]:
    """Names the notebook binds once, at its top level, to a string."""
    bound = module_bindings(cells)
    found = {}
    for item in cells.values():
        for node in item.tree.body if item.tree is not None else ():
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and bound[node.targets[0].id] == 1
            ):
                found[node.targets[0].id] = node.value.value
    return found


def _written(
    facts: NotebookFacts, cells: dict[int, ParsedCell], config: list[ConfigValue]
) -> tuple[str, ...]:
    """Relative paths the kept cells write, literally or through a setting named as
    an output (`SUBMISSION_CSV`): the README's outputs."""
    paths = {
        call.path
        for cell in facts.cells
        if cell.index in cells
        for call in cell.io
        if call.kind == "write" and call.path
    }
    for value in config:
        if value.kind == "path" and value.original is None:
            with contextlib.suppress(ValueError, SyntaxError):
                path = ast.literal_eval(value.value)
                if (
                    isinstance(path, str)
                    and Path(path).suffix
                    and OUTPUT_NAME.search(value.name)
                ):
                    paths.add(path)
    return tuple(
        sorted(
            path
            for path in paths
            if "://" not in path
            and not Path(path).is_absolute()
            and not path.startswith("~")
        )
    )


def _output_settings(config: list[ConfigValue]) -> tuple[str, ...]:
    """Path settings named as outputs whose default is a file inside a relative
    folder (`OUTPUT_LIN_REG_BIN = "models/lin_reg.bin"`), or under OUTPUT_DIR (the
    notebook's was absolute): the run makes their folders."""
    names = []
    for value in config:
        if value.under == "OUTPUT_DIR":
            names.append(value.name)
            continue
        if value.kind != "path" or value.original is not None:
            continue
        if not OUTPUT_NAME.search(value.name):
            continue
        with contextlib.suppress(ValueError, SyntaxError):
            path = ast.literal_eval(value.value)
            if (
                isinstance(path, str)
                and "://" not in path
                and not path.startswith(("/", "~"))
                and Path(path).suffix
                and Path(path).parent != Path(".")
            ):
                names.append(value.name)
    return tuple(names)


def _written_modules(
    facts: NotebookFacts, local: set[str], imported: set[str]
) -> dict[str, int]:
    """Modules the notebook imports and writes itself (`open("helpers.py", "wb")`
    after downloading it), by name, with the cell that writes each."""
    found: dict[str, int] = {}
    for cell in facts.cells:
        for call in cell.io:
            path = (call.path or "").removeprefix("./")
            if call.kind != "write" or not path.endswith(".py") or "/" in path:
                continue
            name = path.removesuffix(".py")
            if name in imported and name not in local:
                found.setdefault(name, cell.index)
    return found


def _package(package: str | None, notebook: Notebook, imports: list[ImportFact]) -> str:
    """The package's name: `--name` when it can name one, else from the file name."""
    imported = frozenset(
        fact.module.split(".")[0] for fact in imports if not fact.level
    )
    beside = sibling_modules(notebook.path)
    if package is not None:  # `top.sub` when several notebooks share one package
        check_package_name(package.split(".")[0], imported, beside)
        return package
    return package_name(Path(notebook.path).stem, imported, beside)


def _ipython(parsed: tuple[ParsedCell, ...], warnings: list[Warning]):
    decisions, data_files, skipped = [], [], set()
    installs: list[str] = []
    for item in parsed:
        for fact in item.translation.syntax:
            handling = decide(item.cell.index, fact)
            decision = handling.decision._replace(
                code=handling.code, needs=handling.needs
            )
            decisions.append(decision)
            installs.extend(handling.requirements)
            if decision.action == "todo":
                warnings.append(
                    Warning(
                        item.cell.index,
                        f"`{decision.text}`: {decision.detail}; "
                        "kept as a TODO comment",
                    )
                )
            if decision.action == "data_file" and fact.kind is SyntaxKind.CELL_MAGIC:
                body = "".join(fact.text.splitlines(keepends=True)[1:])
                data_files.append(DataFile(item.cell.index, decision.detail, body))
                skipped.add(item.cell.index)
    return decisions, installs, data_files, skipped


def _notebook_names(facts: NotebookFacts) -> set[str]:
    names = {name for cell in facts.cells for name in (*cell.defines, *cell.reads)}
    names |= {"run", "main", "config", "logger", "logging"}
    return names


def _with_config_for_calls(
    steps: list[Step],
    functions: list[FunctionPlan],
    facts: NotebookFacts,
    config: set[str],
) -> list[Step]:
    """Steps also take the config values that the functions they call read: the
    call passes them (a constant assigned in the calling cell left for config.py)."""
    extra = {f.name: f.extra_params for f in functions if f.extra_params}
    result = []
    for step in steps:
        mentioned: set[str] = set()
        for index in step.cells:
            cell = facts.cell(index)
            if cell is not None:
                mentioned |= {*cell.calls, *cell.reads, *cell.lambda_reads}
        needed = {n for f in mentioned & extra.keys() for n in extra[f]} & config
        missing = tuple(sorted(needed - set(step.params)))
        result.append(step._replace(params=step.params + missing) if missing else step)
    return result


def _functions(
    facts: NotebookFacts,
    steps: list[Step],
    warnings: list[Warning],
    parsed: dict[int, ParsedCell],
    config: set[str],
    injected: dict[str, ClassState],
    extra: dict[str, tuple[str, ...]],
) -> list[FunctionPlan]:
    module_of = {cell: step.module for step in steps for cell in step.cells}
    seen: dict[str, FunctionPlan] = {}
    for cell in facts.cells:
        module = module_of.get(cell.index)
        if module is None:
            continue
        for function in cell.functions:
            if function.is_lambda:
                continue  # a value of its step, passed on like any other
            declared = set(function.global_declarations)
            params = set(extra.get(function.name, ())) - declared
            returned: tuple[str, ...] = ()
            if function.globals_written:
                if _returns_value(parsed[cell.index], function.name):
                    warnings.append(
                        Warning(
                            cell.index,
                            f"`{function.name}` sets notebook "
                            "globals and returns a value; its `global` stays",
                        )
                    )
                else:  # `global x` assignments become returns; x read first is a parameter
                    returned = function.globals_written
                    params |= set(function.globals_read) & set(returned)
            seen[function.name] = FunctionPlan(
                function.name,
                "function",
                cell.index,
                module,
                tuple(sorted(params)),
                returned,
            )
        for klass in cell.classes:
            state = injected.get(klass.name)
            seen[klass.name] = FunctionPlan(
                klass.name,
                "class",
                cell.index,
                module,
                state.params if state else (),
                (),
                state.inherited if state else (),
                state.keywords if state else (),
            )
            settings = sorted(set(klass.globals_read) & config)
            if settings:
                warnings.append(
                    Warning(
                        cell.index,
                        f"methods of class `{klass.name}` read the config values "
                        f"{', '.join(settings)} as the notebook set them; "
                        "`--set` does not change them there",
                    )
                )
    for redefined in facts.dataflow.redefined_functions:
        warnings.append(
            Warning(
                redefined.cells[-1],
                f"`{redefined.name}` is defined in several "
                "cells with different code; the package keeps the last one",
            )
        )
    return list(seen.values())


def _returns_value(parsed: ParsedCell, name: str) -> bool:
    """Whether the top-level function `name` of the cell returns a value anywhere."""
    for node in parsed.tree.body if parsed.tree is not None else []:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name == name
        ):
            return any(
                isinstance(inner, ast.Return) and inner.value is not None
                for inner in ast.walk(node)
            )
    return False


def _variables(facts: NotebookFacts) -> set[str]:
    code = {f.name for c in facts.cells for f in c.functions if not f.is_lambda} | {
        k.name for c in facts.cells for k in c.classes
    }
    code |= {i.bound for c in facts.cells for i in c.imports if i.bound}
    return {n for c in facts.cells for n in c.defines} - code


def _minor(version: str | None) -> str | None:
    if version:
        parts = version.split(".")
        if len(parts) >= 2 and parts[0] == "3" and parts[1].isdigit():
            return f"3.{parts[1]}"
    return None


def _title(notebook: Notebook) -> str:
    for cell in notebook.cells:
        if cell.kind.value == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.title or Path(notebook.path).stem
