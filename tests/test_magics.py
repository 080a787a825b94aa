"""The IPython syntax layer: every kind of syntax, exact positions, exact round-trip."""

from __future__ import annotations

import ast
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nb2prod.reading.magics import SyntaxKind, restore_source, translate_cell
from nb2prod.reading.positions import Span

# (cell source, translated Python, [(kind, escape, name, args, target, span)])
CASES = [
    pytest.param(
        "%matplotlib inline\nimport numpy as np",
        "get_ipython().run_line_magic('matplotlib', 'inline')\nimport numpy as np",
        [("line_magic", "%", "matplotlib", "inline", None, (1, 0, 1, 18))],
        id="line-magic",
    ),
    pytest.param(
        "%%time\nmodel = fit(X)\n",
        "\nmodel = fit(X)\n",
        [("cell_magic", "%%", "time", "", None, (1, 0, 1, 6))],
        id="cell-magic-python-body",
    ),
    pytest.param(
        "%%capture out\nx = 1",
        "out = get_ipython().run_cell_magic('capture', 'out', '')\nx = 1",
        [("cell_magic", "%%", "capture", "out", "out", (1, 0, 1, 13))],
        id="cell-magic-capture",
    ),
    pytest.param(
        "%%capture --no-stderr\nx = 1",
        "\nx = 1",
        [("cell_magic", "%%", "capture", "--no-stderr", None, (1, 0, 1, 21))],
        id="cell-magic-capture-unnamed",
    ),
    pytest.param(
        "%%bash\necho hi\nls\n",
        "get_ipython().run_cell_magic('bash', '', 'echo hi\\nls\\n')\n\n\n",
        [("cell_magic", "%%", "bash", "", None, (1, 0, 3, 2))],
        id="cell-magic-shell-body",
    ),
    pytest.param(
        "%%writefile helpers.py\ndef f():\n    return 1\n",
        "get_ipython().run_cell_magic('writefile', 'helpers.py', "
        "'def f():\\n    return 1\\n')\n\n\n",
        [("cell_magic", "%%", "writefile", "helpers.py", None, (1, 0, 3, 12))],
        id="cell-magic-writefile",
    ),
    pytest.param(
        "%%html\n<b>hi</b>",
        "get_ipython().run_cell_magic('html', '', '<b>hi</b>\\n')\n",
        [("cell_magic", "%%", "html", "", None, (1, 0, 2, 9))],
        id="cell-magic-html",
    ),
    pytest.param(
        "\n\n%%time\nx = 1",
        "\n\n\nx = 1",
        [("cell_magic", "%%", "time", "", None, (3, 0, 3, 6))],
        id="cell-magic-after-blank-lines",
    ),
    pytest.param(
        "!ls -la data/",
        "get_ipython().system('ls -la data/')",
        [("shell", "!", "ls", "-la data/", None, (1, 0, 1, 13))],
        id="shell",
    ),
    pytest.param(
        "!!ls",
        "get_ipython().getoutput('ls')",
        [("shell_capture", "!!", "ls", "", None, (1, 0, 1, 4))],
        id="shell-capture",
    ),
    pytest.param(
        "files = !ls *.csv",
        "files = get_ipython().getoutput('ls *.csv')",
        [("shell_capture", "!", "ls", "*.csv", "files", (1, 0, 1, 17))],
        id="shell-assigned",
    ),
    pytest.param(
        "t = %timeit -o sum(range(10))",
        "t = get_ipython().run_line_magic('timeit', '-o sum(range(10))')",
        [("line_magic", "%", "timeit", "-o sum(range(10))", "t", (1, 0, 1, 29))],
        id="magic-assigned",
    ),
    pytest.param(
        "!pip install -q pandas==2.2.0",
        "get_ipython().system('pip install -q pandas==2.2.0')",
        [("shell", "!", "pip", "install -q pandas==2.2.0", None, (1, 0, 1, 29))],
        id="shell-pip-install",
    ),
    pytest.param(
        "%pip install seaborn",
        "get_ipython().run_line_magic('pip', 'install seaborn')",
        [("line_magic", "%", "pip", "install seaborn", None, (1, 0, 1, 20))],
        id="magic-pip-install",
    ),
    pytest.param(
        "df?",
        "get_ipython().run_line_magic('pinfo', 'df')",
        [("help", "?", "pinfo", "df", None, (1, 0, 1, 3))],
        id="help-end",
    ),
    pytest.param(
        "np.linalg.solve??",
        "get_ipython().run_line_magic('pinfo2', 'np.linalg.solve')",
        [("help", "??", "pinfo2", "np.linalg.solve", None, (1, 0, 1, 17))],
        id="help-end-source",
    ),
    pytest.param(
        "?print",
        "get_ipython().run_line_magic('pinfo', 'print')",
        [("help", "?", "pinfo", "print", None, (1, 0, 1, 6))],
        id="help-start",
    ),
    pytest.param(
        "np.*load*?",
        "get_ipython().run_line_magic('psearch', 'np.*load*')",
        [("help", "?", "psearch", "np.*load*", None, (1, 0, 1, 10))],
        id="help-wildcard-search",
    ),
    pytest.param(
        "%timeit?",
        "get_ipython().run_line_magic('pinfo', '%timeit')",
        [("help", "?", "pinfo", "%timeit", None, (1, 0, 1, 8))],
        id="help-on-magic",
    ),
    pytest.param(
        "cd data",
        "get_ipython().run_line_magic('cd', 'data')",
        [("automagic", "", "cd", "data", None, (1, 0, 1, 7))],
        id="automagic-cd",
    ),
    pytest.param(
        "pip install scikit-learn",
        "get_ipython().run_line_magic('pip', 'install scikit-learn')",
        [("automagic", "", "pip", "install scikit-learn", None, (1, 0, 1, 24))],
        id="automagic-pip",
    ),
    pytest.param(
        "/f a b",
        "f(a, b)",
        [("autocall", "/", "f", "a b", None, (1, 0, 1, 6))],
        id="autocall-paren",
    ),
    pytest.param(
        ",f a b",
        'f("a", "b")',
        [("autocall", ",", "f", "a b", None, (1, 0, 1, 6))],
        id="autocall-quote-each",
    ),
    pytest.param(
        ";f a b",
        'f("a b")',
        [("autocall", ";", "f", "a b", None, (1, 0, 1, 6))],
        id="autocall-quote-all",
    ),
    pytest.param(
        "%env MODEL_DIR=/tmp/models",
        "get_ipython().run_line_magic('env', 'MODEL_DIR=/tmp/models')",
        [("line_magic", "%", "env", "MODEL_DIR=/tmp/models", None, (1, 0, 1, 26))],
        id="env",
    ),
    pytest.param(
        "%store model",
        "get_ipython().run_line_magic('store', 'model')",
        [("line_magic", "%", "store", "model", None, (1, 0, 1, 12))],
        id="store",
    ),
    pytest.param(
        "%run helpers.ipynb",
        "get_ipython().run_line_magic('run', 'helpers.ipynb')",
        [("line_magic", "%", "run", "helpers.ipynb", None, (1, 0, 1, 18))],
        id="run",
    ),
    pytest.param(
        "data = await fetch(url)",
        "data = await fetch(url)",
        [("top_level_await", "", "await", "", None, (1, 7, 1, 23))],
        id="top-level-await",
    ),
    pytest.param(
        "async with session:\n    pass",
        "async with session:\n    pass",
        [("top_level_await", "", "async", "", None, (1, 0, 2, 8))],
        id="top-level-async-with",
    ),
    pytest.param(
        "async def f():\n    await g()",
        "async def f():\n    await g()",
        [],
        id="await-inside-function-is-python",
    ),
    pytest.param(
        "%time model = fit(X, y)",
        "model = fit(X, y)",
        [("line_magic", "%", "time", "model = fit(X, y)", None, (1, 0, 1, 23))],
        id="time-keeps-statement",
    ),
    pytest.param(
        "for n in sizes:\n    %time run(n)\n",
        "for n in sizes:\n    run(n)\n",
        [("line_magic", "%", "time", "run(n)", None, (2, 4, 2, 16))],
        id="indented-time",
    ),
    pytest.param(
        "for i in range(3):\n    !echo {i} $HOME\n",
        "for i in range(3):\n    get_ipython().system('echo {i} $HOME')\n",
        [("shell", "!", "echo", "{i} $HOME", None, (2, 4, 2, 19))],
        id="indented-shell-with-expansions",
    ),
    pytest.param(
        "!pip install a \\\n    b",
        "get_ipython().system('pip install a      b')\n",
        [("shell", "!", "pip", "install a      b", None, (1, 0, 2, 5))],
        id="backslash-continued-shell",
    ),
    pytest.param(
        "%timeit np.fromiter((a for a in x),\n           dtype=float)",
        "get_ipython().run_line_magic('timeit', "
        "'np.fromiter((a for a in x),\\n           dtype=float)')\n",
        [
            (
                "line_magic",
                "%",
                "timeit",
                "np.fromiter((a for a in x),\n           dtype=float)",
                None,
                (1, 0, 2, 23),
            )
        ],
        id="timeit-over-bracketed-lines",
    ),
    pytest.param(
        "x = 1\n%%time\ny = 2",
        "x = 1\nget_ipython().run_line_magic('%time', '')\ny = 2",
        [("line_magic", "%", "%time", "", None, (2, 0, 2, 6))],
        id="cell-magic-not-on-first-line-is-what-ipython-makes-of-it",
    ),
]

