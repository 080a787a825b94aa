"""Every registered rule, checked against its own examples and docs (tests collect
themselves: adding a rule never means editing this file)."""

from __future__ import annotations

import re

import pytest

from nb2prod.lint.engine import lint_notebook
from nb2prod.lint.registry import RULES, all_rules, rule_class
from nb2prod.lint.rule import Invalid, Rule, Valid
from nb2prod.reading.notebook import notebook_from_json
from nb2prod.settings import LintSettings
from nb2prod.testing import nb


def _run(rule: type[Rule], example: Valid | Invalid):
    document = (
        nb(example.notebook) if isinstance(example.notebook, str) else example.notebook
    )
    notebook = notebook_from_json(document, example.path)
    return [
        f
        for f in lint_notebook(notebook, [rule()], LintSettings())
        if f.code == rule.code
    ]


def _examples(kind: str):
    for rule in all_rules():
        for number, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, example, id=f"{rule.code}-{kind}-{number}")


@pytest.mark.parametrize(("rule", "example"), list(_examples("valid")))
def test_valid_example_has_no_finding(rule, example):
    assert _run(rule, example) == []


@pytest.mark.parametrize(("rule", "example"), list(_examples("invalid")))
def test_invalid_example_is_flagged(rule, example):
    findings = _run(rule, example)
    assert findings, "expected at least one finding"
    first = findings[0]
    if example.at is not None:
        assert (first.cell, first.line, first.column) == example.at
    if example.message is not None:
        assert first.message == example.message
    if example.fixed is not None:
        assert first.fix is not None and first.fix.source == example.fixed
    if rule.fix_action is not None:
        assert first.fix is not None and first.fix.action == rule.fix_action


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_definition_is_complete(code):
    rule = rule_class(code)
    assert rule.code == code
    assert rule.problems() == []


def _code_block(docs: str, after: str) -> str:
    match = re.search(
        re.escape(after) + r".*?```python\n(.*?)```", docs, flags=re.DOTALL
    )
    assert match, f"no python block after {after!r}"
    return match.group(1)


@pytest.mark.parametrize("code", sorted(RULES))
def test_docs_example_blocks_are_python(code):
    docs = rule_class(code).docs()
    for section in ("## Example", "Use instead:"):
        block = _code_block(docs, section)
        assert block.strip()


def test_names_are_unique():
    names = [rule.name for rule in all_rules()]
    assert len(names) == len(set(names))


def test_registry_lists_every_rule_module():
    from pathlib import Path

    import nb2prod.lint.rules as package

    modules = {
        f"{path.parent.name}.{path.stem}"
        for path in Path(package.__file__).parent.glob("*/nb*.py")
    }
    assert modules == {target.partition(":")[0] for target in RULES.values()}


def test_rule_docs_are_up_to_date():
    from nb2prod.lint.docs import main

    assert main(["--check"]) == 0, "run: python -m nb2prod.lint.docs"


@pytest.mark.parametrize("code", sorted(RULES))
def test_off_by_default_table_matches_the_rule(code):
    from nb2prod.lint.registry import OFF_BY_DEFAULT

    assert (code in OFF_BY_DEFAULT) == (not rule_class(code).default)
