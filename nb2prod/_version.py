"""The single place the version lives (read by setuptools and the CLI)."""

__version__ = "0.1.0"
