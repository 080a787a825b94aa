"""Function, class, import and production-relevant facts of a cell."""

from __future__ import annotations

import pytest

from nb2prod.analysis import analyze_notebook
from nb2prod.analysis.facts import CellFacts, Param
from nb2prod.testing import notebook


def facts_of(*sources: str) -> CellFacts:
    return analyze_notebook(notebook(*sources)).cells[-1]


# ---- functions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "globals_read"),
    [
        ("def f():\n    return g", ["g"]),
        ("def f(x):\n    return x + len(y)", ["y"]),
        ("def f():\n    x = 1\n    return x", []),
        ("def f():\n    print(x)\n    x = 1", []),  # x is local everywhere in f
        (
            "def outer():\n    x = 1\n    def inner():\n        return x + y\n    return inner",
            ["y"],
        ),
        (
            "def f():\n    v = 1\n    def g():\n        nonlocal v\n        v += 1\n    return g",
            [],
        ),
        ("def f(items):\n    return [i + offset for i in items]", ["offset"]),
        ("def f():\n    class Inner:\n        attr = base\n    return Inner", ["base"]),
        ("def f():\n    x = 1\n    class C:\n        y = x\n    return C", []),
        ("def f():\n    global counter\n    counter += 1", ["counter"]),
        ("def f():\n    cache['k'] = 1", ["cache"]),
        ("def f():\n    del g", []),
        ("def f():\n    import os\n    return os.sep", []),
        ("def f(n):\n    return f(n - 1)", ["f"]),
        ("def f(a=default):\n    return a", []),
        ("def f():\n    return [g for g in gs]", ["gs"]),
        (
            "def f():\n    try:\n        pass\n    except E as e:\n        return e",
            ["E"],
        ),
        ("def f():\n    with open(p) as h:\n        return h", ["p"]),
        ("def f():\n    return lambda x: x * scale", ["scale"]),
        ("async def f():\n    await g()", ["g"]),
    ],
)
def test_function_globals_read(source, globals_read):
    (function,) = facts_of(source).functions
    assert list(function.globals_read) == globals_read


def test_function_facts():
    (function,) = facts_of(
        "def train(a, /, b=2, *rest, c, d=4, **options):\n"
        "    global MODEL, SEEN\n"
        "    MODEL = fit(a)\n"
        "    log.append(b)\n"
        "    print('done')\n"
        "    return helper(SEEN)"
    ).functions
    assert function.name == "train"
    assert (function.line, function.column) == (1, 0)
    assert function.params == (
        Param("a", "positional_only", False),
        Param("b", "positional", True),
        Param("rest", "var_positional", False),
        Param("c", "keyword_only", False),
        Param("d", "keyword_only", True),
        Param("options", "var_keyword", False),
    )
    assert function.global_declarations == ("MODEL", "SEEN")
    assert function.globals_written == ("MODEL",)
    assert function.globals_read == ("SEEN", "fit", "helper", "log")
    assert function.globals_mutated == ("log",)
    assert function.calls == ("fit", "helper")
    assert function.prints is True
    assert function.is_async is False


def test_nested_function_prints_count_for_the_outer_one():
    (function,) = facts_of(
        "def f():\n    def g():\n        print(1)\n    g()"
    ).functions
    assert function.prints is True


def test_same_body_gives_same_hash_wherever_it_is():
    first = facts_of("def f(x):\n    return x + 1").functions[0]
    moved = facts_of("\n\n\ndef f(x):\n    return x + 1").functions[0]
    changed = facts_of("def f(x):\n    return x + 2").functions[0]
    assert first.body_hash == moved.body_hash != changed.body_hash


def test_lambda_assigned_to_a_name_is_a_function():
    (function,) = facts_of("scale = lambda x: x * factor").functions
    assert (function.name, function.globals_read) == ("scale", ("factor",))


