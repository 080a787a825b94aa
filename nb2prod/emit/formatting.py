"""Formatting of the generated Python files with ruff's formatter, each checked to
compile.

ruff format writes black's style (the same text on all but a few constructs, where
it splits a tuple on the right of `=` instead of hugging a call, as black's preview
style does) about ten times faster: black took 0.4 s of a 1 s conversion of a
58-cell notebook. No copy of the user's code is written anywhere (ruff reads its
standard input), and no configuration file of the user's is read (`--isolated`), so
the same plan always gives the same text.

ruff is a native program, and starting it costs more than formatting a module: the
18 modules of that notebook took 50 ms in 18 processes, most of it starting them. So
the modules go to one process, as the cells of a notebook. ruff formats a cell as the
module it would be in a file but for a few things, and a module whose cell may show
one of them is formatted again as a file, in a process of its own:
- a file's docstring is normalised (spaces, quotes, indentation) and followed by
  exactly one blank line: a cell has no module docstring;
- a trailing `;` is dropped from a file (a notebook keeps it: it hides the output);
- a file of blank lines keeps a newline;
- a cell with a line IPython would read (`%%bash`, `!ls`, even inside a string) is
  left as it is.
The convert report checks every generated file with `ruff format --check` as a file,
so another difference would show there. `%%writefile` scripts (`data/`) are each
formatted as a file, when they are Python.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys

from nb2prod.errors import Nb2ProdError

#: The generated package's style: black's line length, code valid on Python 3.9+.
RUFF_FORMAT = (
    "format",
    "--isolated",
    "--line-length",
    "88",
    "--target-version",
    "py39",
)

#: A line ending in `;` (before a comment): a notebook cell keeps its last one.
_SEMICOLON = re.compile(r";[ \t]*(?:#[^\n]*)?$", re.MULTILINE)
#: Text starting with a string (after comments): maybe a module docstring.
_COMMENTS = r"(?:[ \t]*(?:#[^\n]*)?\n)*"
_LEADING_STRING = re.compile(_COMMENTS + r"[rRuUbBfF]{0,2}['\"]")
_STRING = (
    r"[rRuU]?(?:"
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\[\s\S])*"'
    r"|'(?:[^'\\\n]|\\[\s\S])*'"
    r")"
)
#: A docstring as a file has it: alone, or followed by one blank line and more.
_SPACED_DOCSTRING = re.compile(
    _COMMENTS + "(?P<docstring>" + _STRING + r")[ \t]*(?:#[^\n]*)?\n(?:\Z|\n(?=[^\n]))"
)
#: A line IPython would read as its own syntax (`%%bash`, `!ls`, even inside a
#: string): ruff leaves a cell holding one as it is.
_IPYTHON_LINE = re.compile(r"^[ \t]*[%!]", re.MULTILINE)
#: Code starting with a parenthesis (`("""doc""")`): a file may lose it.
_PARENTHESISED = re.compile(_COMMENTS + r"[ \t]*\(")


class GeneratedCodeError(Exception):
    """Code nb2prod generated does not compile: a bug in nb2prod, not in the notebook."""


class FormatterMissingError(Nb2ProdError):
    """ruff (a dependency of nb2prod) cannot be found or run: the installation is
    broken, which the CLI reports in one line (exit 2)."""


def format_files(files: dict[str, str]) -> dict[str, str]:
    """Every Python file of `files` formatted and compiled, in the same order; other
    files as they are. A `%%writefile` script (under `data/`) is formatted when it is
    Python, else kept as written."""
    return start_formatting(files).result()


def format_file(path: str, text: str) -> str:
    """One file through `format_files`."""
    return format_files({path: text})[path]


def start_formatting(files: dict[str, str]) -> PendingFormat:
    """`format_files` with its ruff processes started: this process is free for other
    work (convert's self-check) until it asks for the `result()`."""
    return PendingFormat(files)


class PendingFormat:
    """Files being formatted by ruff processes: `result()` once they are done, or
    `close()` to stop them."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files
        python = [path for path in files if path.endswith(".py")]
        self._modules = [path for path in python if not path.startswith("data/")]
        self._ruff = ruff_program() if python else ""
        self._batch: subprocess.Popen[bytes] | None = None
        self._single: dict[str, subprocess.Popen[bytes]] = {}
        self._done: dict[str, str] | None = None
        self._failed: GeneratedCodeError | None = None
        try:
            if self._modules:
                notebook = _as_notebook(files, self._modules)
                self._batch = _start(self._ruff, "modules.ipynb", notebook)
            for path in python:
                if path.startswith("data/"):
                    self._single[path] = _start(self._ruff, path, files[path])
        except BaseException:
            self.close()
            raise

    def result(self) -> dict[str, str]:
        """The files of `format_files`; GeneratedCodeError names a Python file that
        does not compile."""
        if self._done is None:
            if self._failed is not None:
                raise self._failed
            try:
                self._done = self._formatted()
            except GeneratedCodeError as error:
                self._failed = error  # asked again, the same answer
                raise
            finally:
                self.close()
        return self._done

    def close(self) -> None:
        """Stop the processes still running and wait for them."""
        running = [*([self._batch] if self._batch else []), *self._single.values()]
        self._batch, self._single = None, {}
        for process in running:
            if process.poll() is None:
                process.kill()
            _finish(process)

    def _formatted(self) -> dict[str, str]:
        formatted = dict(self._files)
        if self._batch is not None:
            output, _ = _finish(self._batch)
            self._batch = None
            cells = _cells(output, len(self._modules))
            if cells is None:  # a module ruff cannot parse: each alone, to name it
                again = self._modules
            else:
                again = []
                for path, cell in zip(self._modules, cells, strict=True):
                    text = cell + "\n" if cell else ""
                    if _formats_otherwise_as_a_file(self._files[path], text):
                        again.append(path)
                    else:
                        formatted[path] = text
            for path in again:
                self._single[path] = _start(self._ruff, path, self._files[path])
        refused: list[str] = []
        while self._single:  # every process is waited for
            path, process = self._single.popitem()
            output, message = _finish(process)
            if output is not None:
                formatted[path] = output
            elif not path.startswith("data/"):  # a data script may be any language
                refused.append(f"{path}: {message}")
        if refused:
            raise GeneratedCodeError(sorted(refused)[0])
        for path in self._modules:
            _compile(path, formatted[path])
        return formatted


def _as_notebook(files: dict[str, str], paths: list[str]) -> str:
    """A notebook with one code cell per module, in order."""
    cells: list[dict[str, object]] = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"m{number}",
            "metadata": {},
            "outputs": [],
            "source": files[path],
        }
        for number, path in enumerate(paths)
    ]
    notebook = {
        "cells": cells,
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook)


def _cells(output: str | None, count: int) -> list[str] | None:
    """The sources of the formatted notebook's cells (None: ruff refused it)."""
    if output is None:
        return None
    try:
        cells = json.loads(output)["cells"]
    except (ValueError, KeyError, TypeError):
        return None
    sources = [cell.get("source", "") for cell in cells]
    sources = [s if isinstance(s, str) else "".join(s) for s in sources]
    return sources if len(sources) == count else None


def _formats_otherwise_as_a_file(original: str, text: str) -> bool:
    """Whether the module's text as a cell (`text`) may differ from the module
    formatted as a file (see the module docstring)."""
    if not text:
        return original != ""
    if _SEMICOLON.search(text) or _IPYTHON_LINE.search(original):
        return True
    if _PARENTHESISED.match(text):
        return True
    if not _LEADING_STRING.match(text):
        return False
    # a file's docstring is followed by one blank line, then what comes next, and is
    # normalised (a leading string that is no docstring, `"a" + b`, goes as a file)
    spaced = _SPACED_DOCSTRING.match(text)
    return spaced is None or not _normalised(spaced.group("docstring"))


def _normalised(docstring: str) -> bool:
    """Whether a module docstring is as ruff writes it in a file: triple double
    quotes, text right after the opening ones, no space or tab ending a line or the
    text, no blank line before the closing quotes, no indentation common to all its
    lines after the first."""
    if len(docstring) < 6 or not (
        docstring.startswith('"""') and docstring.endswith('"""')
    ):
        return False
    body = docstring[3:-3]
    if not body or body[0].isspace() or body.endswith(('"', "\\")) or "\t" in body:
        return False
    lines = body.split("\n")
    if lines[-1] == "" and len(lines) > 1:  # closing quotes on their own line
        lines = lines[:-1]
        if not lines[-1].strip():
            return False
    rest = [line for line in lines[1:] if line.strip()]
    if rest and all(line[:1].isspace() for line in rest):  # ruff removes that indent
        return False
    return all(line == line.rstrip() for line in lines) and bool(lines[-1].strip())


def _start(ruff: str, path: str, text: str) -> subprocess.Popen[bytes]:
    """A ruff process formatting `text` as the file `path`, its input written: ruff
    reads all of its input before it writes, so no process waits on another."""
    try:
        process = subprocess.Popen(
            [ruff, *RUFF_FORMAT, "--stdin-filename", path, "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as error:
        raise FormatterMissingError(ruff, f"cannot run ruff: {error}") from error
    stdin, process.stdin = process.stdin, None  # written here, not by communicate()
    assert stdin is not None
    try:
        stdin.write(text.encode("utf-8"))
    except BrokenPipeError:  # ruff ended early: its exit status and message say why
        pass
    finally:
        with contextlib.suppress(BrokenPipeError):
            stdin.close()
    return process


def _finish(process: subprocess.Popen[bytes]) -> tuple[str | None, str]:
    """The formatted text (None when ruff refused it) and ruff's message."""
    output, errors = process.communicate()  # its input was written, or it ended
    message = errors.decode("utf-8", "replace")
    if process.returncode != 0:
        return None, _first_error(message)
    return output.decode("utf-8"), ""


def _compile(path: str, text: str) -> None:
    """GeneratedCodeError when `text` is not Python that CPython compiles (ruff's
    parser accepts some code CPython refuses: `return` outside a function)."""
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as problem:
        raise GeneratedCodeError(f"{path}: {problem}") from problem


def _first_error(message: str) -> str:
    """ruff's reason, without its `error: ` lead."""
    lines = [line for line in message.splitlines() if line.strip()]
    return lines[0].removeprefix("error: ") if lines else "ruff could not format it"


def ruff_program() -> str:
    """The ruff program installed with nb2prod (beside this interpreter), else the
    one on PATH."""
    name = "ruff.exe" if os.name == "nt" else "ruff"
    beside = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.isfile(beside):
        return beside
    try:
        from ruff.__main__ import find_ruff_bin

        return os.fsdecode(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("ruff")
    if found is None:
        raise FormatterMissingError(
            "ruff", "not installed, and nb2prod formats with it: reinstall nb2prod"
        )
    return found
