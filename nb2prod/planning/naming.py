"""Names for packages, modules, steps: valid identifiers that shadow nothing."""

from __future__ import annotations

import builtins
import keyword
import re
import sys
import unicodedata

_RESERVED_MODULES = frozenset(
    {"config", "pipeline", "figures", "__main__", "__init__", "tests", "test"}
)


def snake_case(text: str, default: str = "step") -> str:
    """`## 2. Load the data!` -> `load_the_data`; ASCII, lower case, no leading digit."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", ascii_text)
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", ascii_text)
    name = "_".join(word.lower() for word in words[:6])
    return name or default


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


def package_name(text: str) -> str:
    """A package name from the notebook file name (`Churn Model v2.ipynb` -> churn_model_v2)."""
    base = snake_case(text, "notebook_package")
    if not is_safe_identifier(base) or base in _RESERVED_MODULES:
        base = f"{base}_pkg"
    return base


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`... whichever is not in `taken`; records it."""
    candidate, number = name, 2
    while candidate in taken or not is_safe_identifier(candidate):
        candidate = f"{name}_{number}"
        number += 1
    taken.add(candidate)
    return candidate
