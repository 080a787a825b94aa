"""Facts and findings (NamedTuples, enums, tuples) as JSON-ready data."""

from __future__ import annotations

from enum import Enum
from typing import Any


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
