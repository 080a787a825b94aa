"""Third-party distributions a package needs, from its imports and the notebook's
`pip install` lines. Never queries the network.

Import names map to distributions through a curated table of the well-known mismatches
(sklearn -> scikit-learn, cv2 -> opencv-python-headless...) and then through
`importlib.metadata.packages_distributions()` of the running environment; versions are
pinned to what is installed there, unless the notebook's own install line says otherwise.
The engines pandas reads and writes some formats with (pyarrow for parquet, openpyxl for
Excel) are requirements too: no cell imports them, and the call fails without them.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from collections.abc import Iterable
from functools import cache
from importlib import metadata

from nb2prod.analysis.facts import ImportFact
from nb2prod.planning.plan import RecordedEnvironment, Requirement

#: Import name -> distribution, where they differ (EMITTERS.md section 1.2).
KNOWN_DISTRIBUTIONS = {
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "cv2": "opencv-python-headless",
    "PIL": "Pillow",
    "yaml": "PyYAML",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "attr": "attrs",
    "Bio": "biopython",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "fitz": "PyMuPDF",
    "Crypto": "pycryptodome",
    "OpenSSL": "pyOpenSSL",
    "jwt": "PyJWT",
    "serial": "pyserial",
    "usb": "pyusb",
    "magic": "python-magic",
    "git": "GitPython",
    "github": "PyGithub",
    "zmq": "pyzmq",
    "dns": "dnspython",
    "jose": "python-jose",
    "telegram": "python-telegram-bot",
    "slugify": "python-slugify",
    "Levenshtein": "Levenshtein",
    "OpenGL": "PyOpenGL",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "googleapiclient": "google-api-python-client",
    "hydra": "hydra-core",
    "umap": "umap-learn",
    "imblearn": "imbalanced-learn",
    "skopt": "scikit-optimize",
    "faiss": "faiss-cpu",
    "mpl_toolkits": "matplotlib",
    "pkg_resources": "setuptools",
    "osgeo": "GDAL",
    "community": "python-louvain",
    "talib": "TA-Lib",
    "IPython": "ipython",
    "ydata_profiling": "ydata-profiling",
    "pandas_profiling": "pandas-profiling",
    "tensorflow_hub": "tensorflow-hub",
    "sentence_transformers": "sentence-transformers",
    "typing_extensions": "typing-extensions",
    "google.protobuf": "protobuf",
    "google.cloud.storage": "google-cloud-storage",
    "google.cloud.bigquery": "google-cloud-bigquery",
    "lightgbm": "lightgbm",
    "xgboost": "xgboost",
    "catboost": "catboost",
    "statsmodels": "statsmodels",
}
#: Imports of the hosted notebook environment itself, which no index can install.
#: (IPython, ipywidgets and tqdm.notebook are installable and stay when code uses them.)
NOTEBOOK_ONLY = frozenset({"google.colab", "jupyter", "kaggle_secrets"})


def requirements_for(
    imports: list[ImportFact],
    installs: list[str],
    local_modules: set[str],
    recorded: RecordedEnvironment | None = None,
    package_needs: tuple[str, ...] = (),
) -> tuple[Requirement, ...]:
    """One requirement per distribution, sorted by name; install lines win on versions.
    `package_needs` are distributions the generated code itself uses (typer...); what a
    package `recorded` names is taken as recorded, the rest from this environment."""
    known = dict(recorded.requirements) if recorded is not None else {}
    found: dict[str, Requirement] = {
        _normal(name): Requirement(known.get(name) or pinned(name), "package", ())
        for name in package_needs
    }
    for fact in imports:
        if fact.level or not fact.module:
            continue
        name = fact.module.split(".")[0]
        if (
            name in sys.stdlib_module_names
            or name in local_modules
            or name == "__future__"
        ):
            continue
        if fact.module in NOTEBOOK_ONLY or name in NOTEBOOK_ONLY:
            continue
        line = known.get(name) or pinned(
            distribution_of(
                fact.module if fact.name is None else f"{fact.module}.{fact.name}"
            )
        )
        key = _normal(re.split(r"[<>=!~\[;@ ]", line, maxsplit=1)[0])
        previous = found.get(key)
        optional = fact.optional and (previous is None or previous.optional)
        imports_of = tuple(sorted({*(previous.imports if previous else ()), name}))
        found[key] = Requirement(line, "import", imports_of, optional)
    for specifier in map(named_url, installs):
        key = _normal(re.split(r"[<>=!~\[;@ ]", specifier, maxsplit=1)[0])
        previous = found.get(key)
        imports_of = previous.imports if previous else ()
        found[key] = Requirement(specifier, "pip_install", imports_of, False)
    return tuple(found[key] for key in sorted(found))


def named_url(specifier: str) -> str:
    """`git+https://github.com/huggingface/transformers.git@main` ->
    `transformers @ git+https://...`: a dependency that is a URL needs a name (PEP 508;
    pyproject.toml refuses a bare URL), from its `#egg=` fragment or its repository
    or archive name. Anything else as it is."""
    if not re.match(r"(?:git|hg|svn|bzr)\+|https?://", specifier):
        return specifier
    egg = re.search(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)", specifier)
    if egg is not None:
        return f"{egg.group(1)} @ {specifier}"
    archive = re.search(
        r"github\.com/[^/]+/([^/]+)/(?:archive|zipball|tarball)/", specifier
    )
    if archive is not None:  # GitHub's archive of a branch or tag: the repository
        return f"{archive.group(1)} @ {specifier}"
    path = re.sub(r"[#?].*$", "", specifier).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"@[^@]*$", "", last) if "@" in last else last
    name = re.sub(r"(\.git|\.zip|\.tar\.gz|\.whl)$", "", last)
    if name.endswith(".whl") or re.search(r"-\d", name):  # an archive: name-version
        name = re.split(r"-\d", name, maxsplit=1)[0]
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        return specifier
    return f"{name} @ {specifier}"


#: pandas methods that need a library pandas does not install, and its default engine
#: (the `engine=` a call names wins): the package needs it although no cell imports it.
PANDAS_ENGINES = {
    "read_parquet": "pyarrow",
    "to_parquet": "pyarrow",
    "read_feather": "pyarrow",
    "to_feather": "pyarrow",
    "read_orc": "pyarrow",
    "read_excel": "openpyxl",
    "to_excel": "openpyxl",
    "read_hdf": "tables",
    "to_hdf": "tables",
    "read_html": "lxml",
    "read_xml": "lxml",
    "to_xml": "lxml",
    "to_markdown": "tabulate",
}
#: `engine="..."` (and `read_html`'s `flavor=`) values and the distributions each
#: needs: pandas parses HTML with BeautifulSoup through html5lib.
ENGINE_DISTRIBUTIONS = {
    "pyarrow": ("pyarrow",),
    "fastparquet": ("fastparquet",),
    "openpyxl": ("openpyxl",),
    "xlsxwriter": ("xlsxwriter",),
    "odf": ("odfpy",),
    "xlrd": ("xlrd",),
    "pyxlsb": ("pyxlsb",),
    "calamine": ("python-calamine",),
    "lxml": ("lxml",),
    "bs4": ("beautifulsoup4", "html5lib"),
    "html5lib": ("beautifulsoup4", "html5lib"),
}


def engine_needs(
    trees: Iterable[ast.AST], modules: dict[str, str] | None = None
) -> tuple[str, ...]:
    """The distributions pandas needs for the reads and writes in `trees` (the cells'
    syntax trees): `pd.read_parquet(...)` runs only with pyarrow installed. `modules`
    maps the notebook's names to the modules they import: `pl.read_parquet` of
    polars needs no engine of pandas'."""
    modules = modules or {}
    needed: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in PANDAS_ENGINES
            ):
                continue
            receiver = node.func.value
            module = (
                modules.get(receiver.id) if isinstance(receiver, ast.Name) else None
            )
            if module is not None and module.split(".")[0] != "pandas":
                continue  # polars, dask, modin...: their own readers
            engines: tuple[str, ...] = (PANDAS_ENGINES[node.func.attr],)
            for keyword in node.keywords:
                if keyword.arg in ("engine", "flavor") and isinstance(
                    keyword.value, ast.Constant
                ):
                    named = str(keyword.value.value)
                    engines = ENGINE_DISTRIBUTIONS.get(named, engines)
            needed.update(engines)
    return tuple(sorted(needed))


