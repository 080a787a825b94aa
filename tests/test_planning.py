"""The plan: steps, config, parameters and returns, IPython decisions, requirements."""

from __future__ import annotations

import pytest

from nb2prod.convert import plan_notebook
from nb2prod.planning.ipython import decide, install_specifiers
from nb2prod.planning.naming import module_name, package_name, snake_case
from nb2prod.planning.requirements import distribution_of
from nb2prod.reading.magics import translate_cell
from nb2prod.testing import code, md, notebook


def plan_of(*cells, path="analysis.ipynb"):
    return plan_notebook(notebook(*cells, path=path)).plan


def test_steps_split_at_the_heading_level_that_partitions():
    plan = plan_of(
        md("# Churn study"),
        code("import pandas as pd\nRATE = 0.1"),
        md("## Load data"),
        code("df = pd.read_csv('d.csv')"),
        md("### detail"),
        code("df = df.dropna()"),
        md("## Model"),
        code("model = fit(df, RATE)\nprint(model)"),
    )
    assert [(s.name, s.title, s.cells) for s in plan.steps] == [
        ("load_data", "Load data", (1, 3, 5)),
        ("train_model", "Model", (7,)),  # `model` is a notebook name
    ]
    assert plan.modules == ("load_data", "model")


def test_without_headings_cells_group_by_what_they_do():
    plan = plan_of(
        "import pandas as pd\nfrom sklearn.linear_model import LinearRegression",
        "df = pd.read_csv('d.csv')",
        "X = df[['a']]\ny = df['b']",
        "model = LinearRegression().fit(X, y)",
        "score = model.score(X, y)\nprint(score)",
    )
    assert [(s.name, s.module) for s in plan.steps] == [
        ("load_data", "data"),
        ("prepare_features", "features"),
        ("train_model", "training"),
        ("evaluate_model", "evaluation"),
    ]


def test_parameters_and_returns_follow_the_dataflow():
    plan = plan_of(
        md("## a"), code("x = compute()\nunused = 5"),
        md("## b"), code("y = x + 1\nx = 3"),
        md("## c"), code("z = x + y"),
    )  # fmt: skip
    first, second, third = plan.steps
    # issue 15: `unused` is read by no later step: it stays local to the step
    assert (first.params, first.returns) == ((), ("x",))
    assert (second.params, second.returns) == (("x",), ("x", "y"))
    assert third.params == ("x", "y")
    # run() returns every value a step hands on, each once, in the order produced
    assert plan.outputs == ("x", "y", "z")


def test_imports_and_functions_do_not_travel_between_steps():
    plan = plan_of(
        md("## a"), code("import numpy as np\ndef half(v):\n    return v / 2\nv = np.ones(3)"),
        md("## b"), code("w = half(np.sum(v))"),
    )  # fmt: skip
    assert plan.steps[1].params == ("v",)


def test_constants_become_config_values():
    plan = plan_of(
        "DATA = '/home/ana/project/data/train.csv'\nOUT = '/home/ana/project/out.csv'\n"
        "n_estimators = 200\nLIMIT = 3\nLIMIT2 = 4\nname = 'x'\ncounter = 0",
        "counter += 1\nLIMIT2 = 5\nm = Model(n_estimators=n_estimators)\nprint(DATA, OUT, LIMIT, LIMIT2)",
    )
    values = {
        value.name: (value.value, value.original, value.under) for value in plan.config
    }
    assert values == {
        "DATA_DIR": ("'.'", None, None),
        "DATA": ("'data/train.csv'", "'/home/ana/project/data/train.csv'", "DATA_DIR"),
        "OUT": ("'out.csv'", "'/home/ana/project/out.csv'", "DATA_DIR"),
        "n_estimators": ("200", None, None),
        "LIMIT": ("3", None, None),
    }


def test_an_absolute_path_the_notebook_only_writes_is_under_the_output_folder():
    """Not under DATA_DIR, the data a container mounts read-only; read or written is
    what the calls do, not what the name says (`SAMPLE_SUBMISSION` is read)."""
    plan = plan_of(
        "import pandas as pd\nSAMPLE_SUBMISSION = '/kaggle/input/sample_submission.csv'\n"
        "MODEL_PATH = '/home/ana/models/model.pkl'",
        "sub = pd.read_csv(SAMPLE_SUBMISSION)\nsub.to_pickle(MODEL_PATH)\n"
        "sub.to_csv('/home/ana/out/preds.csv')",
    )
    under = {value.name: (value.value, value.under) for value in plan.config}
    assert under["SAMPLE_SUBMISSION"] == ("'sample_submission.csv'", "DATA_DIR")
    assert under["MODEL_PATH"] == ("'models/model.pkl'", "OUTPUT_DIR")
    assert ("'out/preds.csv'", "OUTPUT_DIR") in under.values()


