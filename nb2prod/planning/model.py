"""Which notebook variable holds the trained model, what it was trained on, and which
variables hold the metrics the notebook computed: what the package saves after a run.

A model is an object built from an estimator class (scikit-learn, xgboost, lightgbm,
catboost, imbalanced-learn, keras, or a notebook class with a `fit` method) and then
fitted at notebook level: `clf.fit(X, y)`, `clf = Estimator(...).fit(X, y)`, or
`clf = train(...)` with a notebook function that fits an estimator and returns a
value. A PyTorch network (a `torch.nn` class, or a notebook class built on one) is a
model once an optimizer takes its parameters. Preprocessing objects (scalers, encoders, imputers...) are not models. When
several objects qualify, the one fitted last is the final model. Nothing qualifies:
no model is saved, and the package is as before.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import NamedTuple, TypedDict

from nb2prod.analysis.facts import CellFacts, ImportFact, NotebookFacts
from nb2prod.analysis.names import dotted
from nb2prod.errors import ConversionError
from nb2prod.planning.model_inputs import last_predictions, trace_inputs
from nb2prod.planning.plan import ModelPlan, Step
from nb2prod.planning.statements import (
    END,
    Statements,
    end_of_cell,
    notebook_level,
    target_names,
)
from nb2prod.reading.parsing import ParsedCell

#: Top-level import names of libraries whose fitted objects are models.
MODEL_LIBRARIES = {
    "sklearn": "sklearn",
    "xgboost": "xgboost",
    "lightgbm": "lightgbm",
    "catboost": "catboost",
    "imblearn": "sklearn",
    "keras": "keras",
    "tensorflow": "keras",
}
#: Functions that train and return a library's native model (a Booster), by library.
NATIVE_TRAINING = {"xgboost.train": "xgboost", "lightgbm.train": "lightgbm"}
#: Modules of those libraries whose classes transform data rather than predict.
NOT_MODELS = re.compile(
    r"^sklearn\.(preprocessing|impute|feature_extraction|feature_selection|"
    r"decomposition|manifold|random_projection|kernel_approximation|compose)\b"
)
#: Names of variables that hold a metric the notebook computed by hand.
METRIC_VARIABLE = re.compile(
    r"(^|_)(acc|accuracy|auc|roc_auc|f1|precision|recall|rmse|mse|mae|r2)(_|$)",
    re.IGNORECASE,
)
#: sklearn.metrics functions used to explore features, not to score a model.
NOT_METRICS = frozenset({"mutual_info_score"})
#: Calls whose result is a metric worth keeping beside the model.
_METRIC_NAME = re.compile(r"(_score|_error|_loss|_deviance)$")
_FIT = frozenset({"fit"})
#: Functions that build an estimator (classes are recognised by their capital).
_FACTORIES = frozenset({"make_pipeline"})


class _Fitted(NamedTuple):
    name: str
    cell: int
    estimator: str
    library: str
    module: str
    training_data: str | None
    data_source: str | None = None  # `dtrain` of `xgb.train(params, dtrain)`


class _Known(NamedTuple):
    """What the notebook defines that tells a model: its imports, its classes with a
    `fit` method, its functions that fit and return one, and its scoring functions."""

    imports: dict[str, str]
    classes: frozenset[str]
    trainers: dict[str, tuple[str, str, str]]
    scorers: set[str]
    networks: frozenset[str] = frozenset()  # notebook classes built on torch.nn
    # training function -> where its returned tuple holds the model it fitted
    returned_models: dict[str, int] = {}  # noqa: RUF012 (read only)


def find_model(
    cells: dict[int, ParsedCell],
    facts: NotebookFacts,
    chosen: str | None = None,
    path: str = "",
) -> ModelPlan | None:
    """The final model of the notebook, or None when it trains none; `chosen` (the
    `--model` option) names the variable to save among the models it trains."""
    imports = imported_paths(facts)
    fitted, metrics = _trained(cells, facts)
    if not fitted and chosen is None:
        return None
    statements = Statements(cells)
    final, reason = _deployed(fitted, cells, chosen, path, imports, statements)
    computed = tuple(m for m in metrics if m != final.name)
    preprocessing = _preprocessing(cells, imports, final, statements)
    return ModelPlan(
        name=final.name,
        cell=final.cell,
        estimator=final.estimator,
        library=final.library,
        module=final.module,
        training_data=final.training_data,
        metrics=tuple(m for m in computed if _computed_on(m, final.name, statements)),
        run_metrics=computed,
        reason=reason,
        preprocessing=preprocessing,
        **_model_inputs(cells, final, preprocessing, statements),
    )


def trained_models(cells: dict[int, ParsedCell], facts: NotebookFacts) -> set[str]:
    """The variables that hold a model the notebook trains (at some point)."""
    return {model.name for model in _trained(cells, facts)[0]}


def _trained(
    cells: dict[int, ParsedCell], facts: NotebookFacts
) -> tuple[list[_Fitted], dict[str, None]]:
    """The models the notebook fits, in order, and the variables holding metrics."""
    imports = imported_paths(facts)
    classes = _estimator_classes(cells)
    trainers, returned_models = _training_functions(cells, imports, classes)
    known = _Known(
        imports,
        classes,
        trainers,
        _scoring_functions(cells, imports),
        _network_classes(cells, imports),
        returned_models,
    )
    built: dict[str, tuple[str, str, str]] = {}  # variable -> (estimator, library)
    networks: dict[str, str] = {}  # variable -> the torch network class it holds
    fitted: list[_Fitted] = []
    metrics: dict[str, None] = {}
    for index in sorted(cells):
        tree = cells[index].tree
        for node in notebook_level(tree.body if tree is not None else []):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                fitted += _assignment(node, index, known, built)
            if isinstance(node, ast.Assign) and _metric_value(node.value, known):
                metrics.update(dict.fromkeys(target_names(node.targets[0])))
            elif isinstance(node, ast.Assign) and _computed(node.value):
                # `accuracy = (pred == y_test).mean()`: a metric by its name
                metrics.update(
                    (name, None)
                    for name in target_names(node.targets[0])
                    if METRIC_VARIABLE.search(name)
                )
            call = _call_of(node)
            if call is not None:
                fitted += _fit_call(call, index, built)
            fitted += _torch_training(node, index, known, networks)
    return fitted, metrics


#: Libraries whose models take rows through `predict` as scikit-learn's do: they can
#: stand at the end of an sklearn Pipeline.
_SKLEARN_API = frozenset({"sklearn", "xgboost", "lightgbm", "catboost", "notebook"})


def _computed_on(metric: str, model: str, statements: Statements) -> bool:
    """Whether the metric's final value was computed from the model's final value
    (names used again for other models or predictions are told apart)."""
    sources = statements.sources(metric, END)
    binding = statements.last_binding(model, END)
    if binding is None:  # bound where the notebook's statements do not say
        return any(name == model for name, _ in sources)
    return (model, binding[0]) in sources


class _ModelInputs(TypedDict, total=False):
    """The ModelPlan fields `_model_inputs` fills (none for other libraries)."""

    input_steps: tuple[str, ...]
    raw_rows: str | None
    predictions: tuple[str, str] | None


def _model_inputs(
    cells: dict[int, ParsedCell],
    model: _Fitted,
    preprocessing: tuple[str, ...],
    statements: Statements,
) -> _ModelInputs:
    """The ModelPlan fields on the model's inputs: the transformers to save it behind
    (a Pipeline predicting from the rows the notebook started from), the variable
    holding those rows at the end of the run, and the notebook's last predictions
    with the rows they came from (a generated test compares them with the saved
    model's)."""
    if model.library not in _SKLEARN_API or model.estimator == "Booster":
        return {}
    transformers = set(preprocessing)
    training = None
    if model.training_data is not None:
        training = trace_inputs(
            ast.Name(model.training_data),
            end_of_cell(model.cell),
            statements,
            transformers,
        )
    steps = training.steps if training is not None else ()
    raw_rows = None
    if (
        training is not None
        and steps
        and not statements.bound_from(training.rows, training.read_at)
    ):
        raw_rows = training.rows
    predicted = last_predictions(cells, model.name, statements, transformers)
    checked = predicted is not None and predicted.chain.steps == steps
    return {
        "input_steps": steps,
        "raw_rows": raw_rows,
        "predictions": (
            (predicted.name, predicted.chain.rows) if checked and predicted else None
        ),
    }


def _preprocessing(
    cells: dict[int, ParsedCell],
    imports: dict[str, str],
    model: _Fitted,
    statements: Statements,
) -> tuple[str, ...]:
    """The fitted transformers (scalers, encoders, vectorizers) the model's training
    data went through: variables built from a preprocessing class, fitted at notebook
    level, that the training data was computed from. Saved beside the model, as
    predicting needs them too."""
    data = model.training_data or model.data_source
    if data is None:
        return ()
    upstream = {name for name, _ in statements.sources(data, end_of_cell(model.cell))}
    built: dict[str, None] = {}
    fitted: dict[str, None] = {}
    for index in sorted(cells):
        tree = cells[index].tree
        for node in notebook_level(tree.body if tree is not None else []):
            for inner in ast.walk(node):
                if not isinstance(inner, ast.Call):
                    continue
                func = inner.func
                receiver = func.value if isinstance(func, ast.Attribute) else None
                if (
                    _method(inner) in ("fit", "fit_transform")
                    and isinstance(receiver, ast.Name)
                    and receiver.id in built
                ):
                    fitted[receiver.id] = None
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                call = node.value
                chained = _method(call) == "fit" and isinstance(call.func.value, ast.Call)  # type: ignore[attr-defined]
                constructor = call.func.value.func if chained else call.func  # type: ignore[attr-defined]
                path = resolved_path(constructor, imports) or ""
                if NOT_MODELS.match(path) and path.rsplit(".", 1)[-1][:1].isupper():
                    for name in target_names(node.targets[0]):
                        built[name] = None
                        if chained:
                            fitted[name] = None
    return tuple(name for name in fitted if name in upstream and name != model.name)


#: Methods that use a trained model on data.
_PREDICTING = frozenset(
    {"predict", "predict_proba", "predict_log_proba", "decision_function", "score"}
)


def _deployed(
    fitted: list[_Fitted],
    cells: dict[int, ParsedCell],
    chosen: str | None,
    path: str,
    imports: dict[str, str],
    statements: Statements,
) -> tuple[_Fitted, str]:
    """The model to save and why: `chosen`; else the model the notebook saves to a
    file itself (when that variable still holds it at the end); else the model it
    predicts with or evaluates last (a search's `best_estimator_` counts as the
    search's model); else the one fitted last. A search fitted in a loop and thrown
    away is not the model when another one makes the predictions."""
    candidates = {model.name: model for model in fitted}
    used: dict[str, tuple[int, int]] = {}
    saved: dict[str, tuple[int, int]] = {}
    for index in sorted(cells):
        tree = cells[index].tree
        for node in notebook_level(tree.body if tree is not None else []):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "best_estimator_"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id in candidates
            ):
                search = candidates[node.value.value.id]
                name = node.targets[0].id
                candidates[name] = search._replace(
                    name=name,
                    cell=index,
                    estimator=f"{search.estimator}.best_estimator_",
                )
            for inner in ast.walk(node):
                user = _predicting_with(inner) or _evaluated(inner)
                if user is not None and user in candidates:
                    assert isinstance(inner, ast.expr)  # a call or an attribute
                    used[user] = (index, inner.lineno)
                for kept in saved_to_file(inner, imports):
                    if kept in candidates:
                        assert isinstance(inner, ast.expr)  # a call
                        saved[kept] = (index, inner.lineno)
    # a use or file of a name bound again afterwards was of another value than the
    # one the package saves
    saved, used = (
        {
            name: place
            for name, place in places.items()
            if not statements.bound_from(name, (place[0], place[1] + 1))
        }
        for places in (saved, used)
    )
    others = ", ".join(sorted(candidates)) or "none"
    if chosen is not None:
        if chosen not in candidates:
            raise ConversionError(
                path,
                f"--model {chosen}: no trained model of that name; the notebook's "
                f"models: {others}",
            )
        return candidates[chosen], "chosen with --model"
    if saved:
        name = max(saved, key=saved.__getitem__)
        why = f"the notebook saves it to a file (cell {saved[name][0] + 1})"
    elif used:
        name = max(used, key=used.__getitem__)
        cell = used[name][0] + 1
        why = f"the notebook predicts with it last (cell {cell})"
    else:
        name = fitted[-1].name
        why = f"fitted last (cell {fitted[-1].cell + 1})"
    if len(candidates) > 1:
        why += f"; models trained: {others} (choose another with --model)"
    return candidates[name], why