# Text that looks like IPython syntax but is Python: nothing may change.
PYTHON_ONLY = [
    "s = '''\n!not a shell\n%not a magic\n'''",
    "x = (a\n/ 2)",
    "total = (a\n        / b)",
    "# is this a question?\nx = 1",
    "y = '?'",
    "x = a % b\ny = c != d",
    "pwd = 3\nls = pwd - 1",
    "time.sleep(1)",
    "cd = {'a': 1}",
    "print('100%')",
    "ls -la",  # valid Python; IPython would only run it as %ls if `ls` were unbound
    "x = 1;",
]


@pytest.mark.parametrize(("source", "python", "facts"), CASES)
def test_translation_and_facts(source, python, facts):
    translated = translate_cell(source)
    assert translated.python == python
    found = [
        (f.kind.value, f.escape, f.name, f.args, f.target, _span(f.span))
        for f in translated.syntax
    ]
    assert found == facts
    assert restore_source(translated.python, translated.syntax) == source


@pytest.mark.parametrize("source", PYTHON_ONLY)
def test_python_that_looks_like_ipython_is_left_alone(source):
    translated = translate_cell(source)
    assert translated.syntax == ()
    assert translated.python == source


def test_expansions_are_recorded_for_shell_and_magics():
    translated = translate_cell(
        "!wget $url -O {name}.csv\nfiles = !ls {folder!r}/$$x {{y}}"
    )
    wget, files = translated.syntax
    assert wget.expansions == ("url", "name")
    assert files.expansions == ("folder!r",)
    assert files.target == "files"


