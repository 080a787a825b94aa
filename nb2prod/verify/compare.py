"""Compare two snapshots (see capture.py): equal, close within tolerance, different
with a short reason, or not comparable with the reason."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

Snapshot = dict[str, Any]


class Tolerance(NamedTuple):
    rtol: float = 1e-7
    atol: float = 0.0


class Verdict(NamedTuple):
    """`status` is equal | close | different | not comparable."""

    status: str
    detail: str = ""


EQUAL = Verdict("equal")


def compare(left: Snapshot, right: Snapshot, tolerance: Tolerance) -> Verdict:
    """The notebook's value (`left`) against the package's (`right`)."""
    if left.get("kind") == "missing" or right.get("kind") == "missing":
        side = "the notebook" if left.get("kind") == "missing" else "the package"
        return Verdict("not comparable", f"{side} has no such value")
    if left.get("kind") == "opaque" or right.get("kind") == "opaque":
        return _opaque(left, right)
    return _compare(left, right, tolerance, "")


def same_type(left: str | None, right: str | None) -> bool:
    """True for equal type names, and for a class the notebook defines (`__main__.Q`)
    against the class the package moved into one of its modules (`pkg.step.Q`)."""
    if left == right:
        return True
    if not left or not right:
        return False
    for notebook, package in ((left, right), (right, left)):
        if notebook.startswith("__main__."):
            qualname = notebook.removeprefix("__main__.")
            return package.endswith("." + qualname) and package != qualname
    return False


def _opaque(left: Snapshot, right: Snapshot) -> Verdict:
    if not same_type(left.get("type"), right.get("type")):
        return Verdict("different", f"type {left.get('type')} != {right.get('type')}")
    if left.get("fingerprint") and left.get("fingerprint") == right.get("fingerprint"):
        return EQUAL  # same type, same address-free repr
    reason = left.get("reason") or right.get("reason") or "its repr differs"
    return Verdict("not comparable", f"{left.get('type')}: {reason}")


def _compare(left: Snapshot, right: Snapshot, tolerance: Tolerance, at: str) -> Verdict:
    kinds = (left.get("kind"), right.get("kind"))
    if "volatile" in kinds:  # a timing or timestamp: it differs on every run
        return EQUAL
    if kinds[0] != kinds[1] and set(kinds) != {"int", "float"}:
        return Verdict("different", f"{at or 'value'}: {kinds[0]} != {kinds[1]}")
    kind = kinds[0]
    if set(kinds) <= {"int", "float"}:
        return _numbers(left["value"], right["value"], tolerance, at)
    if kind == "plain" or kind == "set":
        key = "value" if kind == "plain" else "items"
        same = left[key] == right[key]
        return (
            EQUAL
            if same
            else Verdict(
                "different",
                f"{at or 'value'}: {_short(left[key])} != {_short(right[key])}",
            )
        )
    if kind == "list":
        return _sequence(left["items"], right["items"], tolerance, at)
    if kind == "dict":
        keys = [k for k, _ in left["items"]], [k for k, _ in right["items"]]
        if sorted(keys[0]) != sorted(keys[1]):
            return Verdict("different", f"{at or 'dict'}: keys differ")
        others = dict(right["items"])
        return _worst(
            _compare(value, others[key], tolerance, f"{at}[{key}]")
            for key, value in left["items"]
        )
    if kind in ("array", "series", "frame"):
        for field in ("dtype", "shape", "columns", "dtypes", "name"):
            if left.get(field) != right.get(field):
                return Verdict(
                    "different",
                    f"{at or kind} {field}: {_short(left.get(field))} != {_short(right.get(field))}",
                )
        if "index" in left and left["index"] != right["index"]:
            index = _compare(left["index"], right["index"], tolerance, f"{at}.index")
            if index.status == "different":
                return index
        if "values" in left and "values" in right:
            return _compare(left["values"], right["values"], tolerance, at)
        if left.get("fingerprint") == right.get("fingerprint"):
            return EQUAL
        return _numbers(
            (left.get("sum") or {}).get("value", 0.0),
            (right.get("sum") or {}).get("value", 0.0),
            tolerance,
            f"{at} (sum of a large array)",
        )
    if kind == "estimator":
        if not same_type(left["type"], right["type"]):
            return Verdict(
                "different", f"{at or 'estimator'}: {left['type']} != {right['type']}"
            )
        params = _compare(
            {"kind": "dict", "items": list(left["params"].items())},
            {"kind": "dict", "items": list(right["params"].items())},
            tolerance,
            f"{at}.params",
        )
        fitted = _compare(
            {"kind": "dict", "items": list(left["fitted"].items())},
            {"kind": "dict", "items": list(right["fitted"].items())},
            tolerance,
            f"{at}.fitted",
        )
        return _worst([params, fitted])
    if kind == "opaque":
        return _opaque(left, right)
    return Verdict("not comparable", f"unknown snapshot kind {kind}")


def _numbers(left: Any, right: Any, tolerance: Tolerance, at: str) -> Verdict:
    if left == right:
        return EQUAL
    try:
        a, b = float(left), float(right)
    except (TypeError, ValueError):
        return Verdict("different", f"{at or 'value'}: {left} != {right}")
    if math.isclose(a, b, rel_tol=tolerance.rtol, abs_tol=tolerance.atol):
        return Verdict("close", f"{at or 'value'}: {a!r} ~ {b!r}")
    return Verdict("different", f"{at or 'value'}: {a!r} != {b!r}")


def _sequence(left: list, right: list, tolerance: Tolerance, at: str) -> Verdict:
    if len(left) != len(right):
        return Verdict(
            "different", f"{at or 'sequence'}: length {len(left)} != {len(right)}"
        )
    return _worst(
        _compare(a, b, tolerance, f"{at}[{number}]")
        for number, (a, b) in enumerate(zip(left, right, strict=True))
    )


_ORDER = {"equal": 0, "close": 1, "not comparable": 2, "different": 3}


def _worst(verdicts: Any) -> Verdict:
    worst = EQUAL
    for verdict in verdicts:
        if _ORDER[verdict.status] > _ORDER[worst.status]:
            worst = verdict
            if verdict.status == "different":
                break
    return worst


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