#: Functions that evaluate the estimator given as their first argument.
_EVALUATING = frozenset({"cross_val_score", "cross_validate", "cross_val_predict"})
#: Functions that write their first argument to a file, by module.
_DUMPING = re.compile(r"^(pickle|joblib|dill|cloudpickle|torch)\.(dump|save)$")
#: Methods by which a model writes itself to a file.
_SAVING = frozenset({"save", "save_model", "save_weights"})
#: The text of any call `saved_to_file` recognises: code without one saves no model.
SAVE_CALL = re.compile(rf"\b(?:{'|'.join(sorted(_SAVING | {'dump'}))})\s*\(")


def _evaluated(node: ast.AST) -> str | None:
    """`search` in `search.best_estimator_` (read, not bound), and `model` in
    `cross_val_score(model, X, y)`: the notebook evaluates that model."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "best_estimator_"
        and isinstance(node.ctx, ast.Load)
        and isinstance(node.value, ast.Name)
    ):
        return node.value.id
    if (
        isinstance(node, ast.Call)
        and (dotted(node.func) or "").rsplit(".", 1)[-1] in _EVALUATING
        and node.args
        and isinstance(node.args[0], ast.Name)
    ):
        return node.args[0].id
    return None


def saved_to_file(node: ast.AST, imports: dict[str, str]) -> list[str]:
    """Variables a call writes to a file: `pickle.dump((dv, model), f)`,
    `joblib.dump(model, path)`, `torch.save(net.state_dict(), path)`, `model.save(path)`.
    """
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in _SAVING
        and isinstance(func.value, ast.Name)
        and func.value.id not in imports  # `torch.save`, `np.save` are functions
    ):
        return [func.value.id]
    if not (_DUMPING.match(resolved_path(func, imports) or "") and node.args):
        return []
    written = node.args[0]
    if _method_call(written) == "state_dict":
        written = written.func.value  # type: ignore[attr-defined]
    elements = written.elts if isinstance(written, (ast.Tuple, ast.List)) else [written]
    return [element.id for element in elements if isinstance(element, ast.Name)]


def _predicting_with(node: ast.AST) -> str | None:
    """`model` in `model.predict(X)` and in `model.fit(X, y).predict(X_test)`."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _PREDICTING
    ):
        return None
    receiver = node.func.value
    while _method_call(receiver) in _FIT:
        receiver = receiver.func.value  # type: ignore[attr-defined]
    return receiver.id if isinstance(receiver, ast.Name) else None


