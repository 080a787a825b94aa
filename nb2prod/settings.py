"""Settings: frozen option objects, and `[tool.nb2prod]` from the nearest pyproject.toml.

Like black's `Mode`: built once by the CLI, passed down, derived with
`dataclasses.replace`, never mutated.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from nb2prod.errors import ConfigError

if TYPE_CHECKING:
    from nb2prod.planning.plan import ConvertOptions


@dataclass(frozen=True)
class LintSettings:
    """Which rules run, where, and their thresholds."""

    select: tuple[str, ...] = ()  # codes or prefixes; empty means the default rules
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    max_cells: int = 50
    max_cell_lines: int = 30
    max_output_kb: int = 500
    min_markdown_ratio: float = 0.3
    root: str = field(default=".", compare=False)  # folder of the pyproject.toml read

    def fingerprint(self) -> str:
        """What findings depend on, for the cache key."""
        values = [(f.name, getattr(self, f.name)) for f in fields(self) if f.compare]
        return repr(values)


@dataclass(frozen=True)
class ConvertSettings:
    """`[tool.nb2prod.convert]`: which folder each notebook's package lives in."""

    packages: tuple[
        tuple[str, str], ...
    ] = ()  # (notebook path, package folder), from root
    root: str = field(default=".", compare=False)

    def folder_for(self, notebook: str) -> str | None:
        """The configured package folder of `notebook` (a path as given), or None."""
        wanted = Path(notebook).resolve()
        for path, folder in self.packages:
            if (Path(self.root) / path).resolve() == wanted:
                return os.path.relpath(Path(self.root) / folder)
        return None


def load_convert_settings(start: Path) -> ConvertSettings:
    """`[tool.nb2prod.convert]` from the nearest pyproject.toml with [tool.nb2prod]."""
    path = find_pyproject(start)
    if path is None:
        return ConvertSettings(root=os.fspath(Path.cwd()))
    table = _read_toml(path).get("tool", {}).get("nb2prod", {}).get("convert", {})
    packages = table.get("packages", {})
    if not isinstance(packages, dict) or not all(
        isinstance(v, str) for v in packages.values()
    ):
        raise ConfigError(
            os.fspath(path),
            "[tool.nb2prod.convert] packages must map notebooks to folders",
        )
    return ConvertSettings(tuple(sorted(packages.items())), root=os.fspath(path.parent))


_LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
_INT_KEYS = ("max-cells", "max-cell-lines", "max-output-kb")


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.nb2prod] table, from `start` upwards."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder.resolve(), *folder.resolve().parents]:
        path = candidate / "pyproject.toml"
        if _mentions_nb2prod(path) and set(
            _read_toml(path).get("tool", {}).get("nb2prod", {})
        ) - {
            "generated"  # a package nb2prod wrote records how; that sets nothing
        }:
            return path
    return None


def _mentions_nb2prod(path: Path) -> bool:
    """Whether `path` is a file that may hold a `[tool.nb2prod]` table: most projects'
    pyproject.toml has none, and then it is not parsed (importing the TOML parser and
    reading the file cost about 8 ms of every pre-commit run)."""
    try:
        return b"nb2prod" in path.read_bytes()
    except OSError:  # missing, a folder, unreadable: nothing to read settings from
        return False


def recorded_options(folder: Path) -> ConvertOptions | None:
    """The convert options a package folder records in `[tool.nb2prod.generated]` of
    its pyproject.toml, with the environment it was made in; None for a folder without
    that record."""
    from nb2prod.planning.plan import ConvertOptions, RecordedEnvironment

    path = folder / "pyproject.toml"
    if not path.is_file():
        return None
    table = _read_toml(path).get("tool", {}).get("nb2prod", {}).get("generated")
    if not isinstance(table, dict):
        return None
    model = table.get("model")
    python = table.get("python")
    requirements = table.get("requirements", {})
    stars = table.get("star-imports", {})
    recorded = (
        RecordedEnvironment(
            python,
            tuple(
                (key, line)
                for key, line in requirements.items()
                if isinstance(line, str)
            ),
            tuple(
                (module, tuple(names))
                for module, names in stars.items()
                if isinstance(names, list)
                and all(isinstance(name, str) for name in names)
            ),
        )
        if isinstance(python, str)
        and isinstance(requirements, dict)
        and isinstance(stars, dict)
        else None
    )
    return ConvertOptions(
        serve=table.get("serve") is True,
        schedule=table.get("schedule") is True,
        model=model if isinstance(model, str) else None,
        skip_unused_searches=table.get("skip-unused-searches") is True,
        recorded=recorded,
    )


def load_lint_settings(start: Path, config: Path | None = None) -> LintSettings:
    """Settings from `config`, or from the nearest pyproject.toml with [tool.nb2prod]."""
    path = config or find_pyproject(start)
    if path is None:
        return LintSettings(root=os.fspath(Path.cwd()))
    tool = _read_toml(path).get("tool", {}).get("nb2prod", {})
    table = {
        **{k: v for k, v in tool.items() if not isinstance(v, dict)},
        **tool.get("lint", {}),
    }
    return _from_table(table, path)


def _from_table(table: Mapping[str, Any], path: Path) -> LintSettings:
    values: dict[str, Any] = {"root": os.fspath(path.parent)}
    for key, value in table.items():
        if key in _LIST_KEYS:
            values[key.replace("-", "_")] = tuple(_strings(value, key, path))
        elif key in _INT_KEYS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(
                    os.fspath(path), f"[tool.nb2prod] {key} must be a positive integer"
                )
            values[key.replace("-", "_")] = value
        elif key == "min-markdown-ratio":
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ConfigError(
                    os.fspath(path), f"[tool.nb2prod] {key} must be between 0 and 1"
                )
            values["min_markdown_ratio"] = float(value)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(
                    os.fspath(path), "[tool.nb2prod] per-file-ignores must be a table"
                )
            values["per_file_ignores"] = tuple(
                (pattern, tuple(_strings(codes, key, path)))
                for pattern, codes in value.items()
            )
        elif key not in ("line-length", "convert"):
            raise ConfigError(os.fspath(path), f"[tool.nb2prod] unknown option `{key}`")
    return replace(LintSettings(), **values)


def _strings(value: Any, key: str, path: Path) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ConfigError(
        os.fspath(path), f"[tool.nb2prod] {key} must be a list of strings"
    )


def toml_parser() -> ModuleType:
    """tomllib, or tomli before Python 3.11; imported on first need, as most lint runs
    find no pyproject.toml to read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def _read_toml(path: Path) -> dict[str, Any]:
    tomllib = toml_parser()
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(os.fspath(path), f"invalid TOML ({error})") from None
    except OSError as error:
        raise ConfigError(os.fspath(path), f"cannot read ({error.strerror})") from None
