"""What a call does, from its qualified name: shows a plot, uses randomness, reads or
writes a file. Tables, plus small functions that read `RawCall`s.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.analysis.facts import CallFact
from nb2prod.analysis.scopes import NOT_LITERAL, RawCall

#: Conventional aliases, used when a notebook relies on them without importing
#: (`%pylab`, star imports, or an import in a cell that was deleted).
CONVENTIONAL_ALIASES = {
    "np": "numpy",
    "pd": "pandas",
    "plt": "matplotlib.pyplot",
    "sns": "seaborn",
    "tf": "tensorflow",
    "torch": "torch",
    "random": "random",
    "joblib": "joblib",
    "pickle": "pickle",
    "json": "json",
    "os": "os",
}

# ---- randomness -------------------------------------------------------------------------

#: Calls that seed a global random generator.
SEEDING_CALLS = frozenset(
    {
        "numpy.random.seed",
        "random.seed",
        "torch.manual_seed",
        "torch.cuda.manual_seed",
        "torch.cuda.manual_seed_all",
        "tensorflow.random.set_seed",
        "tensorflow.set_random_seed",
        "tensorflow.compat.v1.set_random_seed",
        "keras.utils.set_random_seed",
        "tensorflow.keras.utils.set_random_seed",
        "lightning.seed_everything",
        "pytorch_lightning.seed_everything",
        "transformers.set_seed",
    }
)
#: The global generators each seeding call seeds: `random.seed` does not make torch's
#: draws repeat, and `torch.cuda.manual_seed` seeds only the GPU's.
SEEDED_LIBRARIES: dict[str, frozenset[str]] = {
    "numpy.random.seed": frozenset({"numpy"}),
    "random.seed": frozenset({"random"}),
    "torch.manual_seed": frozenset({"torch"}),
    "torch.cuda.manual_seed": frozenset(),
    "torch.cuda.manual_seed_all": frozenset(),
    "tensorflow.random.set_seed": frozenset({"tensorflow"}),
    "tensorflow.set_random_seed": frozenset({"tensorflow"}),
    "tensorflow.compat.v1.set_random_seed": frozenset({"tensorflow"}),
    "keras.utils.set_random_seed": frozenset({"random", "numpy", "tensorflow"}),
    "tensorflow.keras.utils.set_random_seed": frozenset(
        {"random", "numpy", "tensorflow"}
    ),
    "lightning.seed_everything": frozenset({"random", "numpy", "torch"}),
    "pytorch_lightning.seed_everything": frozenset({"random", "numpy", "torch"}),
    "transformers.set_seed": frozenset({"random", "numpy", "torch", "tensorflow"}),
}


def rng_library(name: str) -> str:
    """The global generator a random call draws from (`torch.randint`: torch); an
    estimator without `random_state` draws from numpy's."""
    top = name.split(".")[0]
    if top in ("keras", "tensorflow"):
        return "tensorflow"
    if top in ("random", "torch"):
        return top
    return "numpy"


#: Generators that are seeded when given an argument (`default_rng(42)`).
GENERATORS = frozenset(
    {
        "numpy.random.default_rng",
        "numpy.random.RandomState",
        "numpy.random.Generator",
        "random.Random",
        "torch.Generator",
    }
)
_RNG_MODULES = ("numpy.random.", "torch.distributions.", "tensorflow.random.")
_RNG_FUNCTIONS = frozenset(
    {
        "random.random",
        "random.randint",
        "random.choice",
        "random.choices",
        "random.shuffle",
        "random.sample",
        "random.uniform",
        "random.gauss",
        "random.randrange",
        "random.normalvariate",
        "random.triangular",
        "random.betavariate",
        "random.expovariate",
        "torch.rand",
        "torch.randn",
        "torch.randint",
        "torch.randperm",
        "torch.normal",
        "torch.bernoulli",
        "torch.multinomial",
        "torch.rand_like",
        "torch.randn_like",
        "scipy.stats.norm.rvs",
        "sklearn.utils.shuffle",
        "sklearn.utils.resample",
    }
)
#: scikit-learn (and look-alike) callables whose results vary unless given random_state.
RANDOM_STATE_CALLABLES = frozenset(
    "train_test_split RandomForestClassifier RandomForestRegressor ExtraTreesClassifier "
    "ExtraTreesRegressor GradientBoostingClassifier GradientBoostingRegressor "
    "HistGradientBoostingClassifier HistGradientBoostingRegressor DecisionTreeClassifier "
    "DecisionTreeRegressor ExtraTreeClassifier ExtraTreeRegressor BaggingClassifier "
    "BaggingRegressor AdaBoostClassifier AdaBoostRegressor IsolationForest KMeans "
    "MiniBatchKMeans TSNE MLPClassifier MLPRegressor SGDClassifier SGDRegressor Perceptron "
    "PassiveAggressiveClassifier PassiveAggressiveRegressor RandomizedSearchCV ShuffleSplit "
    "StratifiedShuffleSplit GroupShuffleSplit TruncatedSVD NMF LatentDirichletAllocation "
    "GaussianMixture BayesianGaussianMixture SpectralClustering make_classification "
    "make_regression make_blobs make_moons make_circles make_friedman1 "
    "permutation_importance "
    "RandomTreesEmbedding SMOTE RandomOverSampler RandomUnderSampler".split()
)
#: Splitters that only need random_state when they shuffle.
_SHUFFLE_SPLITTERS = frozenset(
    {"KFold", "StratifiedKFold", "GroupKFold", "RepeatedKFold"}
)
_NOT_RANDOM = frozenset(
    {"seed", "get_state", "set_state", "SeedSequence", "BitGenerator"}
)


