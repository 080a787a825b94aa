"""Issue 16: the rewrites that run before planning, one interface and one loop
(`nb2prod.planning.normalisation`), each tested before and after as a codemod is."""

from __future__ import annotations

import pytest

from nb2prod.analysis import analyze_parsed
from nb2prod.planning.normalisation import REWRITES, Rewritten, normalise
from nb2prod.reading.parsing import parse_notebook
from nb2prod.testing import notebook

#: rewrite -> (cells before, cells after: only that rewrite applies)
CASES = {
    "unread secrets": (
        ["import math", 'API_KEY = "sk-live-51HqLyjWDarjtT1zdp7dc9f2a"\nprint(math.pi)'],
        ["import math", "print(math.pi)"],
    ),
    "last results": (
        ["x = 2\nx * 3", "y = _ + 1\nprint(y)"],
        ["x = 2\n_ = x * 3\n_\n", "y = _ + 1\nprint(y)"],
    ),
    "function versions": (
        [
            "def f(a):\n    return a + 1",
            "b = f(1)",
            "def f(a):\n    return a * 2",
            "c = f(b)\nprint(c)",
        ],
        [
            "def f_cell1(a):\n    return a + 1",
            "b = f_cell1(1)",
            "def f(a):\n    return a * 2",
            "c = f(b)\nprint(c)",
        ],
    ),
    "shadowed builtins": (
        ["a = sum([1, 2])", "from numpy import *", "b = sum(arange(3), 0)\nprint(a, b)"],
        [
            "a = sum([1, 2])",
            "from numpy import *\nfrom numpy import sum as numpy_sum",
            "b = numpy_sum(arange(3), 0)\nprint(a, b)",
        ],
    ),
    "passed defaults": (
        ["URL = 'http://x'", "def fetch(url=URL):\n    return url", "print(fetch())"],
        [
            "URL = 'http://x'",
            "def fetch(url):\n    return url",
            "print(fetch(url=URL))",
        ],
    ),
    "late defaults": (  # passed as a value: no call to pass the default
        ["URL = 'http://x'", "def fetch(url=URL):\n    return url", "print(list(map(fetch, 'a')))"],
        [
            "URL = 'http://x'",
            "def fetch(url=None):\n    if url is None:\n        url = URL\n    return url",
            "print(list(map(fetch, 'a')))",
        ],
    ),
    "saved models": (
        [
            "import joblib\nfrom sklearn.linear_model import Lasso, LinearRegression",
            "lr = LinearRegression().fit(X, y)\njoblib.dump(lr, model_path)",
            "lr = Lasso()\nlr.fit(X, y)\nprint(lr.coef_)",
        ],
        [
            "import joblib\nfrom sklearn.linear_model import Lasso, LinearRegression",
            "lr = LinearRegression().fit(X, y)\njoblib.dump(lr, model_path)",
            "lr_lasso = Lasso()\nlr_lasso.fit(X, y)\nprint(lr_lasso.coef_)",
        ],
    ),
    "metrics": (
        ["from sklearn.metrics import accuracy_score", "print(accuracy_score(y, p))"],
        [
            "from sklearn.metrics import accuracy_score",
            "accuracy = accuracy_score(y, p)\nprint(accuracy)",
        ],
    ),
    "final result": (
        ["import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})", "df['a'] * 2"],
        [
            "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})",
            "result = df['a'] * 2\nresult",
        ],
    ),
    "inline settings": (
        ["from sklearn.model_selection import train_test_split", "a, b = train_test_split(X, test_size=0.2)"],
        [
            "from sklearn.model_selection import train_test_split",
            "TEST_SIZE = 0.2\na, b = train_test_split(X, test_size=TEST_SIZE)",
        ],
    ),
}  # fmt: skip


def _rewrite(name):  # type: ignore[no-untyped-def]
    return next(rewrite for rewrite in REWRITES if rewrite[0] == name)


def _normalised(cells, rewrites=REWRITES):
    book = notebook(*cells)
    parsed = parse_notebook(book)
    return normalise(book, parsed, analyze_parsed(book.path, parsed), rewrites)


def test_every_rewrite_has_a_case():
    assert [name for name, _ in REWRITES] == list(CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_each_rewrite_before_and_after(name):
    before, after = CASES[name]
    done = _normalised(before)
    assert done.applied == (name,)
    assert [cell.source for cell in done.notebook.code_cells] == after
    # what the plan is built from describes the rewritten cells, not the first ones
    assert [item.cell.source for item in done.parsed] == after
    assert done.facts == analyze_parsed(done.notebook.path, done.parsed)


@pytest.mark.parametrize("name", list(CASES))
def test_a_rewrite_that_finds_nothing_changes_nothing(name):
    cells = ["import math", "print(math.pi)"]
    done = _normalised(cells, (_rewrite(name),))
    assert done.applied == ()
    assert [cell.source for cell in done.notebook.code_cells] == cells


def test_rewrites_see_the_cells_as_the_ones_before_left_them():
    """The function renamed by its versions is what the metrics rewrite reads."""
    seen = []

    def spy(book, parsed, facts):
        seen.append([item.cell.source for item in parsed])
        return None

    _normalised(
        CASES["function versions"][0],
        (_rewrite("function versions"), ("spy", spy)),
    )
    assert seen == [CASES["function versions"][1]]


def test_warnings_and_the_result_are_handed_to_the_plan():
    def warns(book, parsed, facts):
        return Rewritten(book, result="total")

    before, _ = CASES["function versions"]
    done = _normalised(before, (_rewrite("function versions"), ("result", warns)))
    assert done.result == "total"
    (warning,) = done.warnings
    assert warning.message.startswith("`f` is defined in several cells")
    assert "`f_cell1`" in warning.message
