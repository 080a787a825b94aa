"""Imports that current releases of well-known libraries no longer provide.

Old tutorials import `sklearn.cross_validation` or `load_boston`; the notebook ran with
the library of its day, but a package pinned to today's release fails at import. One
table, read by the lint rule (NB311) and by convert's self-check (which also compares
with the version installed where nb2prod runs). Each entry is from the library's
release notes.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Removal(NamedTuple):
    distribution: str
    version: str  # the first release without it
    instead: str  # what to use


#: (module, imported name or None for the module itself) -> the removal
REMOVED: dict[tuple[str, str | None], Removal] = {
    ("sklearn.cross_validation", None): Removal(
        "scikit-learn", "0.20", "`sklearn.model_selection`"
    ),
    ("sklearn.grid_search", None): Removal(
        "scikit-learn", "0.20", "`sklearn.model_selection`"
    ),
    ("sklearn.learning_curve", None): Removal(
        "scikit-learn", "0.20", "`sklearn.model_selection`"
    ),
    ("sklearn.externals.joblib", None): Removal(
        "scikit-learn", "0.23", "`import joblib`"
    ),
    ("sklearn.externals.six", None): Removal("scikit-learn", "0.23", "`import six`"),
    ("sklearn.preprocessing", "Imputer"): Removal(
        "scikit-learn", "0.22", "`sklearn.impute.SimpleImputer`"
    ),
    ("sklearn.datasets", "load_boston"): Removal(
        "scikit-learn", "1.2", "another data set, e.g. `fetch_california_housing`"
    ),
    ("sklearn.metrics", "plot_confusion_matrix"): Removal(
        "scikit-learn", "1.2", "`ConfusionMatrixDisplay.from_estimator`"
    ),
    ("sklearn.metrics", "plot_roc_curve"): Removal(
        "scikit-learn", "1.2", "`RocCurveDisplay.from_estimator`"
    ),
    ("sklearn.metrics", "plot_precision_recall_curve"): Removal(
        "scikit-learn", "1.2", "`PrecisionRecallDisplay.from_estimator`"
    ),
    ("pandas.tools.plotting", None): Removal("pandas", "0.25", "`pandas.plotting`"),
    ("pandas.util.testing", None): Removal("pandas", "2.0", "`pandas.testing`"),
    ("pandas.io.json", "json_normalize"): Removal(
        "pandas", "2.0", "`pandas.json_normalize`"
    ),
    ("pandas.core.index", None): Removal("pandas", "2.0", "`pandas.Index`"),
    ("scipy.misc", "imread"): Removal("scipy", "1.2", "`imageio.v3.imread`"),
    ("scipy.misc", "imresize"): Removal("scipy", "1.3", "`PIL.Image.resize`"),
    ("scipy.misc", "imsave"): Removal("scipy", "1.2", "`imageio.v3.imwrite`"),
    ("tensorflow.contrib", None): Removal("tensorflow", "2.0", "TensorFlow 2 APIs"),
    ("keras.wrappers.scikit_learn", None): Removal(
        "keras", "2.12", "the `scikeras` package"
    ),
    ("datasets", "load_metric"): Removal(
        "datasets", "3.0", "the `evaluate` package: `evaluate.load`"
    ),
    ("datasets", "list_metrics"): Removal(
        "datasets", "3.0", "the `evaluate` package: `evaluate.list_evaluation_modules`"
    ),
}


def removal(module: str, name: str | None) -> Removal | None:
    """The removal of `import module` (name None) or `from module import name`; a
    submodule of a removed module is removed too."""
    parts = module.split(".")
    for depth in range(len(parts), 0, -1):
        found = REMOVED.get((".".join(parts[:depth]), None))
        if found is not None:
            return found
    return REMOVED.get((module, name)) if name is not None else None


def installed_has_removed(found: Removal) -> str | None:
    """The installed version of the distribution when it is a release without the API."""
    from importlib import metadata  # convert's self-check only: lint starts faster

    try:
        installed = metadata.version(found.distribution)
    except metadata.PackageNotFoundError:
        return None
    return installed if _as_tuple(installed) >= _as_tuple(found.version) else None


def _as_tuple(version: str) -> tuple[int, ...]:
    """`2.0.0rc1` -> (2, 0, 0): the release numbers, without pre/post/dev parts."""
    numbers = []
    for part in version.split("."):
        match = re.match(r"\d+", part)
        if match is None:
            break
        numbers.append(int(match.group()))
        if match.end() != len(part):
            break
    return tuple(numbers)
