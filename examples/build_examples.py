"""Regenerate the example notebooks ``churn_tidy.ipynb`` and ``churn_messy.ipynb``.

Writes both notebooks with nbformat, executes them top to bottom with nbclient from
this directory (they read ``customers.csv``; run ``make_data.py`` first), and stores
them with their outputs.  The messy notebook then gets out-of-order execution counts,
the way a notebook looks after cells were re-run by hand.

    python examples/make_data.py && python examples/build_examples.py

Needs numpy, pandas, scikit-learn, matplotlib, nbformat, nbclient and ipykernel.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

# ---------------------------------------------------------------------------
# churn_tidy.ipynb: one import cell, one constants cell, small pure functions.
# ---------------------------------------------------------------------------

TIDY = [
    (
        "md",
        """\
# Customer churn model

Predict which customers will cancel their subscription from their contract, tenure,
charges and support history. The data is `customers.csv` (one row per customer).""",
    ),
    ("md", "## Setup"),
    (
        "code",
        """\
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, classification_report, roc_auc_score, roc_curve
from sklearn.model_selection import train_test_split""",
    ),
    (
        "code",
        """\
DATA_PATH = "customers.csv"
TARGET = "churned"
TEST_SIZE = 0.25
RANDOM_STATE = 42
N_ESTIMATORS = 100
MAX_DEPTH = 6""",
    ),
    ("md", "## Load data"),
    (
        "code",
        """\
def load_customers(path):
    \"\"\"Read the customer table; `total_charges` is blank for customers not billed yet.\"\"\"
    return pd.read_csv(path, dtype={"contract": "category"})""",
    ),
    (
        "code",
        """\
df = load_customers(DATA_PATH)
df.head()""",
    ),
    (
        "code",
        """\
print(f"{len(df)} customers, churn rate {df[TARGET].mean():.1%}")
df.isna().sum()""",
    ),
    (
        "code",
        """\
df.groupby("contract", observed=True)[TARGET].agg(["mean", "size"]).round(3)""",
    ),
    (
        "md",
        """\
## Features

Customers with zero tenure have no bill yet, so a missing `total_charges` means 0.
The contract type becomes one indicator column per contract.""",
    ),
    (
        "code",
        """\
def add_features(df):
    \"\"\"Return a copy of `df` with model features added.\"\"\"
    out = df.copy()
    out["total_charges"] = out["total_charges"].fillna(0.0)
    out["avg_monthly_spend"] = out["total_charges"] / out["tenure_months"].clip(lower=1)
    out["calls_per_year"] = 12 * out["support_calls"] / out["tenure_months"].clip(lower=1)
    contract = pd.get_dummies(out.pop("contract"), prefix="contract", dtype=int)
    return pd.concat([out, contract], axis=1)""",
    ),
    (
        "code",
        """\
def feature_columns(df, target):
    \"\"\"All columns except the identifier and the target.\"\"\"
    return [c for c in df.columns if c not in ("customer_id", target)]""",
    ),
    (
        "code",
        """\
features = add_features(df)
feature_cols = feature_columns(features, TARGET)
feature_cols""",
    ),
    ("md", "## Train"),
    (
        "code",
        """\
def split(df, target, test_size, seed):
    \"\"\"Stratified train/test split of the feature table.\"\"\"
    X = df[feature_columns(df, target)]
    y = df[target]
    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)""",
    ),
    (
        "code",
        """\
def train_model(X, y, n_estimators, max_depth, seed):
    model = RandomForestClassifier(
        n_estimators=n_estimators, max_depth=max_depth, random_state=seed
    )
    return model.fit(X, y)""",
    ),
    (
        "code",
        """\
X_train, X_test, y_train, y_test = split(features, TARGET, TEST_SIZE, RANDOM_STATE)
model = train_model(X_train, y_train, N_ESTIMATORS, MAX_DEPTH, RANDOM_STATE)
print(f"train: {len(X_train)} rows, test: {len(X_test)} rows")""",
    ),
    ("md", "## Evaluate"),
    (
        "code",
        """\
