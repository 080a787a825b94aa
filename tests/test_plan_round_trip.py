"""Issue 16: the Plan is the one record of a conversion. `convert --dry-run --format
json` prints it; the plan read back from that JSON renders the very files convert
wrote, with nothing but the plan (no notebook, no parse, no analysis beside it)."""

from __future__ import annotations

import json
import re

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.emit.package import render_package
from nb2prod.planning.plan import Plan
from nb2prod.reporters.plan_report import plan_from_json, render_plan_json
from nb2prod.testing import code, md, notebook, result, stream

KEY = "sk-live-51HqLyjWDarjtT1zdp7dc9f2a"

PIPELINE = (
    md("# Churn\n\nPredict who leaves."),
    code(
        "import os\nimport pandas as pd\nfrom sklearn.linear_model import "
        "LogisticRegression\nfrom sklearn.metrics import roc_auc_score"
    ),
    code(f'API_KEY = "{KEY}"\nDATA = "data/customers.csv"\ntest_size = 0.25'),
    md("## Load"),
    code(
        "df = pd.read_csv(DATA, storage_options={'token': API_KEY})\nprint(len(df))",
        outputs=[stream("40\n")],
    ),
    md("## Train"),
    code(
        "X, y = df[['age', 'spend']], df['churned']\n"
        "model = LogisticRegression(max_iter=200).fit(X, y)\n"
        "auc = roc_auc_score(y, model.predict_proba(X)[:, 1])\nauc",
        count=3,
        outputs=[result("0.75", 3)],
    ),
    code("def auc(frame):\n    return frame.mean()\n\nauc(df['age'])"),
)

LIBRARY = (
    md("# Helpers"),
    code("import math\n\nSCALE = 2.0"),
    code("def scaled(x, scale=SCALE):\n    return math.sqrt(x) * scale"),
    code("class Box:\n    def __init__(self, size):\n        self.size = size"),
)

IPYTHON = (
    code("%matplotlib inline\nimport numpy as np\nfrom math import *"),
    code("%%writefile helper.txt\nsome text"),
    code("values = np.arange(5)\n!echo hello\nx = floor(2.5)\nprint(values.sum() + x)"),
    code("%time total = sum(values)\ntotal"),
)

PASSWORD = "Tr0ub4dor#3x!"
#: a credential whose value other code and an output repeat
REPEATED = (
    code(f"db_password = {PASSWORD!r}\nuser = 'ann'"),
    code(
        f"print('connected as {PASSWORD}')\nprint(user)",
        outputs=[stream(f"connected as {PASSWORD}\nann\n")],
    ),
)

CASES = {
    "secret repeated": (REPEATED, {}),
    "pipeline": (PIPELINE, {}),
    "pipeline served": (PIPELINE, {"serve": True}),
    "pipeline scheduled": (PIPELINE, {"schedule": True}),
    "library": (LIBRARY, {}),
    "ipython syntax": (IPYTHON, {}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_plan_read_back_from_its_json_renders_the_same_files(case):
    cells, options = CASES[case]
    converted = convert_notebook(notebook(*cells, path="churn.ipynb"), **options)
    back = plan_from_json(render_plan_json(converted.plan, converted.problems))
    assert back == converted.plan
    # no secrets net here: the plan alone renders the package, so it holds no secret
    assert render_package(back) == converted.package


def test_no_plan_json_holds_a_secret_the_code_repeats():
    converted = convert_notebook(notebook(*REPEATED, path="db.ipynb"))
    text = render_plan_json(converted.plan)
    assert PASSWORD not in text
    assert not any(PASSWORD in content for content in converted.package.values())
    assert "connected as" in text  # the line stays, the value is redacted


def test_the_json_shows_the_code_decided_for_each_module():
    converted = convert_notebook(notebook(*PIPELINE, path="churn.ipynb"))
    text = render_plan_json(converted.plan)
    code_of = {m["name"]: m["code"] for m in json.loads(text)["plan"]["code"]}
    written = {
        path.rsplit("/", 1)[-1][:-3]: content
        for path, content in converted.package.items()
        if path.startswith("src/churn/")
    }
    assert set(code_of) <= set(written)
    joined = "\n".join(code_of.values())
    # decisions made on the code itself: the function `auc`, defined after a value of
    # the same name, renamed after its cell; the key read from the environment; the
    # classifier's setting read from the config
    assert "def auc_cell8(frame):" in joined
    assert "def auc_cell8(frame):" in "\n".join(written.values())
    assert "secret('API_KEY')" in joined
    assert KEY not in text
    assert "LogisticRegression(max_iter=LOGISTIC_REGRESSION_MAX_ITER)" in joined


def test_the_library_plan_keeps_its_constants_in_the_code():
    converted = convert_notebook(notebook(*LIBRARY, path="helpers.ipynb"))
    assert converted.plan.kind == "library"
    joined = "\n".join(module.code for module in converted.plan.code)
    assert "SCALE = 2.0" in joined  # no setting in a library: the cell's own binding


@pytest.mark.parametrize(
    "text, problem",
    [
        ("[]", "not a plan"),
        ('{"schema": 1, "plan": {"package": 3}}', "$.package: expected str"),
        ('{"schema": 2, "plan": {}}', "not a plan"),
        ('{"schema": 1, "plan": {}}', "$: missing fields ['package', 'notebook'"),
        ("{not json", "Expecting property name"),
    ],
)
def test_what_is_no_plan_is_refused_with_the_field_named(text, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        plan_from_json(text)


def test_an_unknown_literal_is_refused():
    converted = convert_notebook(notebook(*LIBRARY, path="helpers.ipynb"))
    data = json.loads(render_plan_json(converted.plan))
    data["plan"]["kind"] = "service"
    with pytest.raises(ValueError, match=r"\$\.kind: 'service' is not one of"):
        plan_from_json(json.dumps(data))


def test_every_plan_field_survives_json():
    """A field added to the Plan later, of a type the reader cannot rebuild, fails
    here rather than in a user's round trip."""
    converted = convert_notebook(
        notebook(*PIPELINE, path="churn.ipynb"), serve=True, schedule=True
    )
    back = plan_from_json(render_plan_json(converted.plan))
    for field in Plan._fields:
        assert getattr(back, field) == getattr(converted.plan, field), field
