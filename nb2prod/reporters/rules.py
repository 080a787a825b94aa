"""`nb2prod rules` and `nb2prod explain CODE`: the catalogue, from the registry."""

from __future__ import annotations

import json

from rich.table import Table

from nb2prod.lint.registry import FAMILIES, all_rules, rule_class
from nb2prod.reporters.console import text_console


def render_rules_text(*, color: bool, width: int) -> str:
    """A table of every rule."""
    console = text_console(color, width)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column in ("code", "name", "default", "fix", "what it flags"):
        table.add_column(column, overflow="fold")
    for rule in all_rules():
        table.add_row(
            rule.code,
            rule.name,
            "on" if rule.default else "off",
            "yes" if rule.fixable() else "",
            rule.summary(),
        )
    console.print(table)
    console.print(
        f"{len(all_rules())} rules; turn on more with --select or --extend-select."
    )
    return console.file.getvalue()  # type: ignore[attr-defined]


def render_rules_json() -> str:
    """Every rule as data: code, name, family, default, fixable, summary, docs."""
    documents = [
        {
            "code": rule.code,
            "name": rule.name,
            "family": FAMILIES[rule.family()],
            "default": rule.default,
            "fixable": rule.fixable(),
            "message": rule.message,
            "summary": rule.summary(),
            "docs": rule.docs(),
        }
        for rule in all_rules()
    ]
    return json.dumps(documents, indent=2) + "\n"


def render_explanation(code: str) -> str:
    """One rule's documentation, as Markdown text."""
    rule = rule_class(code)
    state = "on by default" if rule.default else "off by default (select it to use it)"
    return f"# {rule.code} {rule.name}\n\n{state}\n\n{rule.docs()}\n"