def test_nonlocal_is_recorded():
    (function,) = facts_of(
        "def f():\n    n = 0\n    def g():\n        nonlocal n\n        n += 1\n    return g"
    ).functions
    assert function.nonlocal_declarations == ()  # declared in the inner function
    assert function.globals_read == ()


# ---- classes ----------------------------------------------------------------------------


def test_class_facts():
    (klass,) = facts_of(
        "class Model(Base, metaclass=Meta):\n"
        "    '''Doc.'''\n"
        "    n = 1\n"
        "    def fit(self, X):\n"
        "        return helper(X) + n\n"
        "    def predict(self, X):\n"
        "        return X @ WEIGHTS"
    ).classes
    assert klass.name == "Model"
    assert klass.bases == ("Base",)
    assert klass.methods == ("fit", "predict")
    assert klass.globals_read == (
        "WEIGHTS",
        "helper",
        "n",
    )  # class attrs are not in scope


def test_methods_are_not_listed_as_functions():
    facts = facts_of("class A:\n    def m(self):\n        pass")
    assert facts.functions == ()
    assert facts.defines == ("A",)


# ---- imports ----------------------------------------------------------------------------


def test_import_facts():
    facts = facts_of(
        "import os, numpy as np\n"
        "from sklearn.model_selection import train_test_split as tts\n"
        "from . import helpers\n"
        "from pylab import *\n"
        "try:\n"
        "    import ujson as json\n"
        "except ImportError:\n"
        "    import json\n"
        "def f():\n"
        "    import yaml"
    )
    summary = [
        (i.module, i.name, i.alias, i.level, i.bound, i.optional, i.in_function)
        for i in facts.imports
    ]
    assert summary == [
        ("os", None, None, 0, "os", False, None),
        ("numpy", None, "np", 0, "np", False, None),
        ("sklearn.model_selection", "train_test_split", "tts", 0, "tts", False, None),
        ("", "helpers", None, 1, "helpers", False, None),
        ("pylab", "*", None, 0, None, False, None),
        ("ujson", None, "json", 0, "json", True, None),
        ("json", None, None, 0, "json", False, None),
        ("yaml", None, None, 0, "yaml", False, "f"),
    ]
    assert facts.star_imports == ("pylab",)


def test_exception_tuple_with_module_not_found_marks_optional():
    facts = facts_of(
        "try:\n    import torch\nexcept (ModuleNotFoundError, OSError):\n    torch = None"
    )
    assert facts.imports[0].optional is True


# ---- prints and displays ----------------------------------------------------------------


def test_prints_with_arguments_and_keywords():
    facts = facts_of(
        "print('rows:', len(df), sep='', file=sys.stderr)\ndef f():\n    print(x)"
    )
    first, second = facts.prints
    assert (first.line, first.column, first.args, first.keywords) == (
        1,
        0,
        ("'rows:'", "len(df)"),
        ("sep", "file"),
    )
    assert (second.line, second.column, second.in_function) == (3, 4, "f")


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("df.head()", "df.head()"),
        ("x = 1\nx", "x"),
        ("df.describe();", None),
        ("df.describe() ;  # quiet", None),
        ("print(1)", None),
        ("display(df)", None),
        ("x = 1", None),
        ("for i in x:\n    i", None),
        ("%pwd", None),
        ("model.fit(\n    X, y\n)", "model.fit( ..."),
        ("'héllo' + s", "'héllo' + s"),
    ],
)
def test_display_expression(source, shown):
    display = facts_of(source).display_expression
    assert (display.text if display else None) == shown


# ---- plots, randomness, io ----------------------------------------------------------------


def test_plots_shown():
    facts = facts_of(
        "import matplotlib.pyplot as plt\nplt.show()\nfig.show()\nax.plot(x)"
    )
    assert [(p.name, p.line) for p in facts.plots] == [
        ("matplotlib.pyplot.show", 2),
        ("fig.show", 3),
    ]


