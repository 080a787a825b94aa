from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.structure._testing import has_tests
from nb2prod.testing import nb


class NoTests(Rule):
    """
    ## What it does
    Flags notebooks that define functions or classes but hold no test code: no
    `assert` outside a function (version checks do not count), no `test_` function, no `pytest`, `unittest`, `doctest`, `hypothesis`,
    `ipytest` or `*.testing` import.

    ## Why is this bad?
    Untested functions break silently when the data or the code changes, and the
    conversion to a package has nothing to check its output against. Pimentel et al.
    (MSR 2019) found only 1.54 % of GitHub notebooks importing a testing module.

    ## Example
    ```python
    def normalise(x):
        return (x - x.mean()) / x.std()
    ```

    Use instead:
    ```python
    def normalise(x):
        return (x - x.mean()) / x.std()

    assert abs(normalise(np.array([1.0, 3.0])).mean()) < 1e-9
    ```
    """

    code = "NB210"
    name = "no-tests"
    message = "{count} functions or classes defined and no test code"
    default = False

    valid = [
        Valid("x = load()"),
        Valid("def f(x):\n    return x\n\nassert f(1) == 1"),
        Valid("def f(x):\n    return x\n\nfor x in [1]:\n    assert f(x) == x"),
        Valid(nb("def f(x):\n    return x", "import pytest")),
        Valid(nb("def f(x):\n    return x", "def test_f():\n    f(1)")),
    ]
    invalid = [
        Invalid(
            "import sys\nassert sys.version_info >= (3, 8)\ndef f(x):\n    assert x\n"
        ),
        Invalid(
            nb("def f(x):\n    return x", "class A:\n    pass"),
            at=(None, 1, 0),
            message="2 functions or classes defined and no test code",
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        facts = ctx.cell_facts()
        count = sum(len(f.functions) + len(f.classes) for f in facts)
        if count == 0 or any(has_tests(ctx, f.index) for f in facts):
            return
        yield ctx.finding(self, None, count=count)