def _method_call(node: ast.expr) -> str | None:
    return _method(node) if isinstance(node, ast.Call) else None


def _assignment(
    node: ast.Assign, cell: int, known: _Known, built: dict[str, tuple[str, str, str]]
) -> list[_Fitted]:
    """`name = Estimator(...)` records an estimator in `built`; `name =
    Estimator(...).fit(...)` and `name = train(...)` are fitted models."""
    target, call = node.targets[0], node.value
    assert isinstance(call, ast.Call)
    if len(node.targets) == 1 and isinstance(target, ast.Tuple):
        return _unpacked_model(target, call, cell, known)  # `dv, model = train(...)`
    if len(node.targets) != 1 or not isinstance(target, ast.Name):
        return []
    estimator = _estimator(call.func, known.imports, known.classes)
    if estimator is not None:
        built[target.id] = estimator
    if _method(call) in _FIT and isinstance(call.func.value, ast.Call):  # type: ignore[attr-defined]
        estimator = _estimator(call.func.value.func, known.imports, known.classes)  # type: ignore[attr-defined]
        if estimator is not None:
            return [_Fitted(target.id, cell, *estimator, _first_name(call))]
    booster = NATIVE_TRAINING.get(resolved_path(call.func, known.imports) or "")
    if booster is not None:  # `xgb.train(params, dtrain)`: a native booster
        dataset = call.args[1] if len(call.args) > 1 else None
        for keyword in call.keywords:
            if keyword.arg in ("dtrain", "train_set"):
                dataset = keyword.value
        source = dataset.id if isinstance(dataset, ast.Name) else None
        return [_Fitted(target.id, cell, "Booster", booster, booster, None, source)]
    if isinstance(call.func, ast.Name) and call.func.id in known.trainers:
        trained = known.trainers[call.func.id]
        return [_Fitted(target.id, cell, *trained, _first_name(call))]
    return []


