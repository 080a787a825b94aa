"""Model persistence: which variable is the trained model, and a package that saves it
in versioned folders with metadata, loads it back and rolls back to an older version."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.convert import convert_notebook, plan_notebook
from nb2prod.planning.plan import ModelPlan
from nb2prod.testing import code, md, notebook
from nb2prod.writer import write_package

SKLEARN_IMPORTS = (
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.metrics import accuracy_score, classification_report\n"
    "from sklearn.datasets import make_classification"
)


def _model(*cells: str):  # type: ignore[no-untyped-def]
    return plan_notebook(notebook(*cells)).plan.model


def test_an_estimator_fitted_at_notebook_level_is_the_model():
    model = _model(
        SKLEARN_IMPORTS,
        "X, y = make_classification(random_state=0)\n"
        "scaler = StandardScaler()\n"
        "X_scaled = scaler.fit_transform(X)",
        "clf = LogisticRegression()\nclf.fit(X_scaled, y)",
        "acc = accuracy_score(y, clf.predict(X_scaled))\n"
        "report = classification_report(y, clf.predict(X_scaled))",
    )
    assert model is not None
    assert (model.name, model.estimator, model.library) == (
        "clf",
        "LogisticRegression",
        "sklearn",
    )
    assert model.training_data == "X_scaled"
    assert model.metrics == ("acc",)  # a report is text, not a metric
    assert model.preprocessing == ("scaler",)  # the training data went through it


def test_printed_metrics_are_kept_and_the_model_keeps_its_own():
    """A metric only printed or displayed gets a variable (the printed text is the
    same); the saved model keeps the metrics computed on its predictions, the run's
    metrics.json all of them."""
    planned = plan_notebook(
        notebook(
            SKLEARN_IMPORTS + "\nfrom sklearn.ensemble import RandomForestClassifier",
            "X, y = make_classification(random_state=0)",
            "rf = RandomForestClassifier().fit(X, y)\npred = rf.predict(X)\n"
            "print('rf accuracy', accuracy_score(y, pred))",
            "lr = LogisticRegression().fit(X, y)\n"
            "print(f'lr accuracy {accuracy_score(y, lr.predict(X)):.3f}')",
            "lr.score(X, y)",
        )
    )
    model = planned.plan.model
    assert model is not None and model.name == "lr"
    assert model.run_metrics == ("accuracy", "lr_accuracy", "lr_score")
    assert model.metrics == ("lr_accuracy", "lr_score")
    sources = {i: item.cell.source for i, item in planned.parsed.items()}
    assert sources[2].endswith(
        "accuracy = accuracy_score(y, pred)\nprint('rf accuracy', accuracy)"
    )
    assert "print(f'lr accuracy {lr_accuracy:.3f}')" in sources[3]
    assert sources[4] == "lr_score = lr.score(X, y)\nlr_score"


def test_the_model_the_notebook_predicts_with_last_is_deployed():
    """A search fitted in a loop is thrown away; its best estimator, which makes the
    predictions, is the model."""
    model = _model(
        SKLEARN_IMPORTS + "\nfrom sklearn.model_selection import GridSearchCV",
        "grids = {}\nfor C in (0.1, 1.0):\n"
        "    search = GridSearchCV(LogisticRegression(C=C), {'max_iter': [100]})\n"
        "    search.fit(X, y)\n    grids[C] = search.best_score_",
        "best = search.best_estimator_\npred = best.predict(X_test)",
        "baseline = LogisticRegression().fit(X, y)",
        "acc = accuracy_score(y_test, pred)",
    )
    assert model is not None
    assert (model.name, model.estimator) == ("best", "GridSearchCV.best_estimator_")
    assert model.metrics == ("acc",)


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_the_plan_says_why_and_model_chooses_another(run_cli, tmp_path):
    from nb2prod.testing import nb, write_nb

    cells = (
        SKLEARN_IMPORTS + "\nfrom sklearn.ensemble import RandomForestClassifier",
        "X, y = make_classification(random_state=0)",
        "rf = RandomForestClassifier(n_estimators=5).fit(X, y)",
        "lr = LogisticRegression().fit(X, y)\nscore = accuracy_score(y, lr.predict(X))",
    )
    model = _model(*cells)
    assert model is not None and model.name == "lr"
    assert model.reason == (
        "the notebook predicts with it last (cell 4); models trained: lr, rf "
        "(choose another with --model)"
    )
    write_nb(tmp_path / "two.ipynb", nb(*cells))
    chosen = run_cli("convert", str(tmp_path / "two.ipynb"), "-o", str(tmp_path / "p"),
                     "--model", "rf")  # fmt: skip
    assert chosen.exit_code == 0, chosen.stderr
    models = (tmp_path / "p" / "src" / "two" / "models.py").read_text()
    assert '"variable": "rf"' in models
    check = run_cli("convert", str(tmp_path / "two.ipynb"), "-o", str(tmp_path / "p"),
                    "--check")  # fmt: skip
    assert check.exit_code == 0, check.stdout  # the choice is read back
    unknown = run_cli("convert", str(tmp_path / "two.ipynb"), "--dry-run",
                      "--model", "nope")  # fmt: skip
    assert unknown.exit_code == 2
    assert unknown.stderr.endswith(
        "--model nope: no trained model of that name; the notebook's models: lr, rf\n"
    )


def test_a_native_booster_is_the_model():
    model = _model(
        "import xgboost as xgb\nfrom sklearn.feature_extraction import DictVectorizer",
        "dv = DictVectorizer()\nX = dv.fit_transform(rows)",
        "dtrain = xgb.DMatrix(X, label=y)\n"
        "booster = xgb.train({'eta': 0.1}, dtrain, num_boost_round=10)",
    )
    assert model is not None
    assert (model.name, model.estimator, model.library) == (
        "booster",
        "Booster",
        "xgboost",
    )
    assert model.preprocessing == ("dv",)  # reached through the DMatrix


def test_a_model_a_training_function_returns_in_a_tuple_is_the_model():
    model = _model(
        SKLEARN_IMPORTS + "\nfrom sklearn.feature_extraction import DictVectorizer",
        "def train(rows, y):\n    dv = DictVectorizer()\n"
        "    X = dv.fit_transform(rows)\n"
        "    model = LogisticRegression(max_iter=100)\n    model.fit(X, y)\n"
        "    return dv, model",
        "dv, model = train(rows, y)",
    )
    assert model is not None
    assert (model.name, model.estimator) == ("model", "LogisticRegression")


def test_chained_predictions_and_search_scores_are_read():
    """`model.fit(X, y).predict(X_test)` is a prediction with `model`; the mean of
    cross-validation scores and a search's best_score_ are metrics; a mutual
    information score of a feature is not."""
    model = _model(
        SKLEARN_IMPORTS + "\nfrom sklearn.ensemble import RandomForestClassifier\n"
        "from sklearn.metrics import mutual_info_score\n"
        "from sklearn.model_selection import GridSearchCV, cross_val_score",
        "mi = mutual_info_score(X[:, 0] > 0, y)",
        "rf = RandomForestClassifier()\nrf.fit(X, y)",
        "grid = GridSearchCV(LogisticRegression(), {'C': [1, 2]})\ngrid.fit(X, y)\n"
        "best_cv = grid.best_score_",
        "pred = rf.fit(X, y).predict(X_test)\n"
        "cv = cross_val_score(rf, X, y, cv=3).mean()\n"
        "test_accuracy = (pred == y_test).mean()\naccuracy_threshold = 0.5",
    )
    assert model is not None and model.name == "rf"
    # a hand-computed accuracy is a metric by its name; a literal is not
    assert model.run_metrics == ("best_cv", "cv", "test_accuracy")
    assert model.metrics == ("cv", "test_accuracy")  # both computed with rf


def test_a_torch_network_an_optimizer_trains_is_the_model():
    cells = (
        "import torch\nfrom torch import nn",
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.layer = nn.Linear(1, 1)\n"
        "    def forward(self, x):\n        return self.layer(x)",
        "class Deeper(Net):\n    pass",
        "probe = Net()\nnet = Deeper().to('cpu')\n"
        "optimizer = torch.optim.SGD(params=net.parameters(), lr=0.1)",
        "for _ in range(3):\n    optimizer.zero_grad()\n"
        "    loss = net(torch.ones(1)).sum()\n    loss.backward()\n    optimizer.step()",
    )
    model = _model(*cells)
    assert model is not None
    assert (model.name, model.estimator, model.library) == ("net", "Deeper", "torch")
    package = convert_notebook(notebook(*cells, path="net.ipynb")).package
    assert "torch.save(model, path)" in package["src/net/models.py"]
    assert "joblib" not in package["requirements.txt"]
    # metadata.json names the version of the library the network is built on, not
    # the package's own (the class `Deeper` is defined in the package)
    tree = ast.parse(package["src/net/models.py"])
    (function,) = (
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "_library_version"
    )
    namespace = {"__name__": "net.models", "sys": sys}
    exec(compile(ast.Module([function], []), "models.py", "exec"), namespace)
    # a class moved into the package, built on a library's class (json has a version)
    moved = type("Deeper", (json.JSONDecoder,), {"__module__": "net.training"})
    assert namespace["_library_version"](moved()) == json.__version__


def test_preprocessing_objects_are_not_models():
    assert (
        _model(
            SKLEARN_IMPORTS,
            "X, y = make_classification(random_state=0)\n"
            "scaler = StandardScaler()\nscaler.fit(X)",
        )
        is None
    )


def test_the_model_fitted_last_is_the_final_model():
    model = _model(
        "import xgboost as xgb\nfrom sklearn.ensemble import RandomForestClassifier",
        "rf = RandomForestClassifier()\nrf.fit(X, y)",
        "booster = xgb.XGBClassifier(n_estimators=10).fit(X_train, y_train)",
    )
    assert (model.name, model.estimator, model.library) == (
        "booster",
        "XGBClassifier",
        "xgboost",
    )
    assert model.training_data == "X_train"


def test_a_notebook_function_that_fits_and_returns_makes_a_model():
    model = _model(
        "from sklearn.ensemble import RandomForestClassifier",
        "def train(X, y):\n"
        "    model = RandomForestClassifier(max_depth=3)\n"
        "    return model.fit(X, y)",
        "def score(model, X, y):\n"
        "    from sklearn.metrics import roc_auc_score\n"
        "    return roc_auc_score(y, model.predict_proba(X)[:, 1])",
        "forest = train(X_train, y_train)\nauc = score(forest, X_test, y_test)",
    )
    assert (model.name, model.estimator, model.training_data) == (
        "forest",
        "RandomForestClassifier",
        "X_train",
    )
    assert model.metrics == ("auc",)


def test_keras_models_are_saved_the_keras_way():
    cells = (
        "from tensorflow import keras",
        "net = keras.Sequential([keras.layers.Dense(1)])\n"
        "net.compile(loss='mse')\n"
        "history = net.fit(X, y, epochs=2)",
    )
    model = _model(*cells)
    assert (model.name, model.library, model.module) == ("net", "keras", "tensorflow")
    package = convert_notebook(notebook(*cells, path="net.ipynb")).package
    models = package["src/net/models.py"]
    assert '_MODEL_FILE = "model.keras"' in models
    assert "from tensorflow import keras" in models  # as the notebook imports it
    assert "joblib" not in package["requirements.txt"]


def test_no_fit_no_model_and_no_model_files():
    plan = plan_notebook(notebook("import math\nx = math.sqrt(2)\nprint(x)")).plan
    assert plan.model is None
    package = convert_notebook(notebook("import math\nprint(math.sqrt(2))")).package
    assert not [path for path in package if path.endswith("models.py")]
    assert "MODEL_DIR" not in "".join(package.values())


NOTEBOOK = (
    md("# Tiny classifier"),
    code(SKLEARN_IMPORTS, count=1),
    md("## Train"),
    code(
        "SEED = 3\n"
        "X, y = make_classification(n_samples=200, random_state=SEED)\n"
        "model = LogisticRegression(C=0.5)\n"
        "model.fit(X, y)",
        count=2,
    ),
    md("## Evaluate"),
    code(
        "accuracy = accuracy_score(y, model.predict(X))\n"
        'print(f"accuracy {accuracy:.3f}")',
        count=3,
    ),
)


@pytest.fixture(scope="module")
def package(tmp_path_factory):  # type: ignore[no-untyped-def]
    result = convert_notebook(notebook(*NOTEBOOK, path="tiny.ipynb"))
    folder = tmp_path_factory.mktemp("pkg") / "tiny"
    write_package(result.package, folder)
    return result, folder


def _python(folder: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(folder / "src")},
    )


@pytest.mark.slow  # starts an interpreter
def test_runs_save_versions_with_metadata_and_roll_back(package, tmp_path):
    result, folder = package
    name = result.plan.package
    first = _python(folder, "-m", name, "--model-dir", "store", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    logged = next(line for line in first.stderr.splitlines() if "accuracy " in line)
    assert (
        _python(folder, "-m", name, "--model-dir", "store", cwd=tmp_path).returncode
        == 0
    )
    store = tmp_path / "store"
    assert sorted(p.name for p in store.iterdir()) == ["CURRENT", "v0001", "v0002"]
    assert (store / "CURRENT").read_text().strip() == "v0002"
    metadata = json.loads((store / "v0001" / "metadata.json").read_text())
    assert metadata["model"]["class"].endswith("LogisticRegression")
    assert metadata["parameters"]["C"] == 0.5
    assert logged.endswith(f"accuracy {metadata['metrics']['accuracy']:.3f}")
    run_metrics = json.loads((tmp_path / "outputs" / "metrics.json").read_text())
    assert run_metrics == metadata["metrics"]
    assert metadata["training_data"]["shape"] == [200, 20]
    assert len(metadata["training_data"]["sha256"]) == 64
    # the same data and seed: the same fingerprint and metrics in both versions
    second = json.loads((store / "v0002" / "metadata.json").read_text())
    assert second["training_data"] == metadata["training_data"]
    assert second["metrics"] == metadata["metrics"]

    rollback = _python(
        folder, "-m", f"{name}.models", "use", "v0001", "--model-dir", "store",
        cwd=tmp_path,
    )  # fmt: skip
    assert rollback.returncode == 0, rollback.stderr
    assert (store / "CURRENT").read_text().strip() == "v0001"
    listing = _python(
        folder, "-m", f"{name}.models", "list", "--model-dir", "store", cwd=tmp_path
    )
    assert listing.stdout.splitlines()[0].startswith("* v0001  accuracy=")
    unknown = _python(
        folder, "-m", f"{name}.models", "use", "v0009", "--model-dir", "store",
        cwd=tmp_path,
    )  # fmt: skip
    assert unknown.returncode == 2
    assert "no version 'v0009'" in unknown.stderr

    probe = (
        f"from {name}.models import load_model\n"
        "from sklearn.datasets import make_classification\n"
        "X, y = make_classification(n_samples=200, random_state=3)\n"
        "model = load_model('store')\n"
        "print(type(model).__name__, (model.predict(X) == y).mean())\n"
    )
    loaded = _python(folder, "-c", probe, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    kind, accuracy = loaded.stdout.split()
    assert kind == "LogisticRegression"
    assert float(accuracy) == pytest.approx(metadata["metrics"]["accuracy"])


@pytest.mark.slow  # starts an interpreter
def test_generated_tests_check_the_saved_model(package):
    _, folder = package
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "tests/test_pipeline.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(folder / "src")},
    )
    assert completed.returncode == 0, completed.stdout
    assert "1 passed" in completed.stdout  # run, not skipped
    text = (folder / "tests" / "test_pipeline.py").read_text()
    assert "load_model(config.MODEL_DIR)" in text


def test_image_and_requirements_make_room_for_models(package):
    result, _ = package
    assert "mkdir -p models outputs" in result.package["Dockerfile"]
    requirements = result.package["requirements.txt"]
    assert any(line.startswith("joblib") for line in requirements.splitlines())
    assert 'mlflow = ["mlflow"]' in result.package["pyproject.toml"]


SPLIT_AND_SCALE = (
    SKLEARN_IMPORTS + "\nfrom sklearn.model_selection import train_test_split",
    "X, y = make_classification(n_samples=80, random_state=0)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)",
    "scaler = StandardScaler()\n"
    "X_train_s = scaler.fit_transform(X_train)\n"
    "X_test_s = scaler.transform(X_test)",
    "clf = LogisticRegression().fit(X_train_s, y_train)\n"
    "pred = clf.predict(X_test_s)\n"
    "acc = accuracy_score(y_test, pred)",
)


def test_the_model_is_saved_behind_the_transformers_its_inputs_went_through():
    model = _model(*SPLIT_AND_SCALE)
    assert model is not None
    assert model.input_steps == ("scaler",)
    assert model.saved_beside == ()  # inside the pipeline, not beside it
    assert model.raw_rows == "X_train"  # its columns and fingerprint
    assert model.predictions == ("pred", "X_test")  # the generated test's check


def test_transformers_applied_one_after_another_are_steps_in_order():
    model = _model(
        SKLEARN_IMPORTS + "\nfrom sklearn.impute import SimpleImputer",
        "X, y = make_classification(random_state=0)\n"
        "imputer = SimpleImputer()\nscaler = StandardScaler()\n"
        "X_scaled = scaler.fit_transform(imputer.fit_transform(X))",
        "clf = LogisticRegression().fit(X_scaled, y)",
        "labels = clf.predict(scaler.transform(imputer.transform(X)))",
    )
    assert model.input_steps == ("imputer", "scaler")
    assert model.predictions == ("labels", "X")


def test_rows_transformed_in_place_make_a_pipeline_without_a_prediction_check():
    """`X_train = scaler.fit_transform(X_train)`: the raw rows are gone when the run
    ends, so the pipeline is saved but nothing can predict them again."""
    model = _model(
        SPLIT_AND_SCALE[0],
        SPLIT_AND_SCALE[1],
        "scaler = StandardScaler()\n"
        "X_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)",
        "clf = LogisticRegression().fit(X_train, y_train)\npred = clf.predict(X_test)",
    )
    assert model.input_steps == ("scaler",)
    assert (model.raw_rows, model.predictions) == (None, None)


def test_inputs_computed_otherwise_keep_the_transformer_beside_the_model():
    """A table built from a transformer's output and something else (hstack) is no
    certain chain: the model is saved alone, the scaler beside it."""
    model = _model(
        SKLEARN_IMPORTS + "\nimport numpy as np",
        "X, y = make_classification(random_state=0)\n"
        "scaler = StandardScaler()\n"
        "X_all = np.hstack([scaler.fit_transform(X[:, :5]), X[:, 5:]])",
        "clf = LogisticRegression().fit(X_all, y)\npred = clf.predict(X_all)",
    )
    assert model.input_steps == ()
    assert model.saved_beside == ("scaler",)
    assert model.predictions == ("pred", "X_all")  # no steps: predicted as given


def test_predictions_bound_again_later_are_not_checked():
    model = _model(*SPLIT_AND_SCALE, "pred = (pred > 0).astype(int)")
    assert model.input_steps == ("scaler",) and model.predictions is None


@pytest.mark.slow  # installs nothing, but runs the generated package and its tests
def test_the_saved_pipeline_predicts_from_raw_rows_what_the_notebook_did(tmp_path):
    result = convert_notebook(
        notebook(*SPLIT_AND_SCALE, path="scaled.ipynb"), serve=True
    )
    folder = tmp_path / "pkg"
    write_package(result.package, folder)
    assert _python(folder, "-m", "scaled", cwd=tmp_path).returncode == 0
    probe = (
        "from scaled.models import load_model, load_metadata\n"
        "from sklearn.datasets import make_classification\n"
        "X, y = make_classification(n_samples=80, random_state=0)\n"
        "model = load_model()\n"
        "print(type(model).__name__, load_metadata()['input_steps'],"
        " (model.predict(X) == y).mean())\n"
    )
    loaded = _python(folder, "-c", probe, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    kind, steps, accuracy = loaded.stdout.rsplit(" ", 2)
    assert (kind, steps) == ("Pipeline", "['scaler']") and float(accuracy) > 0.8
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "tests/test_pipeline.py"],
        cwd=folder, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONPATH": str(folder / "src")},
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout
    source = (folder / "tests" / "test_pipeline.py").read_text()
    assert (
        "def test_the_model_saved_and_loaded_predicts_what_the_run_predicted" in source
    )
    expected = 3 if _has("fastapi") else 2  # the service answers from raw rows too
    assert f"{expected} passed" in tests.stdout


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_metrics_of_another_model_under_a_reused_name_stay_with_the_run():
    """`y_pred` holds one model's predictions, then another's: each metric belongs to
    the model whose predictions it read when it was computed."""
    model = _model(
        SKLEARN_IMPORTS + "\nfrom sklearn.tree import DecisionTreeClassifier",
        "X, y = make_classification(random_state=0)",
        "lr = LogisticRegression().fit(X, y)\ny_pred = lr.predict(X)\n"
        "acc_lr = accuracy_score(y, y_pred)",
        "tree = DecisionTreeClassifier().fit(X, y)\ny_pred = tree.predict(X)\n"
        "acc_tree = accuracy_score(y, y_pred)",
    )
    assert model.name == "tree"
    assert model.metrics == ("acc_tree",)
    assert model.run_metrics == ("acc_lr", "acc_tree")


def test_a_transformer_of_an_earlier_value_of_the_name_is_not_preprocessing():
    model = _model(
        SKLEARN_IMPORTS
        + "\nfrom sklearn.feature_extraction.text import CountVectorizer",
        "vect = CountVectorizer()\nX = vect.fit_transform(['a b', 'b c'])",
        "X, y = make_classification(random_state=0)\n"
        "scaler = StandardScaler()\nX_s = scaler.fit_transform(X)",
        "clf = LogisticRegression().fit(X_s, y)",
    )
    assert model.preprocessing == ("scaler",)


def test_the_model_the_notebook_saves_to_a_file_is_deployed():
    model = _model(
        SKLEARN_IMPORTS
        + "\nimport pickle\nfrom sklearn.tree import DecisionTreeClassifier",
        "X, y = make_classification(random_state=0)\n"
        "scaler = StandardScaler().fit(X)",
        "lr = LogisticRegression().fit(X, y)",
        "with open('model.bin', 'wb') as f_out:\n    pickle.dump((scaler, lr), f_out)",
        "tree = DecisionTreeClassifier().fit(X, y)\nprint(tree.predict(X)[:3])",
    )
    assert model.name == "lr"
    assert model.reason.startswith("the notebook saves it to a file (cell 4)")


def test_a_saved_model_whose_name_is_bound_again_is_still_the_one_kept():
    """`lr` is pickled, then names another model: the later value gets a name of its
    own (planning/saved_models.py), and the package saves what the notebook saved."""
    model = _model(
        SKLEARN_IMPORTS + "\nimport joblib\nfrom sklearn.linear_model import Lasso",
        "X, y = make_classification(random_state=0)",
        "lr = LogisticRegression().fit(X, y)\njoblib.dump(lr, 'lr.joblib')",
        "lr = Lasso().fit(X, y)",
    )
    assert (model.name, model.estimator) == ("lr", "LogisticRegression")
    assert model.reason.startswith("the notebook saves it to a file")


def test_a_search_the_notebook_evaluates_last_is_deployed():
    """A cross-validated `grid.best_estimator_` after a plain model: the search is the
    model the notebook kept."""
    model = _model(
        SKLEARN_IMPORTS
        + "\nfrom sklearn.model_selection import GridSearchCV, cross_val_score",
        "X, y = make_classification(random_state=0)",
        "logreg = LogisticRegression()\nscores = cross_val_score(logreg, X, y)\n"
        "logreg.fit(X, y)",
        "grid = GridSearchCV(LogisticRegression(), {'C': [0.1, 1]}).fit(X, y)\n"
        "scores_2 = cross_val_score(grid.best_estimator_, X, y)",
    )
    assert model.name == "grid"
    assert (
        "evaluates it last" in model.reason or "predicts with it last" in model.reason
    )


@pytest.mark.slow  # runs the generated package
def test_cross_validation_scores_are_saved_fold_by_fold(tmp_path):
    cells = (
        SKLEARN_IMPORTS + "\nfrom sklearn.model_selection import cross_val_score",
        "X, y = make_classification(n_samples=60, random_state=0)\n"
        "clf = LogisticRegression()\nscores = cross_val_score(clf, X, y, cv=3)\n"
        "clf.fit(X, y)",
    )
    result = convert_notebook(notebook(*cells, path="folds.ipynb"))
    folder = tmp_path / "pkg"
    write_package(result.package, folder)
    assert _python(folder, "-m", "folds", cwd=tmp_path).returncode == 0
    metadata = json.loads((tmp_path / "models" / "v0001" / "metadata.json").read_text())
    assert sorted(metadata["metrics"]) == ["scores.0", "scores.1", "scores.2"]
    assert all(0 <= value <= 1 for value in metadata["metrics"].values())


def test_predictions_of_an_earlier_model_under_the_same_name_do_not_choose_it():
    model = _model(
        SKLEARN_IMPORTS + "\nfrom sklearn.tree import DecisionTreeClassifier",
        "X, y = make_classification(random_state=0)",
        "model = LogisticRegression().fit(X, y)\nprint(model.predict(X)[:3])",
        "tree = DecisionTreeClassifier().fit(X, y)\nprint(tree.predict(X)[:3])",
        "model = DecisionTreeClassifier(max_depth=2).fit(X, y)",
    )
    assert model.name == "tree"
    assert model.reason.startswith("the notebook predicts with it last (cell 4)")


@pytest.mark.slow  # runs the generated package
def test_a_native_booster_is_saved_in_its_own_format_and_predicts_again(tmp_path):
    pytest.importorskip("lightgbm")
    cells = (
        "import lightgbm as lgb\nfrom sklearn.datasets import make_regression",
        "X, y = make_regression(n_samples=80, n_features=4, random_state=0)\n"
        "booster = lgb.train({'objective': 'regression', 'verbose': -1},"
        " lgb.Dataset(X, label=y), num_boost_round=5)",
    )
    result = convert_notebook(notebook(*cells, path="boosted.ipynb"))
    assert result.plan.model.saved_as == "lightgbm"
    folder = tmp_path / "pkg"
    write_package(result.package, folder)
    assert _python(folder, "-m", "boosted", cwd=tmp_path).returncode == 0
    assert (tmp_path / "models" / "v0001" / "model.txt").read_text().startswith("tree")
    probe = (
        "import lightgbm as lgb\nfrom boosted.models import load_model\n"
        "from sklearn.datasets import make_regression\n"
        "X, y = make_regression(n_samples=80, n_features=4, random_state=0)\n"
        "again = lgb.train({'objective': 'regression', 'verbose': -1},"
        " lgb.Dataset(X, label=y), num_boost_round=5)\n"
        "print(abs(load_model().predict(X) - again.predict(X)).max())\n"
    )
    loaded = _python(folder, "-c", probe, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert float(loaded.stdout) < 1e-9
    requirements = result.package["requirements.txt"]
    assert not any(line.startswith("joblib") for line in requirements.splitlines())


def test_each_library_is_saved_in_its_own_format():
    common = {"training_data": None, "metrics": (), "cell": 0, "module": ""}
    formats = {
        ("Sequential", "keras"): "keras",
        ("Net", "torch"): "torch",
        ("Booster", "xgboost"): "xgboost",
        ("XGBClassifier", "xgboost"): "joblib",  # the scikit-learn interface
        ("CatBoostClassifier", "catboost"): "catboost",
        ("RandomForestClassifier", "sklearn"): "joblib",
    }
    for (estimator, library), expected in formats.items():
        plan = ModelPlan("m", estimator=estimator, library=library, **common)
        assert plan.saved_as == expected, (estimator, library)
    behind = ModelPlan("m", estimator="CatBoostClassifier", library="catboost",
                       input_steps=("scaler",), **common)  # fmt: skip
    assert behind.saved_as == "joblib"  # a Pipeline
