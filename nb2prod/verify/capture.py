"""Snapshots of Python values that can be compared across processes.

This file runs inside the notebook's kernel and inside the package's process, so it
imports nothing from nb2prod and nothing outside the standard library: numpy, pandas
and scikit-learn objects are recognised by their attributes. A snapshot is JSON:
numbers, strings and containers as they are (large ones fingerprinted), arrays and
frames with dtype, shape and values, estimators with their parameters and fitted
attributes, anything else by a fingerprint of its address-free repr.
"""

import hashlib
import json
import math
import re

_MAX_ITEMS = 10_000
_MAX_DEPTH = 6
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
#: Names of values that differ on every run: timings (a grid search's
#: `mean_fit_time`, `refit_time_`), timestamps. Recorded, never compared.
_VOLATILE = re.compile(
    r"(^|_)(fit|score|refit|predict|train|training|elapsed|wall|cpu|run|exec)"
    r"_?times?(_|$)|timestamp|(^|_)duration(_|$)",
    re.IGNORECASE,
)


def _volatile(name):
    return bool(_VOLATILE.search(str(name)))


def _torch_tensor(value):
    """A torch tensor as a numpy array (on the CPU, without its gradient)."""
    return value.detach().cpu().numpy()


def _digest(data):
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    return hashlib.sha256(data).hexdigest()[:16]


def _float(value):
    value = float(value)
    if math.isnan(value):
        return {"kind": "float", "value": "nan"}
    if math.isinf(value):
        return {"kind": "float", "value": "inf" if value > 0 else "-inf"}
    return {"kind": "float", "value": value}


def _type_name(value):
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _array(value, depth):
    shape = list(getattr(value, "shape", ()))
    dtype = str(getattr(value, "dtype", ""))
    size = int(getattr(value, "size", 0))
    snapshot: dict[str, object] = {"kind": "array", "dtype": dtype, "shape": shape}
    if size <= _MAX_ITEMS and dtype != "object":
        snapshot["values"] = snapshot_of(value.tolist(), depth + 1)
    elif size <= _MAX_ITEMS:
        snapshot["values"] = snapshot_of(list(value.ravel()), depth + 1)
    else:
        snapshot["fingerprint"] = (
            _digest(value.tobytes()) if dtype != "object" else None
        )
        snapshot["sum"] = _float(value.sum()) if dtype[:1] in "fiu" else None
    return snapshot


def _frame(value, depth):
    snapshot = {
        "kind": "frame",
        "shape": list(value.shape),
        "columns": [str(c) for c in value.columns],
        "dtypes": [str(d) for d in value.dtypes],
        "index": snapshot_of(list(value.index)[:_MAX_ITEMS], depth + 1),
    }
    snapshot["values"] = snapshot_of(value.to_numpy(), depth + 1)
    return snapshot


def _series(value, depth):
    return {
        "kind": "series",
        "name": str(value.name),
        "dtype": str(value.dtype),
        "index": snapshot_of(list(value.index)[:_MAX_ITEMS], depth + 1),
        "values": snapshot_of(value.to_numpy(), depth + 1),
    }


def _estimator(value, depth):
    params = {}
    for name, param in sorted(value.get_params(deep=False).items()):
        params[name] = snapshot_of(param, depth + 1)
    fitted = {}
    for name in sorted(vars(value)):
        if name.endswith("_") and not name.startswith("_"):
            fitted[name] = (
                {"kind": "volatile"}
                if _volatile(name)
                else snapshot_of(getattr(value, name), depth + 1)
            )
    return {
        "kind": "estimator",
        "type": _type_name(value),
        "params": params,
        "fitted": fitted,
    }


def _torch_class(kind):
    """True for a torch class and for a notebook's class built on one (`nn.Module`)."""
    return any((base.__module__ or "").startswith("torch") for base in kind.__mro__)


def _torch_module(value, depth):
    """A torch module (a network, an optimizer) by its type and its state: the weights
    of a network (`state_dict`)."""
    try:
        state = value.state_dict()
    except Exception as error:  # an object whose state cannot be read
        return {"kind": "opaque", "type": _type_name(value), "reason": str(error)[:200]}
    return {
        "kind": "estimator",
        "type": _type_name(value),
        "params": {},
        "fitted": {str(k): snapshot_of(v, depth + 1) for k, v in state.items()},
    }


