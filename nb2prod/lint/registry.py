"""The one table of rule codes. A code is never reused once released.

Rules are imported on demand, so `nb2prod explain NB401` loads one module.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from nb2prod.errors import UnknownRuleError
from nb2prod.lint.rule import Rule

_PACKAGE = "nb2prod.lint.rules"

#: Family prefix -> the package holding its rules. Each family package's `RULES` maps
#: code -> "module:Class"; together they are the one table of codes.
FAMILY_PACKAGES = {
    "NB0": "parsing",
    "NB1": "execution",
    "NB2": "structure",
    "NB3": "imports",
    "NB4": "output",
    "NB5": "reproducibility",
    "NB6": "datascience",
    "NB7": "security",
    "NB8": "documentation",
}


def _table() -> tuple[dict[str, str], frozenset[str]]:
    """code -> "family.module:Class" from every family package, and the codes that are
    off by default (known without importing the rules, which keeps start-up fast)."""
    table: dict[str, str] = {}
    off: set[str] = set()
    for prefix, family in FAMILY_PACKAGES.items():
        package = import_module(f"{_PACKAGE}.{family}")
        off |= package.OFF_BY_DEFAULT
        entries: dict[str, str] = package.RULES
        for code, target in entries.items():
            if not code.startswith(prefix) or code in table:
                raise RuntimeError(f"rule code {code} is misplaced or used twice")
            table[code] = f"{family}.{target}"
    return dict(sorted(table.items())), frozenset(off)


RULES, OFF_BY_DEFAULT = _table()

FAMILIES = {
    "NB0": "parsing",
    "NB1": "execution order and hidden state",
    "NB2": "structure",
    "NB3": "imports and dependencies",
    "NB4": "output and logging",
    "NB5": "reproducibility",
    "NB6": "data-science API misuse",
    "NB7": "security",
    "NB8": "documentation",
}


@cache
def rule_class(code: str) -> type[Rule]:
    """The rule class registered for `code`."""
    target = RULES.get(code.upper())
    if target is None:
        raise UnknownRuleError("nb2prod", f"unknown rule code `{code}`")
    module, _, name = target.partition(":")
    rule: type[Rule] = getattr(import_module(f"{_PACKAGE}.{module}"), name)
    return rule


def all_rules() -> list[type[Rule]]:
    """Every rule, by code."""
    return [rule_class(code) for code in sorted(RULES)]


def select_codes(
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...] = (),
) -> list[str]:
    """Codes to run: `select` (or the default rules) plus `extend_select`, minus `ignore`.

    Each entry is a code (`NB401`), a prefix (`NB4`, `NB40`) or `ALL`.
    """
    chosen = set(_expand(select)) if select else set(RULES) - OFF_BY_DEFAULT
    chosen |= set(_expand(extend_select))
    chosen -= set(_expand(ignore))
    return sorted(chosen)


def _expand(entries: tuple[str, ...]) -> list[str]:
    codes: list[str] = []
    for entry in entries:
        prefix = entry.strip().upper()
        if prefix == "ALL":
            codes.extend(RULES)
            continue
        matched = [code for code in RULES if code.startswith(prefix)]
        if not prefix.startswith("NB") or not matched:
            raise UnknownRuleError("nb2prod", f"`{entry}` matches no rule code")
        codes.extend(matched)
    return codes