@pytest.mark.parametrize(
    ("source", "kinds"),
    [
        ("import numpy as np\nnp.random.seed(0)", [("seed", "numpy.random.seed")]),
        ("import numpy as np\nx = np.random.rand(3)", [("rng", "numpy.random.rand")]),
        ("import random\nrandom.shuffle(xs)", [("rng", "random.shuffle")]),
        (
            "from numpy.random import default_rng\nrng = default_rng()",
            [("unseeded_rng", "numpy.random.default_rng")],
        ),
        (
            "import numpy as np\nrng = np.random.default_rng(42)",
            [("seed", "numpy.random.default_rng")],
        ),
        (
            "from sklearn.model_selection import train_test_split\na, b = train_test_split(X)",
            [("missing_random_state", "sklearn.model_selection.train_test_split")],
        ),
        (
            "from sklearn.model_selection import train_test_split\n"
            "a, b = train_test_split(X, random_state=0)",
            [],
        ),
        (
            "m = RandomForestClassifier(n_estimators=10, random_state=None)",
            [("missing_random_state", "RandomForestClassifier")],
        ),
        ("m = RandomForestClassifier(random_state=SEED)", []),
        ("cv = KFold(5)", []),
        ("cv = KFold(5, shuffle=True)", [("missing_random_state", "KFold")]),
        (
            "import torch\ntorch.manual_seed(1)\nt = torch.rand(2)",
            [("seed", "torch.manual_seed"), ("rng", "torch.rand")],
        ),
    ],
)
def test_randomness(source, kinds):
    assert [(r.kind, r.name) for r in facts_of(source).randomness] == kinds


@pytest.mark.parametrize(
    ("source", "io"),
    [
        (
            "import pandas as pd\ndf = pd.read_csv('data/train.csv')",
            [("read", "pandas.read_csv", "data/train.csv")],
        ),
        ("df.to_parquet(path=OUT)", [("write", "df.to_parquet", None)]),
        ("df.groupby('a').sum().to_csv('s.csv')", [("write", ".to_csv", "s.csv")]),
        ("df.to_csv('out.csv', index=False)", [("write", "df.to_csv", "out.csv")]),
        ("with open('notes.txt') as f:\n    pass", [("read", "open", "notes.txt")]),
        ("with open('log.txt', 'a') as f:\n    pass", [("write", "open", "log.txt")]),
        ("open(p, mode='wb')", [("write", "open", None)]),
        (
            "import joblib\njoblib.dump(model, 'model.joblib')",
            [("write", "joblib.dump", "model.joblib")],
        ),
        (
            "import matplotlib.pyplot as plt\nplt.savefig('fig.png')",
            [("write", "matplotlib.pyplot.savefig", "fig.png")],
        ),
        (
            "import numpy as np\narr = np.load('a.npy')",
            [("read", "numpy.load", "a.npy")],
        ),
        ("x = json.loads(s)", []),
        # a dataset of the Hugging Face Hub is downloaded: no file of the notebook's
        (
            "from datasets import load_dataset\nd = load_dataset('glue', 'cola')\n"
            "e = load_dataset('teknium/OpenHermes-2.5')",
            [("read", "datasets.load_dataset", None)] * 2,
        ),
        (
            "from datasets import load_dataset\n"
            "d = load_dataset('csv', data_files='train.csv')\n"
            "e = load_dataset('./reviews')",
            [
                ("read", "datasets.load_dataset", "train.csv"),
                ("read", "datasets.load_dataset", "./reviews"),
            ],
        ),
    ],
)
def test_file_io(source, io):
    assert [(f.kind, f.name, f.path) for f in facts_of(source).io] == io


# ---- literals and secrets -----------------------------------------------------------------


