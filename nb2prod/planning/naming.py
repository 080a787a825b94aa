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
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of",
        "on", "or", "our", "the", "to", "using", "vs", "with", "your",
    }
)  # fmt: skip


def snake_case(text: str, default: str = "step") -> str:
    """`## 2. Load the data!` -> `load_the_data`; ASCII, lower case, no leading digit;
    at most six words, cut so that it does not end on `and`, `of`, `to`, `the`..."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", ascii_text)
    found = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", ascii_text)]
    words = found[:6]
    if len(found) > 6:  # cut: end before the last `to`, `and`... of the kept words
        cuts = [n for n, word in enumerate(words) if word in _DANGLING and n >= 2]
        words = words[: cuts[-1]] if cuts else words
    while len(words) > 1 and words[-1] in _DANGLING:
        words.pop()
    return "_".join(words) or default


def is_safe_identifier(name: str) -> bool:
    """An identifier that is not a keyword, builtin or standard-library module."""
    return (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
        and not hasattr(builtins, name)
        and name not in sys.stdlib_module_names
    )


def module_name(text: str, taken: set[str]) -> str:
    """A module name from a concern or heading, unique among `taken`."""
    base = snake_case(text, "steps")
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