def target_python(recorded: RecordedEnvironment | None = None) -> str:
    """The Python (major.minor) a package declares: the one nb2prod runs in, since the
    versions requirements.txt pins are the ones installed there (each of which supports
    it; an older interpreter may have none of those releases). A recorded package keeps
    its own."""
    if recorded is not None:
        return recorded.python
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def recorded_requirements(requirements: tuple[Requirement, ...]) -> dict[str, str]:
    """What a package records of its requirements: each import (or needed
    distribution) with its pinned line; the notebook's own install lines need none."""
    found: dict[str, str] = {}
    for requirement in requirements:
        if requirement.source == "pip_install":
            continue
        for key in requirement.imports or (requirement.name.split("==")[0],):
            found[key] = requirement.name
    return found


def distribution_of(dotted: str) -> str:
    """The distribution that provides an import (`sklearn.model_selection` -> scikit-learn)."""
    parts = dotted.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in KNOWN_DISTRIBUTIONS:
            return KNOWN_DISTRIBUTIONS[prefix]
    if _has_distribution(parts[0]):
        return parts[0]  # named like its import, the common case: no scan needed
    # Reading every installed distribution's file list is the slow part of planning:
    # skip it for imports this environment cannot provide anyway.
    installed = _installed().get(parts[0]) if _importable(parts[0]) else None
    if installed:
        return installed[0]
    return parts[0].replace("_", "-")


