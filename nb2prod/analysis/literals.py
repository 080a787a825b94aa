"""Which literals are worth configuring: paths, URLs, keyword hyper-parameters.

String classifiers, and the literal values a setting can hold; the cell walker
decides where a literal sits.
"""

from __future__ import annotations

import ast
import re

_URL = re.compile(
    r"^(?:https?|ftp|s3|gs|gcs|hdfs|abfss?|wasbs?|az)://\S+$", re.IGNORECASE
)
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")
_USER_SPECIFIC = re.compile(
    r"^(?:~|/home/|/Users/|/root/|/mnt/c/Users/|/content/drive/|/kaggle/)|^[A-Za-z]:[\\/]Users[\\/]",
    re.IGNORECASE,
)
#: Extensions of the files notebooks read and write.
DATA_EXTENSIONS = frozenset(
    "csv tsv txt json jsonl xlsx xls parquet feather pkl pickle joblib h5 hdf5 hdf npy npz "
    "zip gz bz2 xz tar png jpg jpeg gif svg pdf sav dta sas7bdat sqlite db orc avro arrow "
    "pt pth onnx model bin yaml yml xml html md".split()
)
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,9})$")
_PATH_CHARS = re.compile(r"^[\w.\-~/\\:\s]+$")


def is_url(text: str) -> bool:
    """A URL (http, ftp, or object-store scheme) with nothing around it."""
    return _URL.match(text) is not None


def looks_like_path(text: str) -> bool:
    """A file-system path: absolute, relative with a separator, or a data file name."""
    if not text or len(text) > 260 or "\n" in text or is_url(text):
        return False
    if not _PATH_CHARS.match(text) or text.strip() != text:
        return False
    if text.startswith(("/", "~/", "./", "../")) or _WINDOWS_ABSOLUTE.match(text):
        return len(text) > 1
    extension = _EXTENSION.search(text)
    if extension and extension.group(1).lower() in DATA_EXTENSIONS:
        return " " not in text or "/" in text
    return (
        ("/" in text or "\\" in text) and " " not in text and not text.startswith("/")
    )


def is_absolute_or_user_path(text: str) -> bool:
    """A path that only exists on the author's machine: absolute or in a home folder."""
    return (
        text.startswith(("/", "~"))
        or _WINDOWS_ABSOLUTE.match(text) is not None
        or _USER_SPECIFIC.match(text) is not None
    )


#: What `literal_value` returns for an expression that is no such literal.
NOT_A_LITERAL = object()


def is_literal(node: ast.expr) -> bool:
    """Whether `ast.literal_eval` reads the expression (literal data, any size)."""
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def literal_value(node: ast.expr) -> object:
    """The value of a short literal number, string, bool or None (negative numbers
    too) that can stand as a setting's default, else NOT_A_LITERAL: no multi-line or
    long text, no NaN (its repr is not Python)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = literal_value(node.operand)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner
        return NOT_A_LITERAL
    if not isinstance(node, ast.Constant):
        return NOT_A_LITERAL
    value = node.value
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if value == value else NOT_A_LITERAL
    if isinstance(value, str) and "\n" not in value and len(value) <= 200:
        return value
    return NOT_A_LITERAL
