"""Settings from inline literals (issue 14): hyper-parameters, seeds, split sizes and
file names written where they are used become Config fields named by their role,
used where the literal was, with the notebook's value as default."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.testing import md, notebook
from nb2prod.writer import write_package

IMPORTS = (
    "import numpy as np\nimport pandas as pd\n"
    "from sklearn.ensemble import RandomForestClassifier\n"
    "from sklearn.model_selection import train_test_split, GridSearchCV"
)


def convert(*cells: str):  # type: ignore[no-untyped-def]
    result = convert_notebook(notebook(md("# Model"), *cells, path="fx.ipynb"))
    files = result.package
    source = "\n".join(
        text
        for path, text in files.items()
        if path.startswith("src/fx/") and not path.endswith("config.py")
    )
    return config_defaults(files["src/fx/config.py"]), source, result


def config_defaults(text: str) -> dict[str, object]:
    """The fields of the generated Config class and their defaults."""
    tree = ast.parse(text)
    klass = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    return {
        node.target.id: ast.literal_eval(node.value)  # type: ignore[union-attr,arg-type]
        for node in klass.body
        if isinstance(node, ast.AnnAssign) and node.value is not None
    }


def test_hyper_parameters_seeds_and_split_sizes_become_settings():
    config, source, _ = convert(
        IMPORTS,
        "np.random.seed(0)\ndf = pd.read_csv('../input/train.csv')",
        "X_train, X_test, y_train, y_test = train_test_split("
        "df[['a']], df['y'], test_size=0.3, random_state=0)",
        "model = RandomForestClassifier(n_estimators=40, max_depth=5, random_state=1)\n"
        "model.fit(X_train, y_train)",
    )
    assert config["SEED"] == 0
    assert config["TRAIN_CSV"] == "../input/train.csv"
    assert config["TEST_SIZE"] == 0.3
    assert config["RANDOM_FOREST_N_ESTIMATORS"] == 40
    assert config["RANDOM_FOREST_MAX_DEPTH"] == 5
    assert config["RANDOM_FOREST_SEED"] == 1  # another value: a setting of its own
    assert "np.random.seed(SEED)" in source
    assert "pd.read_csv(TRAIN_CSV)" in source
    assert "test_size=TEST_SIZE, random_state=SEED" in source
    assert "n_estimators=RANDOM_FOREST_N_ESTIMATORS" in source
    assert "0.3" not in source and "n_estimators=40" not in source


def test_one_value_that_means_one_thing_is_one_setting():
    config, source, _ = convert(
        IMPORTS + "\nSEED = 7",
        "df = pd.read_csv('data.csv')",
        "a = train_test_split(df, test_size=0.25, random_state=7)\n"
        "b = train_test_split(df, test_size=0.25, random_state=7)",
        "search = GridSearchCV(RandomForestClassifier(random_state=7), {}, cv=5)",
    )
    assert [name for name in config if name not in ("OUTPUT_DIR",)] == [
        "SEED",
        "DATA_CSV",
        "TEST_SIZE",
        "CV",
    ]
    assert source.count("random_state=SEED") == 3


def test_files_written_are_outputs_and_not_inputs_of_the_tests():
    config, source, result = convert(
        "import pandas as pd\ndf = pd.read_csv('rows.csv')",
        "df.to_csv('prediction.csv', index=False)",
    )
    assert config["ROWS_CSV"] == "rows.csv"
    assert config["OUTPUT_PREDICTION_CSV"] == "prediction.csv"
    assert "df.to_csv(OUTPUT_PREDICTION_CSV, index=False)" in source
    assert result.plan.inputs == ("rows.csv",)


def test_class_bodies_ipython_lines_and_tuning_keywords_are_left_alone():
    config, source, _ = convert(
        IMPORTS,
        "class Wrapper:\n    def build(self):\n"
        "        return RandomForestClassifier(n_estimators=3)",
        "%time model = RandomForestClassifier(n_estimators=9)",
        "other = RandomForestClassifier(max_depth=4, n_jobs=-1, verbose=2)",
    )
    assert "RANDOM_FOREST_N_ESTIMATORS" not in config
    assert "n_estimators=3" in source and "n_estimators=9" in source
    assert config["RANDOM_FOREST_MAX_DEPTH"] == 4
    assert "n_jobs=-1, verbose=2" in source


def test_training_keywords_of_any_call_and_generator_seeds_are_settings():
    config, source, _ = convert(
        "import torch",
        "def train(model, epochs, lr):\n    return model",
        "g = torch.Generator().manual_seed(2147483647)\n"
        "trained = train(None, epochs=5, lr=0.01)",
    )
    assert (config["SEED"], config["EPOCHS"], config["LR"]) == (2147483647, 5, 0.01)
    assert "torch.Generator().manual_seed(SEED)" in source
    assert "epochs=EPOCHS, lr=LR" in source


def test_a_function_reading_a_setting_gets_it_from_its_caller():
    config, source, _ = convert(
        IMPORTS,
        "def train(X, y):\n"
        "    return RandomForestClassifier(n_estimators=25).fit(X, y)",
        "model = train([[0], [1]], [0, 1])",
    )
    assert config["RANDOM_FOREST_N_ESTIMATORS"] == 25
    assert "RANDOM_FOREST_N_ESTIMATORS=RANDOM_FOREST_N_ESTIMATORS" in source


@pytest.mark.slow  # runs the generated code in an interpreter
def test_settings_come_from_a_toml_file_the_environment_and_set(tmp_path):
    """Defaults < --config file < PKG_NAME environment variables < --set."""
    _, _, result = convert(
        IMPORTS,
        "split = train_test_split(list(range(10)), test_size=0.2, random_state=0)",
        "model = RandomForestClassifier(n_estimators=40, max_depth=5)",
    )
    config_py = tmp_path / "config.py"
    config_py.write_text(result.package["src/fx/config.py"], encoding="utf-8")
    settings = tmp_path / "settings.toml"
    settings.write_text("test_size = 0.5\nRANDOM_FOREST_N_ESTIMATORS = 10\n")
    script = (
        "from config import Config\n"
        f"c = Config.load({str(settings)!r}, ['RANDOM_FOREST_MAX_DEPTH=3'])\n"
        "print(c.TEST_SIZE, c.RANDOM_FOREST_N_ESTIMATORS, c.SEED,"
        " c.RANDOM_FOREST_MAX_DEPTH)\n"
        "for bad in (['SEED=x'], ['NOPE=1']):\n"
        "    try:\n        Config.load(None, bad)\n"
        "    except ValueError as error:\n        print(error)\n"
    )
    environment = {**os.environ, "FX_SEED": "3", "FX_TEST_SIZE": "0.9"}
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = run.stdout.splitlines()
    # the environment wins over the file (TEST_SIZE), --set over both
    assert lines[0] == "0.9 10 3 3"
    assert lines[1] == "SEED must be int, not 'x'"
    assert lines[2].startswith("unknown setting 'NOPE'")
    assert "`FX_NAME`" in result.package["README.md"]
    assert "| `TEST_SIZE` | `0.2` |" in result.package["README.md"]


@pytest.mark.slow  # runs the generated code in an interpreter
def test_a_lower_case_setting_is_set_by_its_name_in_any_case(tmp_path):
    """`n_trees = 40` is the field `n_trees`; the README documents `FX_NAME` variables
    and `NAME = value` files: `N_TREES` set nothing (the file refused it as unknown,
    the environment variable was ignored and the run trained 40 trees)."""
    config, _, result = convert(
        IMPORTS, "n_trees = 40", "model = RandomForestClassifier(n_estimators=n_trees)"
    )
    assert config["n_trees"] == 40
    (tmp_path / "upper.toml").write_text("N_TREES = 10\n")
    (tmp_path / "lower.toml").write_text("n_trees = 11\n")
    printed = _run_config(
        tmp_path,
        result,
        "print(Config.load('upper.toml').n_trees, Config.load('lower.toml').n_trees,"
        " Config.load(None, ['N_TREES=5']).n_trees,"
        " Config.load(None, environ={'FX_N_TREES': '7'}).n_trees,"
        " Config.load(None, environ={'FX_n_trees': '8'}).n_trees)",
    )
    assert printed == ["10", "11", "5", "7", "8"]
    # a setting of its own named in upper case keeps its variable
    _, _, both = convert(
        IMPORTS,
        "n_trees = 40\nN_TREES = 10",
        "model = RandomForestClassifier(n_estimators=n_trees, max_depth=N_TREES)",
    )
    printed = _run_config(
        tmp_path,
        both,
        "c = Config.load(None, environ={'FX_N_TREES': '7'})\nprint(c.n_trees, c.N_TREES)",
    )
    assert printed == ["40", "7"]


def _run_config(tmp_path, result, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The words `code` prints in an interpreter that imports the package's Config."""
    (tmp_path / "config.py").write_text(result.package["src/fx/config.py"])
    run = subprocess.run(
        [sys.executable, "-c", f"from config import Config\n{code}\n"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.split()


@pytest.mark.slow  # runs the generated code in an interpreter
def test_the_package_computes_what_the_notebook_computed_with_its_settings(tmp_path):
    """The defaults are the notebook's values: the pipeline's results are the same."""
    cells = (
        "import numpy as np\nfrom sklearn.model_selection import train_test_split\n"
        "np.random.seed(3)\nvalues = np.random.rand(20)",
        "train, test = train_test_split(values, test_size=0.25, random_state=5)\n"
        "total = float(train.sum())",
    )
    namespace: dict[str, object] = {}
    for cell in cells:
        exec(cell, namespace)  # the notebook, as Jupyter runs it
    _, _, result = convert(*cells)
    for path, text in result.package.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", "from fx.pipeline import run; print(run()['total'])"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(tmp_path) / "src")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(run.stdout.strip()) == namespace["total"]


def test_a_parameters_cell_marks_settings_and_wins_over_inference():
    """papermill's `parameters` tag: every assignment of the cell is a setting, and a
    literal of the same value under that keyword uses it."""
    from nb2prod.testing import code

    config, source, _ = convert(
        code("n_estimators = 100\nthreshold = 0.05", tags=["parameters"]),
        IMPORTS,
        "model = RandomForestClassifier(n_estimators=100, max_depth=3)",
    )
    assert config["n_estimators"] == 100 and config["threshold"] == 0.05
    assert "RANDOM_FOREST_N_ESTIMATORS" not in config
    assert "RandomForestClassifier(\n        n_estimators=n_estimators" in source or (
        "RandomForestClassifier(n_estimators=n_estimators" in source
    )
    assert config["RANDOM_FOREST_MAX_DEPTH"] == 3


def test_a_constant_bound_twice_is_not_reused_for_a_literal():
    """`SEED = 42` then `SEED = 7`: `random_state=42` after them is not `SEED`."""
    config, source, _ = convert(
        IMPORTS + "\nSEED = 42",
        "SEED = 7\nmodel = RandomForestClassifier(random_state=42)",
    )
    assert "random_state=SEED)" not in source
    assert config["RANDOM_FOREST_SEED"] == 42 and "SEED" not in config


@pytest.mark.slow  # starts an interpreter
def test_the_run_makes_the_folder_an_output_setting_writes_into(tmp_path):
    """`open("models/lin_reg.bin", "wb")`: the notebook's machine had `models/`, a
    fresh checkout does not; the run makes it (and a setting pointing elsewhere)."""
    defaults, _, result = convert(
        "import pickle\nmodel = {'a': 1}",
        "with open('models/lin_reg.bin', 'wb') as f_out:\n    pickle.dump(model, f_out)",
    )
    (name,) = [key for key, value in defaults.items() if value == "models/lin_reg.bin"]
    assert result.plan.output_settings == (name,)
    for path, text in result.package.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    script = (
        "import sys\nfrom fx.config import Config\nfrom fx.pipeline import run\n"
        f"run(Config({name}=sys.argv[1]))"
    )
    for written in ("models/lin_reg.bin", "elsewhere/deep/model.bin"):
        subprocess.run(
            [sys.executable, "-c", script, written],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(Path(tmp_path) / "src")},
            capture_output=True,
            text=True,
            check=True,
        )
        assert (tmp_path / written).stat().st_size > 0
    subprocess.run(
        [sys.executable, "-c", "from fx.pipeline import _make_folder_of as m\n"
         "m('s3://bucket/model.bin')"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(Path(tmp_path) / "src")},
        check=True,
    )  # fmt: skip
    assert not (tmp_path / "s3:").exists()  # a URL is no folder to make


def test_no_folder_is_made_for_inputs_or_files_in_the_working_folder():
    _, _, result = convert(
        "import pandas as pd\ndf = pd.read_csv('data/train.csv')",
        "df.to_csv('predictions.csv')",
    )
    assert result.plan.output_settings == ()
    assert "mkdir" not in result.package["src/fx/pipeline.py"]


def test_a_file_handed_to_the_notebooks_own_reader_is_a_setting():
    """`read_dataframe("./data/jan.parquet")` where `read_dataframe` reads its
    parameter with pandas (the DataTalksClub courses): a setting and an input, as a
    direct `pd.read_parquet` would be; the same file read directly is one setting."""
    defaults, source, result = convert(
        "import pandas as pd\n\n\ndef read_dataframe(filename):\n"
        "    return pd.read_parquet(filename)",
        "sample = pd.read_parquet('./data/jan.parquet')",
        "df_train = read_dataframe('./data/jan.parquet')\n"
        "df_val = read_dataframe(filename='./data/feb.parquet')\nprint(len(df_val))",
    )
    assert defaults == {
        "JAN_PARQUET": "./data/jan.parquet",
        "FEB_PARQUET": "./data/feb.parquet",
        "OUTPUT_DIR": "outputs",
    }
    assert "read_dataframe(JAN_PARQUET)" in source
    assert "read_dataframe(filename=FEB_PARQUET)" in source
    assert set(result.plan.inputs) == {"./data/jan.parquet", "./data/feb.parquet"}


def test_a_file_handed_to_the_notebooks_own_writer_is_an_output_setting():
    defaults, source, _ = convert(
        "import pickle\n\n\ndef save(obj, path):\n"
        "    with open(path, 'wb') as handle:\n        pickle.dump(obj, handle)",
        "model = {'a': 1}\nsave(model, 'models/model.pkl')\nlabel = describe('x.txt')",
    )
    assert defaults == {"OUTPUT_MODEL_PKL": "models/model.pkl", "OUTPUT_DIR": "outputs"}
    assert "save(model, OUTPUT_MODEL_PKL)" in source
    assert 'describe("x.txt")' in source  # no function of the notebook's: left


@pytest.mark.parametrize(
    ("cells", "inputs"),
    [
        (
            (
                "import torch\nnet = torch.nn.Linear(2, 1)\n"
                "torch.save(net.state_dict(), 'ckpt.net')",
                "state = torch.load('ckpt.net')\nprint(sorted(state))",
            ),
            (),
        ),
        (
            (
                "import pandas as pd\npd.DataFrame({'a': [1]}).to_csv('out.csv')",
                "df = pd.read_csv('out.csv')\nprint(df.shape)",
            ),
            (),
        ),
        (
            (  # udacity's char-rnn: the name held by a variable
                "import torch\nmodel_name = 'rnn.net'\n"
                "with open(model_name, 'wb') as f:\n    torch.save({'a': 1}, f)",
                "with open('rnn.net', 'rb') as f:\n    checkpoint = torch.load(f)",
            ),
            (),
        ),
        (
            (  # a setting holding the name, written then read
                "import pickle\nMODEL_FILE = 'model.pkl'\n"
                "with open(MODEL_FILE, 'wb') as f:\n    pickle.dump({'a': 1}, f)",
                "with open(MODEL_FILE, 'rb') as f:\n    model = pickle.load(f)",
            ),
            (),
        ),
        (  # a file read whose name sounds like an output is still read
            ("import pandas as pd\nsub = pd.read_csv('sample_submission.csv')\nprint(sub.shape)",),
            ("sample_submission.csv",),
        ),
        (("import pandas as pd\ndf = pd.read_csv('in.csv')\ndf.to_csv('in.csv')",), ("in.csv",)),
    ],
)  # fmt: skip
def test_a_file_the_notebook_writes_before_reading_it_is_no_input(cells, inputs):
    """A checkpoint saved, then loaded: a run makes it. As an input, the pipeline test
    skipped on every fresh checkout and the README mounted it read-only in Docker,
    where the run then failed writing it. A file read before it is written stays one."""
    _, _, result = convert(*cells)
    assert result.plan.inputs == inputs


@pytest.mark.slow  # runs the generated package
def test_a_file_written_to_an_absolute_path_goes_to_the_output_folder(tmp_path):
    """`df.to_csv("/home/ana/results/preds.csv")` was made relative to DATA_DIR: the
    run wrote into the data folder (which the README mounts read-only into the
    container) and the README listed the file among what a run reads."""
    result = convert_notebook(
        notebook(
            md("# Scores"),
            "import pandas as pd\ndf = pd.read_csv('/home/ana/data/in.csv')\n"
            "df['b'] = df['a'] * 2\ndf.to_csv('/home/ana/results/preds.csv')",
            path="scores.ipynb",
        )
    )
    readme = result.package["README.md"]
    assert "| file | `preds.csv`" not in readme  # among what a run reads
    assert "| file | `outputs/preds.csv` |" in readme  # among what it writes
    write_package(result.package, tmp_path / "pkg")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "in.csv").write_text("a\n1\n2\n")
    run = subprocess.run(
        [sys.executable, "-m", "scores", "--data-dir", "data", "--output-dir", "out"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "pkg" / "src")},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["in.csv"]
    assert (tmp_path / "out" / "preds.csv").read_text().splitlines()[1:] == [
        "0,1,2",
        "1,2,4",
    ]