def test_function_reading_notebook_state_gets_parameters():
    plan = plan_of(
        "df = load()\nLIMIT = 3",
        "def top():\n    return df.head(LIMIT)\ndef report():\n    return top()",
        "def setup():\n    global cfg\n    cfg = {}",
    )
    functions = {f.name: (f.extra_params, f.returns_globals) for f in plan.functions}
    assert functions == {
        "top": (("LIMIT", "df"), ()),
        "report": (("LIMIT", "df"), ()),
        "setup": ((), ("cfg",)),
    }


@pytest.mark.parametrize(
    ("source", "action"),
    [
        ("%matplotlib inline", "dropped"),
        ("%load_ext autoreload", "dropped"),
        ("%time x = f()", "unwrapped"),
        ("%%time\nx = 1", "unwrapped"),
        ("%%capture out\nx = 1", "translated"),
        ("%%capture\nx = 1", "unwrapped"),
        ("%%timeit\nx = 1", "dropped"),
        ("!pip install -q pandas==2.2.0", "requirement"),
        ("%pip install seaborn", "requirement"),
        ("!python -m pip install xgboost", "requirement"),
        ("%%writefile helper.py\nx = 1", "data_file"),
        ("%env MODE=prod", "translated"),
        ("%store -r model", "todo"),
        ("%run other.ipynb", "todo"),
        ("!wget https://example.com/d.csv", "todo"),
        ("%%bash\nls", "todo"),
        ("df?", "dropped"),
        ("/f a b", "kept_as_python"),
        ("cd data", "todo"),
    ],
)
def test_every_kind_of_ipython_syntax_gets_a_decision(source, action):
    (fact,) = translate_cell(source).syntax
    assert decide(0, fact).decision.action == action


def test_install_lines_give_requirement_specifiers():
    assert install_specifiers("install -q -U pandas==2.2 'scikit-learn>=1.3' -r req.txt x[y]") == [
        "pandas==2.2", "scikit-learn>=1.3", "x[y]",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # a comment's words (with an apostrophe shlex alone cannot split) were names
        (
            "install torchmetrics==0.9.3 # the version we're using (later ones: here)",
            ["torchmetrics==0.9.3"],
        ),
        ("install a 'b>=1,<2' && pip install c", ["a", "b>=1,<2"]),
        ("install -q torch==2.0.1+cpu > /dev/null 2>&1", ["torch==2.0.1+cpu"]),
        ("install pandas | tail -1", ["pandas"]),
        (
            "install git+https://github.com/o/r.git 'transformers[torch]~=4.0'",
            ["git+https://github.com/o/r.git", "transformers[torch]~=4.0"],
        ),
        ("install (later 'versions:' numpy", ["numpy"]),  # no stray word is a name
        ("install pandas; pip install numpy", ["pandas"]),  # `;` ends the command
        ("install pandas&& echo ok", ["pandas"]),
        (  # a `#` inside a word is no comment (bash)
            "install git+https://github.com/o/r.git#subdirectory=py",
            ["git+https://github.com/o/r.git#subdirectory=py"],
        ),
        (
            "install \"numpy<2; python_version<'3.10'\" scipy",
            ["numpy<2; python_version<'3.10'", "scipy"],
        ),
    ],
)
def test_only_requirements_pip_would_read_come_from_an_install_line(args, expected):
    assert install_specifiers(args) == expected


@pytest.mark.parametrize(
    ("dotted", "distribution"),
    [("sklearn.model_selection", "scikit-learn"), ("cv2", "opencv-python-headless"),
     ("PIL.Image", "Pillow"), ("yaml", "PyYAML"), ("google.cloud.storage", "google-cloud-storage")],
)  # fmt: skip
def test_import_names_map_to_distributions(dotted, distribution):
    assert distribution_of(dotted) == distribution


def test_requirements_skip_stdlib_and_honour_install_lines():
    plan = plan_of(
        "import os, json\nimport numpy as np\nfrom sklearn import svm\n!pip install numpy==1.26.4"
    )
    names = [r.name for r in plan.requirements]
    assert "numpy==1.26.4" in names
    assert any(name.startswith("scikit-learn") for name in names)
    assert not any(name.split("=")[0] in ("os", "json") for name in names)


@pytest.mark.parametrize(
    ("source", "needed", "absent"),
    [
        ("df = pd.read_parquet('trips.parquet')", {"pyarrow"}, set()),
        ("pd.read_excel('a.xlsx').to_parquet('b.parquet')", {"openpyxl", "pyarrow"}, set()),
        ("df = pd.read_parquet('t.parquet', engine='fastparquet')", {"fastparquet"}, {"pyarrow"}),
        ("df = pd.read_excel('old.xls', engine='xlrd')", {"xlrd"}, {"openpyxl"}),
        ("print(pd.DataFrame({'a': [1]}).to_markdown())", {"tabulate"}, set()),
        ("df = pd.read_csv('a.csv')", set(), {"pyarrow", "openpyxl"}),
        ("import polars as pl\ndf = pl.read_parquet('t.parquet')", set(), {"pyarrow"}),
        (
            "t = pd.read_html('a.html', flavor='bs4')",
            {"beautifulsoup4", "html5lib"},
            {"lxml"},
        ),
    ],
)  # fmt: skip
def test_the_engines_pandas_reads_and_writes_with_are_requirements(
    source, needed, absent
):
    """No cell imports pyarrow, yet `pd.read_parquet` fails without it."""
    plan = plan_of(f"import pandas as pd\n{source}")
    names = {r.name.split("=")[0] for r in plan.requirements}
    assert needed <= names and not absent & names


