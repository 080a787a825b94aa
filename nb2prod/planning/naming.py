"""Names for packages, modules, steps: valid identifiers that shadow nothing."""

from __future__ import annotations

import builtins
import keyword
import re
import sys
import unicodedata

from nb2prod.errors import PackageNameError

_RESERVED_MODULES = frozenset(
    {"config", "pipeline", "figures", "__main__", "__init__", "tests", "test"}
)


#: Words a name cut from a heading does not end with: the phrase would be unfinished.
_DANGLING = frozenset(
    {
        "a", "about", "after", "an", "and", "as", "at", "before", "between", "but",
        "by", "for", "from", "how", "in", "into", "is", "its", "my", "of", "on", "or",
        "our", "over", "per", "than", "that", "the", "their", "these", "this",
        "those", "through", "to", "under", "using", "versus", "via", "vs", "we",
        "what", "when", "where", "which", "why", "with", "within", "without", "your",
    }
)  # fmt: skip
#: Verbs of the steps cells with each role make: `load_data`, `train_random_forest`.
ROLE_VERBS = {
    "data": "load",
    "features": "prepare",
    "training": "train",
    "evaluation": "evaluate",
    "plots": "plot",
    None: "run",
}
_MAX_WORDS = 6


def snake_case(text: str, default: str = "step", numbers: bool = False) -> str:
    """`## 2. Load the data!` -> `load_the_data`; ASCII, lower case, no leading digit;
    at most six words, cut so that it does not end on `and`, `of`, `to`, `the`...
    With `numbers`, a number after a word stays (`Question 3` -> `question_3`)."""
    words = _words(text, numbers)
    if len(words) > _MAX_WORDS:  # cut: end before the last `to`, `and`... kept
        words = words[:_MAX_WORDS]
        cuts = [n for n, word in enumerate(words) if word in _DANGLING and n >= 2]
        words = words[: cuts[-1]] if cuts else words
    while len(words) > 1 and words[-1] in _DANGLING:
        words.pop()
    return "_".join(words) or default


def _words(text: str, numbers: bool) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", ascii_text)
    pattern = r"[A-Za-z][A-Za-z0-9]*|\d+" if numbers else r"[A-Za-z][A-Za-z0-9]*"
    found = [w.lower() for w in re.findall(pattern, ascii_text)]
    while found and found[0].isdigit():  # section numbers: `4.2 ROC curves`
        found.pop(0)
    return found


def ends_on_function_word(name: str) -> bool:
    """`example_what`, `what`: a phrase cut before its meaning."""
    return name.rsplit("_", 1)[-1] in _DANGLING


def step_names(
    bases: list[str],
    roles: list[str | None],
    subjects: list[list[str]],
    taken: set[str],
) -> list[str]:
    """A distinct, meaningful function name for each step: its base name (from its
    heading or role); a base two steps share, or that a notebook name holds, gets
    the step's subject (`train_random_forest`, `load_test_data`); numbers only when
    nothing else tells the steps apart. Records the names in `taken`."""
    counts = {base: bases.count(base) for base in bases}
    names: list[str] = []
    used = set(taken)
    for base, role, found in zip(bases, roles, subjects, strict=True):
        shadows = base in taken or not is_safe_identifier(base)
        name, verb = None, ROLE_VERBS[role]
        if shadows and counts[base] == 1 and not base.startswith(verb):
            name = _free(f"{verb}_{base}", used)  # `model` -> `train_model`
        if name is None and (counts[base] > 1 or shadows):
            name = _qualified(base, role, found, used)
        if name is None:
            again = f"{base}_again" if counts[base] > 1 else f"{base}_step"
            name = _free(base, used) or _free(again, used)
        names.append(unique(name or base, used))
    taken |= set(names)
    return names


