"""Run rules on one notebook: parse once, analyse once, one syntax walk per cell."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from nb2prod.analysis import analyze_parsed
from nb2prod.lint.context import RuleContext
from nb2prod.lint.excerpts import Excerpt, excerpts_for
from nb2prod.lint.noqa import without_suppressed
from nb2prod.lint.rule import Finding, Rule
from nb2prod.reading.magics import SyntaxKind
from nb2prod.reading.notebook import Notebook
from nb2prod.reading.parsing import ParsedCell, parse_notebook
from nb2prod.settings import LintSettings


class Checked(NamedTuple):
    """The findings on one notebook, and the excerpts the text report shows them with."""

    findings: list[Finding]
    excerpts: tuple[Excerpt, ...]


def lint_notebook(
    notebook: Notebook,
    rules: Sequence[Rule] | None = None,
    settings: LintSettings | None = None,
) -> list[Finding]:
    """The findings of `rules` on `notebook`, suppressions applied, in document order.
    Without `rules`, those `settings` select (by default, the rules on by default)."""
    return check_notebook(notebook, rules, settings).findings


def check_notebook(
    notebook: Notebook,
    rules: Sequence[Rule] | None = None,
    settings: LintSettings | None = None,
) -> Checked:
    """`lint_notebook`, with the redacted excerpt of each place a finding points at."""
    settings = settings or LintSettings()
    if rules is None:
        from nb2prod.lint.registry import rule_class, select_codes

        codes = select_codes(settings.select, settings.ignore, settings.extend_select)
        rules = [rule_class(code)() for code in codes]
    parsed = parse_notebook(notebook)
    facts = analyze_parsed(notebook.path, parsed)
    ctx = RuleContext(
        notebook, parsed, facts, settings, frozenset(rule.code for rule in rules)
    )
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.check(ctx))
    by_type: dict[type[ast.AST], list[Rule]] = defaultdict(list)
    for rule in rules:
        for node_type in rule.node_types:
            by_type[node_type].append(rule)
    if by_type:
        for cell in parsed:
            findings.extend(_walk(ctx, cell, by_type))
    about_findings = tuple(findings)
    for rule in rules:
        findings.extend(rule.check_findings(ctx, about_findings))
    kept = sorted(set(without_suppressed(findings, notebook)), key=Finding.sort_key)
    return Checked(kept, excerpts_for(kept, notebook, ctx.redact))


def _walk(
    ctx: RuleContext, cell: ParsedCell, by_type: dict[type[ast.AST], list[Rule]]
) -> list[Finding]:
    """Hand each node to the rules that asked for its type, skipping IPython lines."""
    if cell.tree is None:
        return []
    translated = {
        line
        for fact in cell.translation.syntax
        if not fact.keeps_python and fact.kind is not SyntaxKind.TOP_LEVEL_AWAIT
        for line in range(fact.span.line, fact.span.end_line + 1)
    }
    found: list[Finding] = []
    for node in ctx.nodes(cell):
        rules = by_type.get(type(node))
        if rules and getattr(node, "lineno", 0) not in translated:
            for rule in rules:
                found.extend(rule.check_node(ctx, cell, node))
    return found