def test_names_are_safe_identifiers():
    assert snake_case("## 2. Load the Data!") == "load_the_data"
    assert snake_case("Évaluation du modèle") == "evaluation_du_modele"
    assert (
        module_name("json", set()) == "json_steps"
    )  # never shadows the standard library
    assert module_name("config", set()) == "config_steps"
    assert package_name("Churn Model v2") == "churn_model_v2"
    assert package_name("1st try") == "st_try"


def test_a_name_cut_from_a_long_heading_ends_on_a_meaningful_word():
    """Issue 15: `using_the_best_parameters_to_make` and
    `machine_learning_with_py_torch_and` were cut mid-phrase."""
    assert (
        snake_case("Using the best parameters to make predictions")
        == "using_the_best_parameters"
    )
    assert (
        snake_case("Machine learning with PyTorch and friends")
        == "machine_learning_with_py_torch"
    )
    assert (
        snake_case("Train a model and evaluate it on the test set") == "train_a_model"
    )
    assert snake_case("Evaluation of the model") == "evaluation_of_the_model"
    assert snake_case("Split into") == "split"


def test_module_aliases_are_attributes_of_imports_bound_once():
    plan = plan_of(
        "import numpy as np\nK = np.linalg\nbest = np.inf\nscale = np.pi",
        "for i in range(3):\n    if i < best:\n        best = i\nprint(K.norm([3, 4]), scale)",
        "scale = 2\nK = np.linalg",
    )
    # best is rebound in a loop, scale in a cell; K is bound twice to the same
    assert plan.aliases == ("K",)
    assert all("K" not in (*s.params, *s.returns) for s in plan.steps)


def test_cells_marked_as_exploration_are_left_out():
    """Issue 15: `skip`/`exploration` tags and `# nb2prod: skip` leave a cell out; a
    marked cell that a kept cell needs stays, with a warning."""
    from nb2prod.convert import plan_notebook
    from nb2prod.testing import code, md, notebook

    plan = plan_notebook(
        notebook(
            md("# T"),
            code("import time\nrows = [3, 1, 2]"),
            code("time.sleep(20)\nrows", tags=["exploration"]),
            code("# nb2prod: skip\nprint(sorted(rows))"),
            code("size = len(rows)", tags=["skip"]),
            code("print(size * 2)"),
        )
    ).plan
    kept = {cell for step in plan.steps for cell in step.cells}
    assert kept == {1, 4, 5}
    assert [w.message for w in plan.warnings if w.cell == 4] == [
        "marked to leave out, but cell 6 reads `size` it defines; kept in the package"
    ]


def test_with_export_tags_only_the_exported_cells_go_in():
    from nb2prod.convert import plan_notebook
    from nb2prod.testing import code, md, notebook

    plan = plan_notebook(
        notebook(
            md("# T"),
            code("#| export\ndef double(x):\n    return 2 * x"),
            code("double(21)"),
            code("value = double(2)", tags=["export"]),
        )
    ).plan
    assert {cell for step in plan.steps for cell in step.cells} == {1, 3}


@pytest.mark.parametrize(
    ("url", "named"),
    [
        (
            "git+https://github.com/huggingface/transformers.git@main",
            "transformers @ git+https://github.com/huggingface/transformers.git@main",
        ),
        (
            "git+https://github.com/o/r.git#egg=mypkg&subdirectory=py",
            "mypkg @ git+https://github.com/o/r.git#egg=mypkg&subdirectory=py",
        ),
        (
            "https://github.com/o/tool/archive/refs/heads/master.zip",
            "tool @ https://github.com/o/tool/archive/refs/heads/master.zip",
        ),
        ("https://x.org/pkg-1.2.3-py3-none-any.whl", "pkg @ https://x.org/pkg-1.2.3-py3-none-any.whl"),
        ("numpy==1.2", "numpy==1.2"),
    ],
)  # fmt: skip
def test_a_url_requirement_gets_a_name(url, named):
    """pyproject.toml refuses a bare URL (PEP 508 wants `name @ url`)."""
    from nb2prod.planning.requirements import named_url

    assert named_url(url) == named


def test_an_install_line_from_a_repository_replaces_the_import_requirement():
    plan = plan_of(
        "!pip install -q git+https://github.com/huggingface/transformers.git\n"
        "import transformers"
    )
    names = [r.name for r in plan.requirements]
    assert "transformers @ git+https://github.com/huggingface/transformers.git" in names
    assert not any(name.startswith("transformers==") for name in names)