def _qualified(
    base: str, role: str | None, subjects: list[str], used: set[str]
) -> str | None:
    """`base` told apart by the first subject that gives a free name."""
    known = set(base.split("_"))
    for subject in subjects:
        words = _words(subject, numbers=True)[:3]
        while words and words[-1] in _DANGLING:
            words.pop()
        if not words or set(words) <= known:
            continue
        phrase = "_".join(words)
        if base == ROLE_TITLE_NAMES.get(role):
            verb = ROLE_VERBS[role]
            plain = role != "data" or "data" in words
            name = f"{verb}_{phrase}" if plain else f"{verb}_{phrase}_data"
        else:
            name = f"{base}_{phrase}"
        if len(name.split("_")) > _MAX_WORDS + 2:
            continue
        found = _free(name, used)
        if found is not None:
            return found
    return None


#: The names of steps named after their role, without a heading.
ROLE_TITLE_NAMES = {
    "data": "load_data",
    "features": "prepare_features",
    "training": "train_model",
    "evaluation": "evaluate_model",
    "plots": "plot_results",
    None: "run",
}


def _free(name: str, used: set[str]) -> str | None:
    if name in used or not is_safe_identifier(name) or ends_on_function_word(name):
        return None
    return name


def is_safe_identifier(name: str) -> bool:
    """An identifier that is not a keyword, builtin or standard-library module."""
    return (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
        and not hasattr(builtins, name)
        and name not in sys.stdlib_module_names
    )


def module_name(text: str, taken: set[str], numbers: bool = False) -> str:
    """A module name from a concern or heading, unique among `taken`."""
    base = snake_case(text, "steps", numbers)
    if not is_safe_identifier(base) or base in _RESERVED_MODULES:
        base = f"{base}_steps"
    return unique(base, taken)


def package_name(
    text: str,
    imported: frozenset[str] = frozenset(),
    beside: frozenset[str] = frozenset(),
) -> str:
    """A package name from the notebook file name (`Churn Model v2.ipynb` ->
    churn_model_v2); `lightgbm.ipynb` importing lightgbm gives `lightgbm_pkg`."""
    base = snake_case(text, "notebook_package")
    if package_name_problem(base, imported, beside) is not None:
        base = f"{base}_pkg"
    return base


def package_name_problem(
    name: str, imported: frozenset[str], beside: frozenset[str] = frozenset()
) -> str | None:
    """Why `name` cannot name a generated package, or None when it can.

    The package is imported as a top-level module, so it must be one identifier that
    is no keyword and shadows neither the standard library nor a module the notebook
    imports (its own `import NAME` would then find the package).
    """
    if "." in name and all(part.isidentifier() for part in name.split(".")):
        return "dotted names (namespace packages) are not supported"
    if not name.isidentifier():
        return "it is not a Python identifier (letters, digits and _; no leading digit)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "it is a Python keyword"
    if name in sys.stdlib_module_names:
        return f"it shadows the standard-library module `{name}`"
    if name in imported:
        return f"it shadows `{name}`, which the notebook imports"
    if name in beside:  # `python -m NAME` run there would find that module first
        return f"a module `{name}` sits beside the notebook"
    if hasattr(builtins, name):
        return f"it shadows the built-in `{name}`"
    if name in _RESERVED_MODULES:
        return "nb2prod uses that name for one of the package's own modules"
    return None


def check_package_name(
    name: str, imported: frozenset[str], beside: frozenset[str] = frozenset()
) -> None:
    """Raise PackageNameError, suggesting a name, when `name` cannot name the package."""
    problem = package_name_problem(name, imported, beside)
    if problem is not None:
        suggestion = package_name(name, imported, beside)
        raise PackageNameError(
            f"--name {name}",
            f"cannot name the package: {problem}; try --name {suggestion}",
        )


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`... whichever is not in `taken`; records it."""
    candidate, number = name, 2
    while candidate in taken or not is_safe_identifier(candidate):
        candidate = f"{name}_{number}"
        number += 1
    taken.add(candidate)
    return candidate
