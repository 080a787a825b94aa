"""Facts, findings and plans (NamedTuples, enums, tuples) as JSON-ready data, and back."""

from __future__ import annotations

from enum import Enum
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints


def plain(value: Any) -> Any:
    """NamedTuples become dicts, tuples lists, enums their values; recursively."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def from_plain(kind: Any, data: Any, names: dict[str, Any] | None = None) -> Any:
    """The inverse of `plain` for NamedTuples annotated with tuples, unions, literals
    and scalars: `data` (as `json.loads` gives it) rebuilt as `kind`. `names` resolves
    annotations a module imports only for type checking. Raises ValueError naming the
    field that does not fit."""
    return _rebuild(kind, data, names or {}, "$")


def _rebuild(kind: Any, data: Any, names: dict[str, Any], where: str) -> Any:
    origin, args = get_origin(kind), get_args(kind)
    if kind is Any:
        return data
    if kind is type(None):
        if data is not None:
            raise ValueError(f"{where}: expected null")
        return None
    if origin in (Union, UnionType):
        if data is None and type(None) in args:
            return None
        for option in (a for a in args if a is not type(None)):
            try:
                return _rebuild(option, data, names, where)
            except ValueError:
                continue
        raise ValueError(f"{where}: {data!r} fits none of {kind}")
    if origin is Literal:
        if data not in args:
            raise ValueError(f"{where}: {data!r} is not one of {args}")
        return data
    if origin is tuple:
        if not isinstance(data, list):
            raise ValueError(f"{where}: expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(
                _rebuild(args[0], item, names, f"{where}[{i}]")
                for i, item in enumerate(data)
            )
        if len(args) != len(data):
            raise ValueError(f"{where}: expected {len(args)} items")
        return tuple(
            _rebuild(arg, item, names, f"{where}[{i}]")
            for i, (arg, item) in enumerate(zip(args, data, strict=True))
        )
    if isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected an object for {kind.__name__}")
        hints = get_type_hints(kind, localns=names)
        unknown = set(data) - set(kind._fields)
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        values = {
            field: _rebuild(hints[field], value, names, f"{where}.{field}")
            for field, value in data.items()
        }
        defaults = getattr(kind, "_field_defaults", {})
        missing = [
            name for name in kind._fields if name not in values and name not in defaults
        ]
        if missing:
            raise ValueError(f"{where}: missing fields {missing}")
        return kind(**values)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    if kind is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if isinstance(kind, type) and (
        not isinstance(data, kind) or (kind is int and isinstance(data, bool))
    ):
        raise ValueError(f"{where}: expected {kind.__name__}, got {data!r}")
    return data