def test_cell_magic_body_language():
    languages = {
        name: translate_cell(f"%%{name}\nbody").syntax[0].body_language
        for name in (
            "time",
            "capture",
            "bash",
            "sh",
            "html",
            "javascript",
            "sql",
            "writefile",
            "R",
        )
    }
    assert languages == {
        "time": "python",
        "capture": "python",
        "bash": "shell",
        "sh": "shell",
        "html": "html",
        "javascript": "javascript",
        "sql": "sql",
        "writefile": "text",
        "R": "r",
    }


def test_python_body_is_translated_too():
    translated = translate_cell("%%time\n!ls\nx = 1")
    assert [f.kind for f in translated.syntax] == [
        SyntaxKind.CELL_MAGIC,
        SyntaxKind.SHELL,
    ]
    assert translated.python == "\nget_ipython().system('ls')\nx = 1"


def test_keeps_python_marks_kept_bodies():
    kept = {
        f.name: f.keeps_python
        for src in ("%%time\nx=1", "%%bash\nls", "%time x = 1", "%timeit x = 1")
        for f in translate_cell(src).syntax
    }
    assert kept == {"time": True, "bash": False, "timeit": False}


def test_line_numbers_of_translation_match_the_cell():
    source = "import os\n%%time\n!ls \\\n  -la\nx = (1,\n     2)\ny = x?\nz = 3\n"
    translated = translate_cell(source)
    for number, (original, python) in enumerate(
        zip(source.split("\n"), translated.python.split("\n"), strict=True), start=1
    ):
        if not any(f.span.line <= number <= f.span.end_line for f in translated.syntax):
            assert original == python