def randomness(call: RawCall, name: str) -> CallFact | None:
    """Seeding, an RNG call, an unseeded generator, or a missing random_state."""
    keywords = dict(call.keywords)
    if name in SEEDING_CALLS:
        return _fact(call, "seed", name)
    if name in GENERATORS:
        seeded = bool(call.args) or "seed" in keywords
        return _fact(call, "seed" if seeded else "unseeded_rng", name)
    last = name.rsplit(".", 1)[-1]
    seeded = keywords.get("random_state") is not None or call.star_kwargs
    if name in _RNG_FUNCTIONS and seeded:
        return None  # sklearn.utils.shuffle(X, random_state=0)
    if name in _RNG_FUNCTIONS or (
        name.startswith(_RNG_MODULES) and last not in _NOT_RANDOM
    ):
        return _fact(call, "rng", name)
    takes_seed = last in RANDOM_STATE_CALLABLES or (
        last in _SHUFFLE_SPLITTERS and keywords.get("shuffle") is True
    )
    if takes_seed and not seeded:  # random_state absent or None, and no **params
        return _fact(call, "missing_random_state", name)
    return None


# ---- files ------------------------------------------------------------------------------

#: Function or method name -> (read|write, index of the path argument).
_IO_CALLS: dict[str, tuple[str, int]] = {
    **{
        f"read_{kind}": ("read", 0)
        for kind in (
            "csv",
            "table",
            "excel",
            "json",
            "parquet",
            "pickle",
            "feather",
            "hdf",
            "stata",
            "sas",
            "spss",
            "orc",
            "fwf",
            "xml",
            "html",
            "clipboard",
        )
    },
    **{
        f"to_{kind}": ("write", 0)
        for kind in (
            "csv",
            "excel",
            "json",
            "parquet",
            "pickle",
            "feather",
            "hdf",
            "stata",
            "orc",
            "xml",
            "html",
            "latex",
            "markdown",
            "netcdf",
        )
    },
    "loadtxt": ("read", 0),
    "genfromtxt": ("read", 0),
    "fromfile": ("read", 0),
    "savetxt": ("write", 0),
    "savez": ("write", 0),
    "savez_compressed": ("write", 0),
    "tofile": ("write", 0),
    "savefig": ("write", 0),
    "imsave": ("write", 0),
    "imread": ("read", 0),
    "imwrite": ("write", 0),
    "load_model": ("read", 0),
    "load_workbook": ("read", 0),
    "open_dataset": ("read", 0),
    "read_file": ("read", 0),
    "ExcelWriter": ("write", 0),
}
#: Names that mean different things on different objects; qualified names decide.
_QUALIFIED_IO: dict[str, tuple[str, int]] = {
    "numpy.load": ("read", 0),
    "numpy.save": ("write", 0),
    "joblib.load": ("read", 0),
    "joblib.dump": ("write", 1),
    "pickle.load": ("read", 0),
    "pickle.dump": ("write", 1),
    "json.load": ("read", 0),
    "json.dump": ("write", 1),
    "yaml.safe_load": ("read", 0),
    "yaml.load": ("read", 0),
    "yaml.dump": ("write", 1),
    "torch.load": ("read", 0),
    "torch.save": ("write", 1),
    "PIL.Image.open": ("read", 0),
    "h5py.File": ("read", 0),
    "shutil.copy": ("write", 1),
    "os.remove": ("write", 0),
    "os.makedirs": ("write", 0),
    "os.mkdir": ("write", 0),
}
_PATH_KEYWORDS = (
    "path",
    "filepath_or_buffer",
    "path_or_buf",
    "io",
    "fname",
    "file",
    "filename",
    "filepath",
    "excel_writer",
)