def _torch_training(
    node: ast.stmt, cell: int, known: _Known, networks: dict[str, str]
) -> list[_Fitted]:
    """A PyTorch network is trained where an optimizer takes its parameters:
    `net = Net()` records it in `networks`; `torch.optim.SGD(net.parameters(), ...)`
    makes it the model (its training loop follows)."""
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
        built = node.value
        while _method(built) in _MOVES and isinstance(built.func.value, ast.Call):  # type: ignore[attr-defined]
            built = built.func.value  # type: ignore[attr-defined]  # `Net().to(device)`
        network = _torch_network(built.func, known)
        for target in node.targets:
            if network is not None and isinstance(target, ast.Name):
                networks[target.id] = network
    trained = []
    for inner in ast.walk(node):
        if not isinstance(inner, ast.Call):
            continue
        path = resolved_path(inner.func, known.imports) or ""
        argument = _parameters_argument(inner)
        if argument is None:
            continue
        if (
            path.startswith("torch.optim.")
            and isinstance(argument, ast.Call)
            and isinstance(argument.func, ast.Attribute)
            and argument.func.attr == "parameters"
            and isinstance(argument.func.value, ast.Name)
            and argument.func.value.id in networks
        ):
            name = argument.func.value.id
            trained.append(_Fitted(name, cell, networks[name], "torch", "torch", None))
    return trained


