"""Shell commands that install packages: in `!cmd`, `%pip`, `%%bash` and subprocess (NB306)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nb2prod.reading.magics import IPythonSyntax, SyntaxKind

_INSTALLERS = frozenset(
    "pip pip2 pip3 conda mamba micromamba uv apt apt-get yum dnf brew apk".split()
)
_MAGIC_INSTALLERS = frozenset({"pip", "conda", "mamba", "micromamba", "uv"})
SHELL_CALLS = frozenset(
    "os.system subprocess.run subprocess.call subprocess.check_call "
    "subprocess.check_output subprocess.Popen pip.main".split()
)
SHELL_METHODS = frozenset(name.rpartition(".")[2] for name in SHELL_CALLS)
_SEPARATORS = re.compile(r"&&|\|\||[;|\n]")


def shell_lines(fact: IPythonSyntax) -> Iterator[tuple[int, str]]:
    """(line, shell text) of each line of a fact that runs a command."""
    if fact.kind in (SyntaxKind.SHELL, SyntaxKind.SHELL_CAPTURE):
        yield fact.span.line, f"{fact.name} {fact.args}"
    elif fact.kind in (SyntaxKind.LINE_MAGIC, SyntaxKind.AUTOMAGIC):
        if fact.name in _MAGIC_INSTALLERS:
            yield fact.span.line, f"{fact.name} {fact.args}"
    elif fact.kind is SyntaxKind.CELL_MAGIC and fact.body_language == "shell":
        for offset, text in enumerate(fact.text.splitlines()[1:], start=1):
            yield fact.span.line + offset, text


def install_command(text: str) -> str | None:
    """The first `pip install ...`-like command in a shell line, else None."""
    for piece in _SEPARATORS.split(text):
        words = piece.split()
        while words and (words[0] == "sudo" or "=" in words[0]):
            words = words[1:]
        if "-m" in words[:3] and words.index("-m") + 1 < len(words):
            words = words[words.index("-m") + 1 :]  # python -m pip install
        if not words or words[0].rsplit("/", 1)[-1] not in _INSTALLERS:
            continue
        verbs = words[1:3] if words[0] == "uv" else words[1:]
        if "install" in verbs or (words[0] == "uv" and "add" in verbs):
            return " ".join(words)[:60]
    return None


def command_text(call: ast.Call) -> str:
    """The string literals of a `subprocess`/`os.system`/`pip.main` call, as one line."""
    words = [
        item.value
        for argument in call.args
        for item in ast.walk(argument)
        if isinstance(item, ast.Constant) and isinstance(item.value, str)
    ]
    text = " ".join(words)
    return f"pip {text}" if getattr(call.func, "attr", None) == "main" else text