def test_windows_line_endings_survive():
    source = "%matplotlib inline\r\nimport numpy as np\r\n!ls\r\n"
    translated = translate_cell(source)
    assert translated.python.count("\r\n") == 3
    assert restore_source(translated.python, translated.syntax) == source


def test_restore_refuses_a_changed_translation():
    translated = translate_cell("!ls\nx = 1")
    changed = translated.python.replace("system('ls')", "system('rm')")
    with pytest.raises(ValueError, match="line 1 no longer holds"):
        restore_source(changed, translated.syntax)


def _span(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


# ---- differential: the translation runs what IPython would run ---------------------


def _ipython_translation(source: str) -> str:
    pytest.importorskip("IPython")
    from IPython.core.inputtransformer2 import TransformerManager

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TransformerManager().transform_cell(source)


def _deliberately_different(source: str) -> bool:
    """Where nb2prod keeps Python visible or resolves automagic, IPython does not."""
    facts = translate_cell(source).syntax
    return any(f.keeps_python or f.kind is SyntaxKind.AUTOMAGIC for f in facts) or (
        "%timeit" in source and "\n" in source  # IPython 5+ no longer joins these lines
    )


_CANDIDATES = (
    [case.values[0] for case in CASES]
    + PYTHON_ONLY
    + [
        "x = foo?",
        "!ls?",
        "a = b = 1\nc = %who_ls",
        "if True:\n    !echo hi\nelse:\n    %pwd",
        "def f():\n    x = !ls\n    return x",
        "%load_ext autoreload\n%autoreload 2",
        "%config InlineBackend.figure_format = 'retina'",
        "d = {'a': 1}\nd['b'] = %time 2",
    ]
)


DIFFERENTIAL = [source for source in _CANDIDATES if not _deliberately_different(source)]


@pytest.mark.parametrize("source", DIFFERENTIAL)
def test_translation_runs_what_ipython_runs(source):
    ours = ast.dump(ast.parse(translate_cell(source).python))
    theirs = ast.dump(ast.parse(_ipython_translation(source)))
    assert ours == theirs


# ---- property: any mix of Python and IPython lines round-trips exactly -------------

_LINES = st.sampled_from(
    [
        "x = 1",
        "    y = x + 1",
        "if x:",
        "for i in range(3):",
        "!ls -la",
        "    !echo {i}",
        "%matplotlib inline",
        "files = !ls",
        "t = %time f()",
        "%time z = 2",
        "df?",
        "np.sum??",
        "/f a b",
        "cd data",
        "pip install pandas",
        "s = '''",
        "!not shell inside a string",
        "'''",
        "total = (1 +",
        "         2)",
        "a = 1 \\",
        "# comment?",
        "%%time",
        "%%bash",
        "",
        "  ",
        "await g()",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(_LINES, max_size=12),
    ending=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
)
def test_any_cell_round_trips_exactly(lines, ending, final):
    source = ending.join(lines) + (ending if final else "")
    translated = translate_cell(source)
    assert restore_source(translated.python, translated.syntax) == source
    assert translated.python.count("\n") == source.count("\n")
    for fact in translated.syntax:
        assert source.splitlines()[fact.span.line - 1][fact.span.column :].startswith(
            fact.text.splitlines()[0].lstrip()[:1]
        )