def file_io(call: RawCall, name: str) -> CallFact | None:
    """A read or a write of a file, with its literal path when the code gives one."""
    if name in ("open", "io.open", "builtins.open"):
        mode = (
            call.args[1] if len(call.args) > 1 else dict(call.keywords).get("mode", "r")
        )
        writes = isinstance(mode, str) and any(flag in mode for flag in "wax+")
        kind = "write" if writes else "read"
        return _fact(call, kind, name, _path(call, 0), _path_name(call, 0))
    if name.rsplit(".", 1)[-1] == "load_dataset":
        return _fact(call, "read", name, _dataset_path(call))
    rule = _QUALIFIED_IO.get(name) or _IO_CALLS.get(name.rsplit(".", 1)[-1])
    if rule is None:
        return None
    kind, index = rule
    return _fact(call, kind, name, _path(call, index), _path_name(call, index))


#: Files `load_dataset` reads itself (a Hub name may hold a dot: `OpenHermes-2.5`).
_DATASET_FILES = (".csv", ".tsv", ".json", ".jsonl", ".parquet", ".txt", ".arrow")
#: `load_dataset` builders that read the files `data_files=` names.
_DATASET_BUILDERS = frozenset(
    {
        "csv",
        "json",
        "parquet",
        "text",
        "arrow",
        "imagefolder",
        "audiofolder",
        "webdataset",
    }
)


def _dataset_path(call: RawCall) -> str | None:
    """The local file or folder `load_dataset` reads: `load_dataset("./reviews")`, or
    `load_dataset("csv", data_files="train.csv")`. A name of the Hugging Face Hub
    (`"glue"`, `"stanfordnlp/imdb"`) is downloaded, not a file of the notebook's."""
    first = call.args[0] if call.args else dict(call.keywords).get("path")
    files = dict(call.keywords).get("data_files")
    if first in _DATASET_BUILDERS:
        return files if isinstance(files, str) else None
    if isinstance(first, str) and (
        first.startswith(("./", "../", "/", "~"))
        or first.lower().endswith(_DATASET_FILES)
    ):
        return first
    return None


def _path(call: RawCall, index: int) -> str | None:
    value = call.args[index] if index < len(call.args) else NOT_LITERAL
    if value is NOT_LITERAL:
        keywords = dict(call.keywords)
        value = next(
            (keywords[k] for k in _PATH_KEYWORDS if k in keywords), NOT_LITERAL
        )
    return value if isinstance(value, str) else None


def _path_name(call: RawCall, index: int) -> str | None:
    """The variable the call gets its path from (`open(model_name, "wb")`)."""
    node = call.node
    value = node.args[index] if index < len(node.args) else None
    if value is None:
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        value = next((keywords[k] for k in _PATH_KEYWORDS if k in keywords), None)
    return value.id if isinstance(value, ast.Name) else None


# ---- plots ------------------------------------------------------------------------------


def shows_plot(call: RawCall, name: str) -> CallFact | None:
    """`plt.show()`, `fig.show()` and the like: a figure shown on screen."""
    if name in ("matplotlib.pyplot.show", "pylab.show", "show"):
        return _fact(call, "show", name)
    receiver, _, method = (call.func or "").rpartition(".")
    if method == "show" and receiver.split(".")[-1].lower().startswith(
        ("fig", "plt", "ax")
    ):
        return _fact(call, "show", name)
    return None


def classify(
    calls: list[RawCall], qualify: dict[str, str]
) -> Iterator[tuple[str, CallFact]]:
    """Each call that matters, as (category, fact): plots, randomness, io."""
    for call in calls:
        if call.func is None:
            continue
        name = qualified_name(call.func, qualify)
        for category, detector in (
            ("plots", shows_plot),
            ("randomness", randomness),
            ("io", file_io),
        ):
            fact = detector(call, name)
            if fact is not None:
                yield category, fact


def qualified_name(dotted: str, aliases: dict[str, str]) -> str:
    """`np.random.rand` -> `numpy.random.rand`, through the notebook's import aliases."""
    head, dot, rest = dotted.partition(".")
    target = aliases.get(head)
    if target is None:
        return dotted
    return target + dot + rest


def _fact(
    call: RawCall,
    kind: str,
    name: str,
    path: str | None = None,
    path_name: str | None = None,
) -> CallFact:
    return CallFact(
        line=call.line,
        column=call.column,
        kind=kind,
        name=name,
        path=path,
        in_function=call.in_function,
        path_name=path_name,
    )
