"""Calls made for what they do, not for what they return.

A notebook cell that ends with `model.fit(X, y)`, `df.to_csv("out.csv")`,
`np.random.seed(0)` or `plt.plot(x, y)` shows the return value only because Jupyter
shows the last expression; the call is there for its effect. Such a line stays a
statement in the package instead of becoming a log record of `self`, `None` or a list
of artists.
"""

from __future__ import annotations

import ast

from nb2prod.analysis.plotting_calls import PLOTTING_CALLS

#: Methods and functions called for their effect: fitting, writing, seeding, plotting
#: (analysis/plotting_calls.py), changing a container in place. Their result (self,
#: None, artists) is not a value anyone reads.
# fmt: off
EFFECT_CALLS = frozenset(
    {
        # fitting (returns the estimator itself, or a transformed copy only previewed)
        "fit", "partial_fit", "fit_transform", "fit_generator", "train", "compile",
        "backward", "step", "zero_grad", "load_state_dict", "to", "eval",
        # writing
        "to_csv", "to_parquet", "to_excel", "to_json", "to_pickle", "to_feather",
        "to_sql", "to_hdf", "to_stata", "savefig", "save", "save_model",
        "save_weights", "dump", "write", "writelines", "write_text", "write_bytes",
        "mkdir", "makedirs", "remove", "unlink", "rmtree", "copy", "copyfile",
        "rename", "urlretrieve", "download",
        # seeding
        "seed", "manual_seed", "set_seed", "manual_seed_all",
        # changing a container in place
        "append", "extend", "insert", "update", "clear", "sort", "reverse", "add",
        "discard", "setdefault", "rename_axis", "sleep",
        # signing in and publishing (huggingface_hub, kaggle, wandb, mlflow)
        "login", "notebook_login", "logout", "push_to_hub", "upload", "upload_file",
        "upload_folder", "log_param", "log_params", "log_metric", "log_metrics",
        "log_artifact", "log_artifacts", "log_model", "log_figure", "log_dict",
        "log_text", "log_image", "set_tracking_uri", "set_experiment", "autolog",
        "end_run", "watch", "finish",
    }
) | PLOTTING_CALLS
# fmt: on
#: Name prefixes of calls made for their effect (`save_checkpoint`, `plot_history`).
EFFECT_PREFIXES = ("save_", "plot_", "show_", "upload_", "download_", "push_")


def displays_a_value(expression: ast.expr) -> bool:
    """Whether the value of a cell's last expression is worth logging: not a call of
    EFFECT_CALLS, nor any call with `inplace=True` (planning decides; rendering logs
    what the plan lists)."""
    if not isinstance(expression, ast.Call):
        return True
    if any(
        keyword.arg == "inplace"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is True
        for keyword in expression.keywords
    ):
        return False
    func = expression.func
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id if isinstance(func, ast.Name) else None
    )
    return name not in EFFECT_CALLS and not (name or "").startswith(EFFECT_PREFIXES)