#: Methods that return the network itself, moved or cast (`net.to(device)`).
_MOVES = frozenset({"to", "cuda", "cpu", "double", "float", "half", "train"})


def _parameters_argument(call: ast.Call) -> ast.expr | None:
    """What an optimizer is given to train: its first argument or `params=`."""
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "params"), None)


def _torch_network(func: ast.expr, known: _Known) -> str | None:
    """The class name when `func` builds a torch network: a `torch.nn` class, or a
    notebook class built on one."""
    if isinstance(func, ast.Name) and func.id in known.networks:
        return func.id
    path = resolved_path(func, known.imports) or ""
    name = path.rsplit(".", 1)[-1]
    return name if path.startswith("torch.nn.") and name[:1].isupper() else None


def _unpacked_model(
    target: ast.Tuple, call: ast.Call, cell: int, known: _Known
) -> list[_Fitted]:
    """The model among the values a notebook training function returns as a tuple:
    the element at the place its `return` puts the estimator it fitted."""
    if not isinstance(call.func, ast.Name):
        return []
    position = known.returned_models.get(call.func.id)
    if position is None or position >= len(target.elts):
        return []
    element = target.elts[position]
    if not isinstance(element, ast.Name):
        return []
    trained = known.trainers[call.func.id]
    return [_Fitted(element.id, cell, *trained, _first_name(call))]