def evaluate(model, X, y):
    \"\"\"Accuracy and ROC AUC of `model` on (X, y).\"\"\"
    scores = model.predict_proba(X)[:, 1]
    return {
        "accuracy": accuracy_score(y, model.predict(X)),
        "roc_auc": roc_auc_score(y, scores),
    }""",
    ),
    (
        "code",
        """\
metrics = evaluate(model, X_test, y_test)
round(metrics["roc_auc"], 3)""",
    ),
    (
        "code",
        """\
print(classification_report(y_test, model.predict(X_test), digits=3))""",
    ),
    (
        "code",
        """\
def plot_roc(y_true, scores, auc):
    fpr, tpr, _ = roc_curve(y_true, scores)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(fpr, tpr, label=f"random forest (AUC = {auc:.3f})")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title("ROC curve, test set")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig""",
    ),
    (
        "code",
        """\
fig = plot_roc(y_test, model.predict_proba(X_test)[:, 1], metrics["roc_auc"])""",
    ),
    (
        "code",
        """\
def feature_importance(model, columns):
    return pd.Series(model.feature_importances_, index=columns).sort_values(ascending=False)""",
    ),
    (
        "code",
        """\
importance = feature_importance(model, X_train.columns)
importance.round(3).to_frame("importance")""",
    ),
]

# ---------------------------------------------------------------------------
# churn_messy.ipynb: the same analysis, written the way exploration really goes.
# ---------------------------------------------------------------------------

MESSY = [
    ("md", "# Churn exploration"),
    (
        "code",
        """\
%matplotlib inline
import pandas as pd
import numpy as np""",
    ),
    ("code", "!pip install -q scikit-learn"),
    (
        "code",
        """\
import os
path = "/home/alice/projects/churn/customers.csv"
if not os.path.exists(path):
    path = "customers.csv"
df = pd.read_csv(path)
print(df.shape)
df.head()""",
    ),
    (
        "code",
        """\
print(df.dtypes)
df.describe()""",
    ),
    (
        "code",
        """\
print(df.isnull().sum())
print(df.churned.value_counts())""",
    ),
    (
        "code",
        """\
def clean():
    return df.dropna()

df_clean = clean()
print(len(df), len(df_clean))""",
    ),
    ("md", "look at tenure for churned vs not"),
    (
        "code",
        """\
import matplotlib.pyplot as plt
plt.figure(figsize=(6, 4))
plt.hist(df_clean[df_clean.churned == 1].tenure_months, bins=20, alpha=0.5, label='churned')
plt.hist(df_clean[df_clean.churned == 0].tenure_months, bins=20, alpha=0.5, label='stayed')
plt.legend()
plt.xlabel('tenure (months)')
plt.show()""",
    ),
    (
        "code",
        """\
print(df_clean.groupby('contract').churned.mean())
df_clean.groupby('contract').monthly_charges.mean()""",
    ),
    (
        "code",
        """\
# features
df_clean['charge_per_month'] = df_clean.total_charges / df_clean.tenure_months
df_clean = pd.get_dummies(df_clean, columns=['contract'])
X = df_clean.drop(columns=['customer_id', 'churned'])
y = df_clean['churned']
print(X.shape)
print(y.mean())""",
    ),
    ("code", "%timeit df_clean['monthly_charges'].mean()"),
    (
        "code",
        """\
np.random.seed(42)
from sklearn.model_selection import train_test_split
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
print(len(X_train), len(X_test))""",
    ),
    ("md", "## model"),
    (
        "code",
        """\
%%time
from sklearn.ensemble import RandomForestClassifier
rf = RandomForestClassifier(n_estimators=200, max_depth=6, random_state=0)
rf.fit(X_train, y_train)
print('trained')""",
    ),
    (
        "code",
        """\
THRESHOLD = 0.4

def predict_label(p):
    return (p > THRESHOLD).astype(int)""",
    ),
    (
        "code",
        """\
