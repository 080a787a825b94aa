"""User-facing failures: one class per kind of bad input.

The core raises these; only the CLI catches them, prints `error_line()` and exits 2.
Anything else escaping the core is a bug in nb2prod, not a problem with the input.
"""

from __future__ import annotations


class Nb2ProdError(Exception):
    """A failure caused by the user's input or environment, explained in one line."""

    def __init__(
        self,
        path: str,
        message: str,
        *,
        cell: int | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.cell = cell
        self.line = line
        self.column = column
        self.hint = hint

    def where(self) -> str:
        """Name the place: `path`, then `cell N, line L, column C` when known (1-based)."""
        parts = []
        if self.cell is not None:
            parts.append(f"cell {self.cell + 1}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column + 1}")
        return f"{self.path}: {', '.join(parts)}" if parts else self.path

    def error_line(self) -> str:
        """The one line the CLI prints on stderr."""
        return f"error: {self.where()}: {self.message}"


class NotebookReadError(Nb2ProdError):
    """The file cannot be read as a Jupyter notebook (missing, not JSON, wrong shape)."""


class UnsupportedFormatError(Nb2ProdError):
    """The file is a notebook in an nbformat version nb2prod does not read."""


class UnsupportedKernelError(Nb2ProdError):
    """The notebook's kernel is not Python (R, Julia, ...)."""


class CellSyntaxError(Nb2ProdError):
    """A code cell is not Python even after its IPython syntax is translated."""


class ConfigError(Nb2ProdError):
    """`[tool.nb2prod]` in pyproject.toml (or a command-line option) is not valid."""


class UnknownRuleError(Nb2ProdError):
    """A rule code or prefix that matches no rule."""


class OutputExistsError(Nb2ProdError):
    """The output folder holds files `convert` would replace, and `--force` was not given."""


class ConversionError(Nb2ProdError):
    """A notebook that cannot be converted, for a stated reason."""


class OutputWriteError(Nb2ProdError):
    """The output folder cannot be written (permissions, read-only or full disk)."""


class PackageNameError(Nb2ProdError):
    """`--name` (or the name taken from the file name) cannot name a package."""
