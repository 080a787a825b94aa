"""What happens to each piece of IPython syntax in `convert` (SPEC property 5): dropped,
unwrapped, a requirement, a data file, translated, or a TODO comment that is reported.
Never lost silently."""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import NamedTuple

from nb2prod.analysis.secrets import Redactor, text_secrets, value_secret
from nb2prod.output.paths import is_contained
from nb2prod.planning.plan import Decision, DecisionAction
from nb2prod.reading.magics import IPythonSyntax, SyntaxKind

#: UI-only magics: they change how the notebook looks, not what it computes.
DROPPED_MAGICS = frozenset(
    "matplotlib config load_ext reload_ext unload_ext autoreload aimport precision xmode colors "
    "who whos who_ls history hist lsmagic magic pinfo pinfo2 psearch pdoc pdef psource pfile "
    "autosave autocall automagic autoawait doctest_mode page pprint notebook qtconsole "
    "connect_info tensorflow_version tensorboard quickref gui ls ll lf lk lx ldir pwd dhist "
    "dirs bookmark alias unalias rehashx load_ext timeit time prun memit lprun mprun "
    "snakeviz".split()
)
INSTALLERS = frozenset({"pip", "pip3", "conda", "mamba", "micromamba", "uv"})
HIDDEN_STATE = frozenset(
    {"store", "run", "load", "reset", "reset_selective", "xdel", "recall"}
)


redact_text = Redactor()


class Handling(NamedTuple):
    """A decision plus what replaces the syntax in the package's code."""

    decision: Decision
    requirements: tuple[str, ...] = ()  # pip specifiers from an install line
    code: str | None = None  # Python that replaces the syntax (None: a comment)
    needs: tuple[str, ...] = ()  # what `code` reads: see `Decision.needs`


def decide(cell: int, fact: IPythonSyntax) -> Handling:
    """The handling of one piece of IPython syntax."""
    # the text as the user wrote it reaches plans, warnings and TODO comments: never
    # with a secret in it (issue 12)
    first = redact_text(fact.text.splitlines()[0].strip()) if fact.text else ""

    def decision(action: DecisionAction, detail: str = "") -> Decision:
        return Decision(cell, fact.span.line, first, action, detail)

    kind, name = fact.kind, fact.name
    if kind is SyntaxKind.CELL_MAGIC:
        if name in ("writefile", "file"):
            path = data_file_path(fact.args)
            if path is None:
                return Handling(
                    decision(
                        "todo",
                        "writes outside the package folder (an absolute path, `..` or "
                        "a computed name); not written",
                    )
                )
            return Handling(decision("data_file", path))
        if name == "timeit":
            return Handling(
                decision("dropped", "a benchmark; its body does not change state")
            )
        if name == "capture" and fact.target:
            code = f"with captured_output() as {fact.target}:"
            return Handling(
                decision("translated", code), code=code, needs=("captured_output",)
            )
        if fact.body_language == "python":
            return Handling(decision("unwrapped"))
        return Handling(decision("todo", f"a `%%{name}` cell is not Python"))
    if kind in (SyntaxKind.HELP,):
        return Handling(decision("dropped", "help"))
    if kind is SyntaxKind.AUTOCALL:
        return Handling(decision("kept_as_python"))
    if kind is SyntaxKind.INPUT_CLEANUP:
        return Handling(
            decision(
                "unwrapped", "IPython's clean-up: a common indent or prompts removed"
            )
        )
    if kind is SyntaxKind.TOP_LEVEL_AWAIT:  # emit/awaits.py: an async body, asyncio.run
        return Handling(
            decision("translated", "the step runs it in an event loop (asyncio.run)")
        )
    command = name if kind in (SyntaxKind.SHELL, SyntaxKind.SHELL_CAPTURE) else None
    if command is not None:
        return _shell(fact, decision)
    if fact.keeps_python:
        return Handling(decision("unwrapped"))
    if name in INSTALLERS and fact.args.split()[:1] == ["install"]:
        return _install(fact.args, decision)
    if name in ("env", "set_env") and ("=" in fact.args or name == "set_env"):
        return _environment(fact, decision)
    if name in DROPPED_MAGICS and not fact.target:  # `y = %who_ls`: y is read later
        return Handling(decision("dropped", "notebook-only"))
    if name in HIDDEN_STATE:
        return Handling(
            decision("todo", f"`%{name}` brings in state from outside the notebook")
        )
    if name == "cd":
        return Handling(
            decision("todo", "changes the working directory; run from there")
        )
    return Handling(decision("todo", f"no Python equivalent for `%{name}`"))