def snapshot_of(value, depth=0):
    """A JSON-able description of `value` that `compare` understands."""
    if depth > _MAX_DEPTH:
        return {
            "kind": "opaque",
            "type": _type_name(value),
            "reason": "nested too deeply",
        }
    if value is None or isinstance(value, (bool, str)):
        return {"kind": "plain", "value": value}
    if isinstance(value, int):
        return {"kind": "int", "value": value if abs(value) < 2**53 else str(value)}
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, complex):
        return {"kind": "list", "items": [_float(value.real), _float(value.imag)]}
    module = type(value).__module__ or ""
    if module.startswith("torch") and hasattr(value, "detach"):
        return snapshot_of(_torch_tensor(value), depth)
    if hasattr(value, "state_dict") and _torch_class(type(value)):
        return _torch_module(value, depth)
    if (
        module.startswith("numpy")
        and hasattr(value, "item")
        and getattr(value, "shape", None) == ()
    ):
        return snapshot_of(value.item(), depth)
    if (
        hasattr(value, "to_numpy")
        and hasattr(value, "columns")
        and hasattr(value, "dtypes")
    ):
        return _frame(value, depth)
    if (
        hasattr(value, "to_numpy")
        and hasattr(value, "index")
        and hasattr(value, "dtype")
    ):
        return _series(value, depth)
    if hasattr(value, "tolist") and hasattr(value, "shape") and hasattr(value, "dtype"):
        return _array(value, depth)
    if hasattr(value, "get_params") and hasattr(value, "fit"):
        return _estimator(value, depth)
    if isinstance(value, (list, tuple)):
        items = list(value)
        if len(items) > _MAX_ITEMS:
            return {
                "kind": "opaque",
                "type": _type_name(value),
                "fingerprint": _digest(repr(items)),
            }
        return {
            "kind": "list",
            "items": [snapshot_of(item, depth + 1) for item in items],
        }
    if isinstance(value, (set, frozenset)):
        return {"kind": "set", "items": sorted(repr(item) for item in value)}
    if isinstance(value, dict):
        return {
            "kind": "dict",
            "items": [
                [
                    repr(key),
                    (
                        {"kind": "volatile"}
                        if _volatile(key)
                        else snapshot_of(item, depth + 1)
                    ),
                ]
                for key, item in value.items()
            ],
        }
    if isinstance(value, (bytes, bytearray)):
        return {"kind": "plain", "value": _digest(bytes(value))}
    if callable(value) or type(value).__name__ == "module":
        return {
            "kind": "opaque",
            "type": _type_name(value),
            "reason": "a function or module",
        }
    text = _ADDRESS.sub("", repr(value))
    return {"kind": "opaque", "type": _type_name(value), "fingerprint": _digest(text)}


def snapshot_names(names, namespace):
    """Snapshots of `names` looked up in `namespace`; a missing name is recorded as such."""
    found = {}
    for name in names:
        if name not in namespace:
            found[name] = {"kind": "missing"}
            continue
        try:
            found[name] = snapshot_of(namespace[name])
        except Exception as error:  # a value that cannot describe itself
            found[name] = {
                "kind": "opaque",
                "type": type(error).__name__,
                "reason": str(error)[:200],
            }
    return found


def seed_everything(seed=0, frameworks=()):
    """The same seed for the global generators on both sides of a comparison: Python's
    and numpy's always, those of `frameworks` (torch, tensorflow) the notebook imports.
    """
    import os
    import random

    os.environ.setdefault("PYTHONHASHSEED", str(seed))
    random.seed(seed)
    try:
        import numpy

        numpy.random.seed(seed)
    except ImportError:
        pass
    if "torch" in frameworks:
        try:
            import torch

            torch.manual_seed(seed)
        except ImportError:
            pass
    if "tensorflow" in frameworks:
        try:
            import tensorflow

            tensorflow.random.set_seed(seed)
        except ImportError:
            pass


def dump(path, document):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle)