from sklearn.metrics import accuracy_score, roc_auc_score, confusion_matrix
probs = rf.predict_proba(X_test)[:, 1]
preds = predict_label(probs)
print('acc', accuracy_score(y_test, preds))
print('auc', roc_auc_score(y_test, probs))
confusion_matrix(y_test, preds)""",
    ),
    (
        "code",
        """\
imp = pd.Series(rf.feature_importances_, index=X.columns).sort_values()
imp.plot.barh(figsize=(6, 4))
plt.title('feature importance')
plt.tight_layout()
plt.show()""",
    ),
    (
        "code",
        """\
# try logistic regression too
from sklearn.linear_model import LogisticRegression
lr = LogisticRegression(C=0.5, max_iter=5000)
lr.fit(X_train, y_train)
print('lr auc', roc_auc_score(y_test, lr.predict_proba(X_test)[:, 1]))""",
    ),
    (
        "code",
        """\
# customers most at risk
res = X_test.copy()
res['prob'] = probs
res['actual'] = y_test
#res.to_csv('/home/alice/projects/churn/at_risk.csv')
res.sort_values('prob', ascending=False).head(10)""",
    ),
    ("code", ""),
]

# Stored execution counts of the messy notebook's code cells, in cell order: the
# notebook is executed top to bottom, then stamped as if cells had been re-run out of
# order.  Every count is unique; the empty last cell was never run.
MESSY_COUNTS = [1, 2, 5, 3, 4, 7, 6, 8, 11, 9, 10, 13, 12, 15, 17, 16, 18, None]


def cell_id(name: str, index: int) -> str:
    return hashlib.sha1(f"{name}:{index}".encode()).hexdigest()[:8]


def build(name: str, spec: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
    }
    for i, (kind, source) in enumerate(spec):
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        cell.id = cell_id(name, i)
        nb.cells.append(cell)
    return nb


def execute(nb: nbformat.NotebookNode) -> None:
    # `!pip` runs through the shell: make sure it finds this interpreter's pip.
    env_bin = str(Path(sys.executable).parent)
    os.environ["PATH"] = env_bin + os.pathsep + os.environ.get("PATH", "")
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)


def scrub(nb: nbformat.NotebookNode) -> None:
    """Replace this machine's venv path in the outputs; fail on errors or other paths."""
    venv = str(Path(sys.prefix))
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                raise SystemExit(
                    f"error output in cell {cell.id}: {out.ename}: {out.evalue}"
                )
            if out.output_type == "stream":
                out.text = out.text.replace(venv, "/opt/venv")
                texts = [out.text]
            else:
                for mime, value in out.get("data", {}).items():
                    if isinstance(value, str) and not mime.startswith("image/"):
                        out.data[mime] = value.replace(venv, "/opt/venv")
                texts = [v for v in out.get("data", {}).values() if isinstance(v, str)]
            if any(str(HERE) in text for text in texts):
                raise SystemExit(f"output of cell {cell.id} contains {HERE}")


def renumber(nb: nbformat.NotebookNode, counts: list[int | None]) -> None:
    code = [c for c in nb.cells if c.cell_type == "code"]
    if len(code) != len(counts):
        raise SystemExit(f"{len(code)} code cells but {len(counts)} execution counts")
    for cell, count in zip(code, counts, strict=True):
        cell.execution_count = count
        for out in cell.outputs:
            if out.output_type == "execute_result":
                out.execution_count = count


def main() -> None:
    if not (HERE / "customers.csv").exists():
        raise SystemExit("customers.csv is missing: run examples/make_data.py first")
    for name, spec, counts in (
        ("churn_tidy", TIDY, None),
        ("churn_messy", MESSY, MESSY_COUNTS),
    ):
        nb = build(name, spec)
        execute(nb)
        scrub(nb)
        if counts is not None:
            renumber(nb, counts)
        nbformat.validate(nb)
        path = HERE / f"{name}.ipynb"
        nbformat.write(nb, path)
        print(f"wrote {path.name} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