def _fit_call(
    call: ast.Call, cell: int, built: dict[str, tuple[str, str, str]]
) -> list[_Fitted]:
    """`name.fit(...)` on an estimator the notebook built."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if _method(call) not in _FIT or not isinstance(receiver, ast.Name):
        return []
    if receiver.id not in built:
        return []
    return [_Fitted(receiver.id, cell, *built[receiver.id], _first_name(call))]


def persisted_names(model: ModelPlan | None) -> tuple[str, ...]:
    """The variables `run()` must hand back for the model to be saved."""
    if model is None:
        return ()
    extra = tuple(
        name for name in (model.training_data, model.raw_rows) if name is not None
    )
    saved = (*model.preprocessing, *model.run_metrics, *model.metrics)
    return tuple(
        dict.fromkeys((model.name, *extra, *saved, *(model.predictions or ())))
    )


def return_persisted(
    steps: list[Step], facts: NotebookFacts, names: tuple[str, ...]
) -> list[Step]:
    """Each persisted name is returned by the last step that binds or changes it."""
    bound = {cell.index: {*cell.defines, *cell.mutates} for cell in facts.cells}
    result = list(steps)
    for name in names:
        for number in range(len(result) - 1, -1, -1):
            step = result[number]
            if any(name in bound.get(cell, ()) for cell in step.cells):
                if name not in step.returns:
                    result[number] = step._replace(returns=(*step.returns, name))
                break
    return result


def imported_paths(facts: NotebookFacts) -> dict[str, str]:
    """Notebook name -> the dotted path it was imported as (imports inside functions
    count too, for the calls in those functions; notebook-level ones win)."""
    return imported_paths_of(facts.cells)


def imported_paths_of(cells: Iterable[CellFacts]) -> dict[str, str]:
    """`imported_paths` of these cells."""
    cells = tuple(cells)
    found: dict[str, str] = {}
    for cell in cells:
        for fact in cell.imports:
            if fact.bound and fact.in_function is not None:
                found.setdefault(fact.bound, _dotted_import(fact))
    for cell in cells:
        for fact in cell.imports:
            if fact.bound and fact.in_function is None:
                found[fact.bound] = _dotted_import(fact)
    return found


def _dotted_import(fact: ImportFact) -> str:
    if fact.name is None:
        # `import a.b` binds `a`; `import a.b as c` binds c to a.b
        return fact.module if fact.alias else fact.module.split(".")[0]
    return f"{fact.module}.{fact.name}"


def resolved_path(func: ast.expr, imports: dict[str, str]) -> str | None:
    """`xgb.XGBClassifier` -> `xgboost.XGBClassifier`, through the notebook's imports."""
    written = dotted(func)
    if written is None:
        return None
    root, _, rest = written.partition(".")
    if root not in imports:
        return None
    return f"{imports[root]}.{rest}" if rest else imports[root]


def _estimator(
    func: ast.expr, imports: dict[str, str], classes: frozenset[str] = frozenset()
) -> tuple[str, str, str] | None:
    """(class name, library, top-level module) when `func` is an estimator class of a
    model library, or a notebook class with a `fit` method (library "notebook", saved
    like scikit-learn's)."""
    if isinstance(func, ast.Name) and func.id in classes:
        return func.id, "notebook", ""
    path = resolved_path(func, imports)
    if path is None:
        return None
    library = MODEL_LIBRARIES.get(path.split(".")[0])
    name = path.rsplit(".", 1)[-1]
    if library is None or NOT_MODELS.match(path):
        return None
    if not name[:1].isupper() and name not in _FACTORIES:
        return None
    return name, library, path.split(".")[0]


def _call_of(node: ast.stmt) -> ast.Call | None:
    value = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
    return value if isinstance(value, ast.Call) else None


def _method(call: ast.Call) -> str | None:
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _first_name(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Name):
        return call.args[0].id
    return None


def _network_classes(
    cells: dict[int, ParsedCell], imports: dict[str, str]
) -> frozenset[str]:
    """Notebook classes built on a torch.nn class (`class Net(nn.Module)`), and on those."""
    found: set[str] = set()
    for index in sorted(cells):
        tree = cells[index].tree
        for node in tree.body if tree is not None else []:
            if isinstance(node, ast.ClassDef) and any(
                (isinstance(base, ast.Name) and base.id in found)
                or (resolved_path(base, imports) or "").startswith("torch.nn.")
                for base in node.bases
            ):
                found.add(node.name)
    return frozenset(found)


def _estimator_classes(cells: dict[int, ParsedCell]) -> frozenset[str]:
    """Notebook classes with a `fit` method."""
    return frozenset(
        node.name
        for index in sorted(cells)
        if (tree := cells[index].tree) is not None
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(item, ast.FunctionDef) and item.name == "fit"
            for item in node.body
        )
    )


