"""Generate `docs/rules/`: one page per rule from its class, plus an index.

    python -m nb2prod.lint.docs [--check] [FOLDER]

`--check` exits 1 when the pages on disk differ from the rule classes (the test suite
runs it, so the docs never drift from the code).
"""

from __future__ import annotations

import sys
from pathlib import Path

from nb2prod.lint.registry import FAMILIES, all_rules
from nb2prod.lint.rule import Rule

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "docs" / "rules"


def rule_page(rule: type[Rule]) -> str:
    """The Markdown page of one rule."""
    state = (
        "on by default"
        if rule.default
        else "off by default (turn it on with `--select`)"
    )
    fix = "yes" if rule.fixable() else "no"
    return (
        f"# {rule.code} `{rule.name}`\n\n"
        f"Family: {FAMILIES[rule.family()]} · {state} · fix available: {fix}\n\n"
        f"Message: {rule.message}\n\n"
        f"{rule.docs()}\n\n"
        "## Suppression\n\n"
        f"End the flagged line with `# noqa: {rule.code}`, put a line "
        f"`# nb2prod: noqa-cell: {rule.code}` in the cell (or tag the cell "
        f"`nb2prod:noqa:{rule.code}`), or list `{rule.code}` under `ignore` in "
        "`[tool.nb2prod.lint]`.\n"
    )


def index_page(rules: list[type[Rule]]) -> str:
    """The table of all rules, by family."""
    lines = [
        "# nb2prod lint rules",
        "",
        "Generated from the rule classes by "
        "`python -m nb2prod.lint.docs`; do not edit by hand.",
        "",
    ]
    for prefix, family in FAMILIES.items():
        members = [rule for rule in rules if rule.code.startswith(prefix)]
        if not members:
            continue
        lines += [
            f"## {prefix}xx {family}",
            "",
            "| code | name | default | what it flags |",
            "|---|---|---|---|",
        ]
        for rule in members:
            default = "on" if rule.default else "off"
            summary = rule.summary().replace("|", "\\|")
            lines.append(
                f"| [{rule.code}]({rule.code}.md) | `{rule.name}` | {default} | {summary} |"
            )
        lines.append("")
    return "\n".join(lines)


def expected_pages() -> dict[str, str]:
    """File name -> content of every page."""
    rules = all_rules()
    pages = {f"{rule.code}.md": rule_page(rule) for rule in rules}
    pages["README.md"] = index_page(rules)
    return pages


def main(argv: list[str]) -> int:
    check = "--check" in argv
    folders = [Path(arg) for arg in argv if not arg.startswith("--")]
    folder = folders[0] if folders else DEFAULT_FOLDER
    pages = expected_pages()
    stale = sorted(
        name
        for name, text in pages.items()
        if not (folder / name).is_file()
        or (folder / name).read_text(encoding="utf-8") != text
    )
    extra = (
        sorted(p.name for p in folder.glob("*.md") if p.name not in pages)
        if folder.is_dir()
        else []
    )
    if check:
        for name in stale + extra:
            print(f"docs/rules/{name} is out of date; run python -m nb2prod.lint.docs")
        return 1 if stale or extra else 0
    folder.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (folder / name).write_text(pages[name], encoding="utf-8")
    for name in extra:
        (folder / name).unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