@cache
def _has_distribution(name: str) -> bool:
    """Whether a distribution of exactly this name is installed (one lookup, where
    `packages_distributions()` reads every installed distribution's file list)."""
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def _importable(name: str) -> bool:
    """Whether a top-level module of this name is found here (without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


@cache
def _installed() -> dict[str, list[str]]:
    """Import name -> distributions installed in this environment (no network)."""
    return {
        name: sorted(set(dists))
        for name, dists in metadata.packages_distributions().items()
    }


#: Distributions published with builds per accelerator on their own index: a local
#: version label (`2.13.0+cpu`) names the build, which PyPI does not have.
_PYTORCH_BUILDS = frozenset({"torch", "torchvision", "torchaudio"})
_PYTORCH_INDEX = "https://download.pytorch.org/whl/{label}"


def extra_indexes(requirements: tuple[Requirement, ...]) -> tuple[str, ...]:
    """Package indexes requirements.txt must name for its pins to install anywhere:
    PyTorch's for a `torch==X+cpu` (or `+cu121`, `+rocm6.1`) build."""
    found = []
    for requirement in requirements:
        name, _, version = requirement.name.partition("==")
        label = version.partition("+")[2]
        if _normal(name) in _PYTORCH_BUILDS and re.fullmatch(
            r"cpu|cu\d+|rocm[\d.]+", label
        ):
            found.append(_PYTORCH_INDEX.format(label=label))
    return tuple(dict.fromkeys(found))


def pinned(distribution: str) -> str:
    """`name==version` when installed here, else the bare name."""
    try:
        return f"{distribution}=={metadata.version(distribution)}"
    except metadata.PackageNotFoundError:
        return distribution


def _normal(name: str) -> str:
    """PEP 503 normalised name."""
    return re.sub(r"[-_.]+", "-", name).lower()