def _training_functions(
    cells: dict[int, ParsedCell], imports: dict[str, str], classes: frozenset[str]
) -> tuple[dict[str, tuple[str, str, str]], dict[str, int]]:
    """Notebook functions that build an estimator, fit it and return a value; and,
    for those returning a tuple, the place of the estimator in it."""
    found: dict[str, tuple[str, str, str]] = {}
    places: dict[str, int] = {}
    for index in sorted(cells):
        tree = cells[index].tree
        for node in tree.body if tree is not None else []:
            if not isinstance(node, ast.FunctionDef):
                continue
            returns = any(
                isinstance(inner, ast.Return) and inner.value is not None
                for inner in ast.walk(node)
            )
            estimators = [
                _estimator(inner.func, imports, classes)
                for inner in ast.walk(node)
                if isinstance(inner, ast.Call)
            ]
            built = [b for b in estimators if b is not None]
            fits = any(
                isinstance(inner, ast.Call) and _method(inner) in _FIT
                for inner in ast.walk(node)
            )
            if returns and fits and built:
                found[node.name] = built[-1]
                place = _returned_estimator(node, imports, classes)
                if place is not None:
                    places[node.name] = place
    return found, places


def _returned_estimator(
    function: ast.FunctionDef, imports: dict[str, str], classes: frozenset[str]
) -> int | None:
    """Where the function's returned tuple holds a variable it built an estimator in
    (`model = LogisticRegression(...)` ... `return dv, model` -> 1)."""
    estimators = {
        target.id
        for inner in ast.walk(function)
        if isinstance(inner, ast.Assign) and isinstance(inner.value, ast.Call)
        for target in inner.targets
        if isinstance(target, ast.Name)
        and (
            _estimator(inner.value.func, imports, classes) is not None
            or (
                _method(inner.value) in _FIT
                and isinstance(inner.value.func.value, ast.Call)  # type: ignore[attr-defined]
                and _estimator(inner.value.func.value.func, imports, classes)  # type: ignore[attr-defined]
                is not None
            )
        )
    }
    for inner in ast.walk(function):
        if isinstance(inner, ast.Return) and isinstance(inner.value, ast.Tuple):
            for place, element in enumerate(inner.value.elts):
                if isinstance(element, ast.Name) and element.id in estimators:
                    return place
    return None


def _scoring_functions(
    cells: dict[int, ParsedCell], imports: dict[str, str]
) -> set[str]:
    """Notebook functions that compute a metric (their results are metrics)."""
    found = set()
    for index in sorted(cells):
        tree = cells[index].tree
        for node in tree.body if tree is not None else []:
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(inner, ast.Call) and _is_metric(inner.func, imports, set())
                for inner in ast.walk(node)
            ):
                found.add(node.name)
    return found


def is_metric_call(func: ast.expr, imports: dict[str, str]) -> bool:
    """A call of a scikit-learn metric, `.score(...)` or `.evaluate(...)`."""
    return _is_metric(func, imports, set())


def _computed(value: ast.expr) -> bool:
    """An expression computing a value (not a literal, a name or a container)."""
    return isinstance(value, (ast.BinOp, ast.Call, ast.Subscript, ast.Attribute))


def _metric_value(value: ast.expr, known: _Known) -> bool:
    """A metric call, the mean of one (`cross_val_score(...).mean()`), or a search's
    `best_score_`."""
    if isinstance(value, ast.Attribute) and value.attr == "best_score_":
        return True
    if not isinstance(value, ast.Call):
        return False
    if _method(value) == "mean" and isinstance(value.func.value, ast.Call):  # type: ignore[attr-defined]
        value = value.func.value  # type: ignore[attr-defined]
    return _is_metric(value.func, known.imports, known.scorers)


def _is_metric(func: ast.expr, imports: dict[str, str], scorers: set[str]) -> bool:
    if isinstance(func, ast.Name) and func.id in scorers:
        return True
    if isinstance(func, ast.Attribute) and func.attr in ("score", "evaluate"):
        return True
    path = resolved_path(func, imports) or ""
    name = path.rsplit(".", 1)[-1]
    if name in NOT_METRICS:
        return False
    return bool(
        (path.startswith("sklearn.metrics") and _METRIC_NAME.search(name))
        or path == "sklearn.model_selection.cross_val_score"
    )