def data_file_path(args: str) -> str | None:
    """Where a `%%writefile [-a] PATH` cell's file goes inside the package's `data/`, or
    None when the path would leave it (absolute, `..`, `~`, `$var`/`{expr}`)."""
    words = args.split()
    if not words:
        return "file.txt"
    raw = words[-1].strip("'\"")
    if raw.startswith(("/", "~")) or "$" in raw or "{" in raw:
        return None
    path = posixpath.normpath(raw)
    return path if is_contained(path) else None


def _shell(fact: IPythonSyntax, decision) -> Handling:
    words = fact.args.split()
    if fact.name in INSTALLERS and words[:1] == ["install"]:
        return _install(fact.args, decision)
    if fact.name.startswith("python") and words[:3] == ["-m", "pip", "install"]:
        return _install(" ".join(words[2:]), decision)
    detail = "a shell command; run it outside Python or use subprocess"
    if text_secrets(fact.text):
        detail += "; its credential is redacted here: pass it from the environment"
    return Handling(decision("todo", detail))


def _install(args: str, decision) -> Handling:
    """An install line becomes requirements; one naming a credential (a private index
    URL with a token) stays a TODO, since requirements.txt would publish it."""
    if text_secrets(args):
        return Handling(
            decision(
                "todo",
                "installs with a credential in the command; add the requirement "
                "without it and pass the credential at install time",
            )
        )
    specs = install_specifiers(args)
    return Handling(decision("requirement", " ".join(specs)), requirements=tuple(specs))


def _environment(fact: IPythonSyntax, decision) -> Handling:
    assignment = env_assignment(fact)
    if assignment is None:
        return Handling(decision("todo", "could not read the variable"))
    key, value = assignment
    if is_env_secret(key, value):
        # the package never sets a secret: it reads it, and says which one is missing
        detail = f"secret({key!r}): read from the environment variable {key}"
        code = f"secret({key!r})  # nb2prod: `%{fact.name} {key}` held a secret"
        return Handling(decision("translated", detail), code=code, needs=("secret",))
    code = f"os.environ[{key!r}] = {value!r}"
    return Handling(decision("translated", code), code=code, needs=("os",))


def env_assignment(fact: IPythonSyntax) -> tuple[str, str] | None:
    """(NAME, VALUE) of `%env NAME=VALUE` or `%set_env NAME VALUE`; None otherwise."""
    if fact.name not in ("env", "set_env"):
        return None
    match = re.match(r"\s*([A-Za-z_]\w*)\s*[= ]\s*(.*)$", fact.args)
    if match is None:
        return None
    return match.group(1), match.group(2).strip()


def is_env_secret(key: str, value: str) -> bool:
    """A `%env` value that is a credential: the package reads it instead of setting it."""
    return bool(text_secrets(f"{key}={value}")) or value_secret(key, value) is not None


#: A requirement as pip reads it: a name with extras, versions and a marker (PEP 508),
#: or a URL, VCS link or archive.
_SPECIFIER = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\[[A-Za-z0-9._,\s-]*\])?"
    r"(?:\s*(?:===|==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9.*+!_-]+"
    r"(?:\s*,\s*(?:===|==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9.*+!_-]+)*)?"
    r"(?:\s*;\s*[A-Za-z_][\w.]*\s*(?:[<>=!~]=?|===|\s(?:not\s+)?in\s)\s*\S.*)?"
    r"|(?:git\+|hg\+|svn\+|bzr\+)?https?://\S+|\S+\.(?:whl|tar\.gz|zip)"
)
#: Shell syntax that ends the install command (`&& pip install b`, `> log`, `| tail`).
_SHELL_ENDS = frozenset({"&&", "||", ";", "|", ">", ">>", "2>", "2>&1", "&>", "&"})


def install_specifiers(args: str) -> list[str]:
    """`install -q -U pandas==2.2 "scikit-learn>=1.3"` -> the requirement specifiers.

    A `# comment` and what follows shell syntax (`&&`, `>`, `|`) are not requirements,
    and neither is a word that is no requirement pip would read: a requirements file
    that names a stray word installs whatever package has that name."""
    words = _shell_words(args)
    specs, skip = [], False
    for word in words[1:]:
        if skip:
            skip = False
            continue
        if word in _SHELL_ENDS or word.startswith((">", "2>", "|", "&")):
            break
        if word in (
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "--target",
            "-t",
        ):
            skip = True
            continue
        if word.startswith("-") or word in (".", "-e") or "{" in word or "$" in word:
            continue
        if _SPECIFIER.fullmatch(word):
            specs.append(word)
    return specs


def _shell_words(command: str) -> list[str]:
    """The words of a shell command as bash splits them: a comment starts with a `#`
    that begins a word (`repo.git#subdirectory=x` keeps its fragment), and `;`, `&`
    and `|` end a word (`pandas;` is `pandas` then `;`)."""
    command = re.split(r"(?:^|(?<=\s))#", command, maxsplit=1)[0]
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:  # an unbalanced quote
        return command.split()
