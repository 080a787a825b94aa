"""The plan of a conversion: steps, modules, functions, config, IPython decisions,
warnings. Immutable data; `build.py` makes it, emitters and `--dry-run` read it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from nb2prod.planning.local_modules import LocalModule


#: pipeline: steps, a command line, an image; library: only the notebook's definitions
PackageKind = Literal["pipeline", "library"]
ConfigKind = Literal["path", "url", "number", "text", "flag"]
SecretSource = Literal["literal", "environment"]
DefinitionKind = Literal["function", "class"]
RequirementSource = Literal["import", "pip_install", "package"]
GoldenKind = Literal["display", "print"]
#: what happens to one piece of IPython syntax (`Decision.action`)
DecisionAction = Literal[
    "dropped",
    "unwrapped",
    "translated",
    "kept_as_python",
    "requirement",
    "data_file",
    "todo",
]


class ConfigValue(NamedTuple):
    """A notebook constant that becomes a config field the CLI can override."""

    name: str
    value: str  # Python source of the default (a literal)
    cell: int
    kind: ConfigKind
    original: str | None = (
        None  # the notebook's value, when the default differs (paths)
    )
    # the folder setting a relative default is joined with, when the notebook's path
    # was absolute: DATA_DIR for a file it reads, OUTPUT_DIR for one it writes
    under: str | None = None


class Secret(NamedTuple):
    """A credential the package reads from the environment: a literal replaced by a
    lookup, or the value of a `%env NAME=...` line, which the package never sets."""

    cell: int
    line: int
    column: int
    variable: str  # the environment variable the package reads
    name: str | None  # the notebook name it was bound to
    source: SecretSource = "literal"  # environment: a `%env` line


class Decision(NamedTuple):
    """What happens to one piece of IPython syntax."""

    cell: int
    line: int
    text: str  # the first line as the user wrote it
    action: DecisionAction
    detail: str = ""
    #: the Python that replaces the syntax in the package (None: a comment, or none);
    #: rendering reads it here, in the order of the cell's syntax, and decides nothing
    code: str | None = None
    #: what `code` reads that the module must import: a module (`os`) or one of the
    #: package's helpers (`secret`, `captured_output`)
    needs: tuple[str, ...] = ()


class Warning(NamedTuple):
    """Something the conversion could not carry over exactly; said once, with a place."""

    cell: int | None
    message: str


class ReadBeforeDefined(NamedTuple):
    """A name a step reads that only a later cell defines: the notebook ran its cells
    out of order, and the package cannot run (the self-check reports it)."""

    name: str
    step: str  # the step function that reads it
    cell: int  # the cell that reads it
    defined: int  # the later cell that defines it


class FunctionPlan(NamedTuple):
    """A function or class defined in the notebook, moved to a module as it is."""

    name: str
    kind: DefinitionKind
    cell: int
    module: str
    extra_params: tuple[str, ...]  # notebook variables it read, now parameters
    returns_globals: tuple[str, ...]  # names it assigned with `global`, now returned
    # a class: the parameters of `extra_params` its notebook base class takes
    inherited: tuple[str, ...] = ()
    # a class: (variable, keyword) passed under another name (`notebook_patch_size`)
    keywords: tuple[tuple[str, str], ...] = ()


class Step(NamedTuple):
    """Consecutive cells that become one function the pipeline calls."""

    name: str  # the function name
    title: str  # the heading (or role) it came from
    module: str
    cells: tuple[int, ...]
    params: tuple[str, ...]  # values it needs from earlier steps or the config
    returns: tuple[str, ...]  # values later steps (or the caller of run) need
    undefined: tuple[str, ...] = ()  # names no cell defines; the pipeline passes None


class Requirement(NamedTuple):
    """A third-party distribution the package needs."""

    name: str  # the distribution (scikit-learn), or a pip specifier from the notebook
    source: RequirementSource  # package: a need of the generated code
    imports: tuple[str, ...] = ()  # the import names it provides (sklearn)
    optional: bool = False


class StarImport(NamedTuple):
    """`from module import *`: the names the notebook uses from it, or None if unknown."""

    module: str
    names: tuple[str, ...] | None
    inferred: bool = (
        False  # not installed here: names the notebook uses, by elimination
    )


class DataFile(NamedTuple):
    """A `%%writefile` cell turned into a file shipped with the package."""

    cell: int
    path: str
    content: str


class GoldenCase(NamedTuple):
    """A value the notebook displayed or printed, recomputable by one call (a test)."""

    cell: int
    function: str
    module: str
    call: str  # Python source of the call; config values spelled `config.NAME`
    expected: str  # the text the notebook stored
    kind: GoldenKind  # display: compared with repr; print: with str
    uses_config: bool


class PrintedLine(NamedTuple):
    """A line a kept cell printed in the notebook, which the run must log again."""

    cell: int
    text: str
    #: the value the cell's last expression displayed: logged as `expression = text`
    displayed: bool = False


class RecordedEnvironment(NamedTuple):
    """What the environment a package was made in told the conversion, as the package
    records it: planning again from the record gives the same answer in any
    environment (`convert --check` from pre-commit's venv, which holds nb2prod alone).
    """

    python: str  # major.minor the package targets
    #: top-level import (or needed distribution) -> its pinned requirement
    requirements: tuple[tuple[str, str], ...] = ()
    #: module of a star import -> the names the notebook takes from it
    star_imports: tuple[tuple[str, tuple[str, ...]], ...] = ()


class ConvertOptions(NamedTuple):
    """What `nb2prod convert` was asked for. The package records them in its
    pyproject.toml (`[tool.nb2prod.generated]`) so that `convert --check` and `verify`
    convert again the same way."""

    serve: bool = False  # --serve
    schedule: bool = False  # --schedule
    model: str | None = None  # --model
    skip_unused_searches: bool = False  # --skip-unused-searches
    #: planning from a package's record instead of this environment (--check, verify)
    recorded: RecordedEnvironment | None = None


SearchUse = Literal["deployed", "read", "unused"]


class SearchPlan(NamedTuple):
    """A hyper-parameter search the notebook runs (`GridSearchCV`...), and whether the
    package needs it (planning/searches.py)."""

    name: str  # the notebook variable holding it
    cell: int  # where it is built
    estimator: str  # GridSearchCV
    use: SearchUse  # the saved model comes from it | other code reads it | neither
    cells: tuple[int, ...]  # cells holding only its work (built, run, shown)
    left_out: bool  # those cells are out of the package (--skip-unused-searches)
    mixed: tuple[int, ...] = ()  # cells holding its work beside other work


LeftOutReason = Literal["skip", "not_exported", "unused_search"]


class LeftOut(NamedTuple):
    """A code cell the package leaves out, and why."""

    cell: int
    reason: LeftOutReason
    detail: str = ""


class ModelPlan(NamedTuple):
    """The model the notebook trains last, which the pipeline saves after a run."""

    name: str  # the notebook variable holding it
    cell: int  # where it is fitted
    estimator: str  # its class as the notebook names it (RandomForestClassifier)
    library: str  # sklearn | xgboost | lightgbm | catboost | keras | torch: how saved
    module: str  # the top-level import it comes from (tensorflow for tf.keras)
    training_data: str | None  # the variable it was fitted on (fingerprinted)
    metrics: tuple[str, ...]  # variables holding metrics computed on this model
    # every metric the notebook computed (the run's metrics.json)
    run_metrics: tuple[str, ...] = ()
    reason: str = ""  # why this model is the one saved (the plan shows it)
    # fitted transformers the training data went through, saved beside the model
    preprocessing: tuple[str, ...] = ()
    # those applied in order to the rows the notebook started from, right before `fit`:
    # the model is saved behind them (an sklearn Pipeline that predicts from raw rows)
    input_steps: tuple[str, ...] = ()
    # the variable holding those raw training rows when the run ends (None: bound again)
    raw_rows: str | None = None
    # (predictions, rows): the notebook's last `predictions = model.predict(rows)`, with
    # `rows` before the input steps; the generated test predicts them again
    predictions: tuple[str, str] | None = None

    @property
    def saved_as(self) -> str:
        """How models.py writes the model: keras and torch their way, native boosters
        and catboost models with their own `save_model` (portable across library
        versions), a Pipeline or any other estimator with joblib."""
        if self.input_steps:
            return "joblib"
        if self.library in ("keras", "torch", "catboost"):
            return self.library
        if self.estimator == "Booster" and self.library in ("xgboost", "lightgbm"):
            return self.library
        return "joblib"

    @property
    def saved_beside(self) -> tuple[str, ...]:
        """Fitted transformers saved next to the model rather than inside it."""
        return tuple(
            name for name in self.preprocessing if name not in self.input_steps
        )


class ModuleCode(NamedTuple):
    """A module's imports (source lines) and its code (definitions, then steps): the
    cells with every decision of the plan applied, before formatting."""

    name: str
    imports: tuple[str, ...]
    code: str
    docstring: str


class Plan(NamedTuple):
    """Everything `convert` will write, decided."""

    package: str
    notebook: str
    python_version: str  # major.minor the package targets: where its pins come from
    title: str
    steps: tuple[Step, ...]
    modules: tuple[str, ...]  # in the order they are first used
    functions: tuple[FunctionPlan, ...]
    config: tuple[ConfigValue, ...]
    secrets: tuple[Secret, ...]
    decisions: tuple[Decision, ...]
    requirements: tuple[Requirement, ...]
    data_files: tuple[DataFile, ...]
    star_imports: tuple[StarImport, ...]
    outputs: tuple[str, ...]  # names `run()` returns: every value a step hands on
    warnings: tuple[Warning, ...]
    uses_figures: bool  # the package saves figures (figures.py)
    golden: tuple[GoldenCase, ...] = ()  # characterisation tests to generate
    #: cells that draw figures without showing them: their code ends by saving the
    #: figures left open, as Jupyter shows and closes them there (planning/figures.py)
    figure_cells: tuple[int, ...] = ()
    #: modules the notebook imports and writes itself when it runs (a download)
    fetched_modules: tuple[str, ...] = ()
    #: names read before the cell that defines them (cells run out of order)
    read_before_defined: tuple[ReadBeforeDefined, ...] = ()
    # stable lines the notebook printed: the pipeline test expects them in the run's log
    printed: tuple[PrintedLine, ...] = ()
    inputs: tuple[str, ...] = ()  # files the notebook reads, relative to where it ran
    summary: str = ""  # the notebook's own introduction (markdown before its code)
    model: ModelPlan | None = None  # the trained model the pipeline saves
    serve: bool = False  # serve.py: the model over HTTP (convert --serve)
    notebook_python: str | None = None  # major.minor the notebook's kernel said it ran
    local_modules: tuple[LocalModule, ...] = ()  # copied into PKG/_local/
    # (name, value) of environment variables set before imports: __init__.py sets them
    import_environment: tuple[tuple[str, str], ...] = ()
    train_step: str | None = None  # --schedule: the step that trains (train/predict)
    aliases: tuple[str, ...] = ()  # `K = keras.backend`: hoisted with the imports
    # the value the notebook ends by showing: returned by run(), saved to OUTPUT_DIR
    result: str | None = None
    # library: the notebook only defines functions and classes (planning/library.py)
    kind: PackageKind = "pipeline"
    written: tuple[str, ...] = ()  # relative paths the notebook writes (the README)
    #: path settings the run writes to inside a folder (`models/lin_reg.bin`): the run
    #: makes the folder first, as the notebook's machine had it and a checkout does not
    output_settings: tuple[str, ...] = ()
    left_out: tuple[LeftOut, ...] = ()  # code cells not in the package, with why
    searches: tuple[SearchPlan, ...] = ()  # hyper-parameter searches, and their use
    options: ConvertOptions = ConvertOptions()  # what convert was asked for
    parameters_cells: tuple[int, ...] = ()  # tagged `parameters`: settings (papermill)
    #: cells whose last expression's value the package logs (`expression = value`)
    logged_displays: tuple[int, ...] = ()
    #: the code of each module, made last (`with_module_code`): rendering reads it and
    #: the rest of the plan, nothing else, so a plan read back from JSON renders alike
    code: tuple[ModuleCode, ...] = ()

    @property
    def reads_data_dir(self) -> bool:
        """Whether files the notebook read by absolute paths are read under the
        DATA_DIR setting (the README mounts that folder, read-only)."""
        return any(value.under == "DATA_DIR" for value in self.config)