def test_literals_worth_configuring():
    facts = facts_of(
        "DATA_PATH = '/home/alice/churn/customers.csv'\n"
        "URL = 'https://example.com/data.zip'\n"
        "THRESHOLD = 0.5\n"
        "n_trees = 200\n"
        "name = 'churn'\n"
        "model = RandomForestClassifier(n_estimators=300, max_depth=-1)\n"
        "df = pd.read_csv('data/train.csv')\n"
        "x = y + 1\n"
        "label = 'Positive'"
    )
    summary = [(f.kind, f.name, f.value, f.callee, f.absolute) for f in facts.literals]
    assert summary == [
        ("path", "DATA_PATH", "'/home/alice/churn/customers.csv'", None, True),
        ("url", "URL", "'https://example.com/data.zip'", None, False),
        ("constant", "THRESHOLD", "0.5", None, False),
        ("constant", "n_trees", "200", None, False),
        ("hyperparameter", "n_estimators", "300", "RandomForestClassifier", False),
        ("hyperparameter", "max_depth", "-1", "RandomForestClassifier", False),
        ("path", None, "'data/train.csv'", "pandas.read_csv", False),
    ]


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("key = 'AKIA" + "Q7RTW3X9YB2K5M8P'", "aws_access_key_id"),
        ("token = 'ghp_" + "a1B2" * 9 + "'", "github_token"),
        ("client = Client(api_key='sk-" + "Ab3dEf9h" * 5 + "')", "openai_api_key"),
        ("db_password = 'hunter2!x'", "assigned_secret"),
        ("config = {'secret_key': 'q8Zr2LmN0vX4pT7w'}", "assigned_secret"),
        (
            "%env HF_TOKEN=hf_" + "abcdefghijklmnopqrstuvwxyzABCDEFGH",
            "huggingface_token",
        ),
        (
            "engine = create_engine('postgresql://admin:s3cr3t@db:5432/x')",
            "url_with_password",
        ),
    ],
)
def test_secrets(source, kind):
    (secret,) = facts_of(source).secrets
    assert secret.kind == kind
    assert "..." in secret.preview


@pytest.mark.parametrize(
    "source",
    [
        "password = ''",
        "password = 'your_password_here'",
        "API_KEY = os.environ['API_KEY']",
        "token = '<TOKEN>'",
        "secret_note = 'see the wiki page'",
        "tokenizer = 'bert-base-uncased'",
        "password = 'xxxxxx'",
        "key = 'AKIAIOSFODNN7EXAMPLE'",  # AWS's documented sample key
    ],
)
def test_not_secrets(source):
    assert facts_of(source).secrets == ()


def test_secret_preview_never_holds_the_secret():
    (secret,) = facts_of("token = 'ghp_" + "Zx9Q" * 9 + "'").secrets
    assert "Zx9QZx9Q" not in secret.preview


def test_ipython_syntax_facts_are_part_of_the_cell_facts():
    facts = facts_of("%matplotlib inline\n!pip install x")
    assert [s.name for s in facts.ipython_syntax] == ["matplotlib", "pip"]


def test_cell_with_syntax_error_has_a_problem_and_no_facts():
    facts = facts_of("x = (")
    assert facts.problems[0].message == "'(' was never closed"
    assert facts.defines == () and facts.reads == ()


def test_long_expression_chains_are_analysed():
    facts = facts_of("x = 1\ny = x" + " + 1" * 1500)
    assert facts.defines == ("x", "y") and facts.problems == ()


def test_positions_on_time_magic_lines_point_into_the_cell():
    facts = facts_of("%time print(1)\n%time x = np.random.rand(3)")
    assert [(p.line, p.column) for p in facts.prints] == [(1, 6)]
    assert [(r.line, r.column) for r in facts.randomness] == [(2, 10)]


@pytest.mark.parametrize(
    "source",
    [
        "m = RandomForestClassifier(**params)",
        "m = XGBClassifier(n_estimators=10)",
        "from sklearn.utils import shuffle\nX2 = shuffle(X, random_state=0)",
    ],
)
def test_seeded_or_deterministic_calls_are_not_randomness(source):
    assert facts_of(source).randomness == ()
