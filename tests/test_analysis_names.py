"""Names per cell: one case per construct, checked as (defines, reads, mutates)."""

from __future__ import annotations

import sys

import pytest

from nb2prod.analysis import analyze_notebook
from nb2prod.analysis.facts import CellFacts
from nb2prod.testing import notebook


def facts_of(source: str) -> CellFacts:
    return analyze_notebook(notebook(source)).cells[0]


def _split(words: str) -> tuple[str, ...]:
    return tuple(sorted(words.split()))


# (id, source, defines, reads, mutates)
CASES = [
    ("assign", "x = 1", "x", "", ""),
    ("assign-from-name", "x = y", "x", "y", ""),
    ("self-referencing-assign", "x = x + 1", "x", "x", ""),
    ("augmented-assign", "x += 1", "x", "x", ""),
    ("annotated-assign", "x: int = 1", "x", "", ""),
    ("annotation-is-read", "x: MyType = 1", "x", "MyType", ""),
    ("bare-annotation-binds-nothing", "x: int", "", "", ""),
    ("tuple-unpacking", "a, b = 1, 2", "a b", "", ""),
    ("nested-starred-unpacking", "[a, (b, *c)] = v", "a b c", "v", ""),
    ("chained-assign", "a = b = c", "a b", "c", ""),
    ("for-target", "for i in range(n):\n    pass", "i", "n", ""),
    ("for-nested-targets", "for i, (j, k) in items:\n    pass", "i j k", "items", ""),
    ("with-as", "with open(p) as f:\n    pass", "f", "p", ""),
    ("with-several-items", "with a as (b, c), d as e:\n    pass", "b c e", "a d", ""),
    (
        "except-as",
        "try:\n    pass\nexcept ValueError as err:\n    log(err)",
        "err",
        "log",
        "",
    ),
    ("walrus", "if (n := len(xs)) > 3:\n    pass", "n", "xs", ""),
    ("import", "import os", "os", "", ""),
    ("import-dotted-binds-head", "import os.path", "os", "", ""),
    ("import-as", "import numpy as np", "np", "", ""),
    ("from-import", "from a import b, c as d", "b d", "", ""),
    ("relative-import", "from . import local", "local", "", ""),
    ("star-import-binds-nothing-known", "from x import *", "", "", ""),
    ("def", "def f():\n    pass", "f", "", ""),
    ("class", "class A:\n    pass", "A", "", ""),
    ("async-def", "async def g():\n    pass", "g", "", ""),
    ("del-unbinds", "del x", "", "", ""),
    ("bind-then-del", "x = 1\ndel x", "", "", ""),
    ("del-then-bind", "del x\nx = 2", "x", "", ""),
    ("read-after-binding-is-not-a-read", "x = 1\nprint(x)", "x", "", ""),
    ("read-before-binding-is-a-read", "print(x)\nx = 1", "x", "x", ""),
    ("conditional-binding-counts", "if c:\n    x = 1\nprint(x)", "x", "c", ""),
    (
        "loop-accumulator",
        "for i in range(3):\n    total = total + i",
        "i total",
        "total",
        "",
    ),
    ("while-countdown", "while n > 0:\n    n -= 1", "n", "n", ""),
    ("list-comprehension", "x = [i for i in range(n)]", "x", "n", ""),
    ("comprehension-free-names", "x = [i * k for i in xs if i > t]", "x", "k t xs", ""),
    ("dict-comprehension", "x = {k: v for k, v in d.items()}", "x", "d", ""),
    ("generator-expression", "x = (a for a in b)", "x", "b", ""),
    ("nested-comprehension", "x = [j for i in m for j in i]", "x", "m", ""),
    ("first-iterable-is-outer", "x = [y for y in y]", "x", "y", ""),
    (
        "walrus-in-comprehension",
        "[total := total + v for v in vs]",
        "total",
        "total vs",
        "",
    ),
    ("comprehension-variable-does-not-leak", "[x for x in range(3)]\nx", "", "x", ""),
    ("class-body", "class A:\n    x = 1\n    y = x + z", "A", "z", ""),
    (
        "class-bases-and-keywords",
        "class A(Base, metaclass=Meta):\n    pass",
        "A",
        "Base Meta",
        "",
    ),
    ("decorator", "@decorator\ndef f():\n    pass", "f", "decorator", ""),
    ("default-argument", "def f(a=default):\n    pass", "f", "default", ""),
    ("annotations-of-def", "def f(a: Type) -> Ret:\n    pass", "f", "Ret Type", ""),
    ("function-body-is-not-a-read", "def f():\n    return g", "f", "", ""),
    ("lambda-assigned", "f = lambda x: x + k", "f", "", ""),
    ("lambda-argument", "df.apply(lambda r: r * rate)", "", "df", ""),
    ("attribute-store", "x.attr = 1", "", "x", "x"),
    ("subscript-store", "x[0] = 1", "", "x", "x"),
    ("subscript-augmented", "x['a'] += 1", "", "x", "x"),
    ("del-subscript", "del x[0]", "", "x", "x"),
    ("append", "xs.append(1)", "", "xs", "xs"),
    ("inplace-true", "df.drop(columns=['a'], inplace=True)", "", "df", "df"),
    ("not-inplace", "df.drop(columns=['a'])", "", "df", ""),
    ("fit", "model.fit(X, y)", "", "X model y", "model"),
    ("shuffle-argument", "random.shuffle(xs)", "", "random xs", "xs"),
    ("setdefault", "d.setdefault('k', [])", "", "d", "d"),
    ("set-add", "s.add(1)", "", "s", "s"),
    ("deep-target", "a.b.c[0] = 1", "", "a", "a"),
    ("call-result-target", "get_df()['a'] = 1", "", "get_df", ""),
    ("attribute-store-reads-value", "a.b = c", "", "a c", "a"),
    ("bind-then-mutate", "lst = [1]\nlst.append(2)", "lst", "", "lst"),
    ("builtins-are-not-reads", "print(len(x))", "", "x", ""),
    ("display-is-builtin", "display(df)", "", "df", ""),
    ("underscore-is-builtin", "_ + 1", "", "", ""),
    ("out-is-builtin", "Out[3]", "", "", ""),
    ("numbered-output", "x = _5", "x", "", ""),
    ("get-ipython", "get_ipython()", "", "", ""),
    ("magic-then-import", "%matplotlib inline\nimport numpy as np", "np", "", ""),
    ("shell-capture", "files = !ls", "files", "", ""),
    ("shell-escape", "!echo hello", "", "", ""),
    ("time-magic-keeps-statement", "%time y = f(x)", "y", "f x", ""),
    ("time-cell-magic", "%%time\nz = w", "z", "w", ""),
    ("capture-cell-magic", "%%capture out\nq = 1", "out q", "", ""),
    ("bash-cell-magic", "%%bash\necho $x", "", "", ""),
    ("top-level-await", "await fetch(url)", "", "fetch url", ""),
    ("async-for", "async for a in stream():\n    pass", "a", "stream", ""),
    ("global-at-module-level", "global g\ng = 1", "g", "", ""),
    ("semicolons", "x = 1; y = x", "x y", "", ""),
    ("conditional-expression", "x = 1 if c else y", "x", "c y", ""),
    ("star-arguments", "f(*args, **kwargs)", "", "args f kwargs", ""),
    ("attribute-load", "x = y.z", "x", "y", ""),
    ("for-over-itself", "for x in x:\n    pass", "x", "x", ""),
    ("with-over-itself", "with a as a:\n    pass", "a", "a", ""),
    ("assert", "assert cond, msg", "", "cond msg", ""),
    ("raise-from", "raise Err from cause", "", "Err cause", ""),
    ("call-of-undefined", "x = not_defined_yet()", "x", "not_defined_yet", ""),
    ("f-string", "f'{a}-{b!r:>{w}}'", "", "a b w", ""),
    ("finally", "try:\n    pass\nfinally:\n    done = True", "done", "", ""),
    ("import-in-if", "if True:\n    import pandas as pd", "pd", "", ""),
    ("dict-unpacking", "x = {**base, 'k': v}", "x", "base v", ""),
    ("lambda-alone", "lambda: undefined_name", "", "", ""),
    ("key-lambda", "sorted(xs, key=lambda p: p.score)", "", "xs", ""),
    ("slice", "y = x[a:b, ::c]", "y", "a b c x", ""),
    ("starred-in-list", "y = [*a, *b]", "y", "a b", ""),
    (
        "try-import-fallback",
        "try:\n    import ujson as json\nexcept ImportError:\n    import json",
        "json",
        "",
        "",
    ),
    (
        "match-captures",
        "match cmd:\n    case Point(x=px):\n        pass\n    case [first, *rest]:\n        pass\n"
        "    case {'k': v, **others}:\n        pass\n    case _ as whole:\n        pass",
        "first others px rest v whole",
        "Point cmd",
        "",
    ),
    (
        "match-value-pattern",
        "match c:\n    case Color.RED:\n        pass",
        "",
        "Color c",
        "",
    ),
    ("syntax-error-cell", "x = (", "", "", ""),
]


@pytest.mark.parametrize(
    ("source", "defines", "reads", "mutates"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_defines_reads_mutates(source, defines, reads, mutates):
    facts = facts_of(source)
    assert (facts.defines, facts.reads, facts.mutates) == (
        _split(defines),
        _split(reads),
        _split(mutates),
    )


@pytest.mark.skipif(
    sys.version_info < (3, 12), reason="`type` statements need Python 3.12"
)
def test_type_alias_binds_its_name():
    assert facts_of("type Vector = list[float]").defines == ("Vector",)


def test_enough_cases():
    assert len(CASES) >= 80


def test_del_is_recorded_as_an_unbinding():
    assert facts_of("del x").deletes == ("x",)
    assert facts_of("x = 1\ndel x").deletes == ("x",)
    assert facts_of("del x\nx = 2").deletes == ()


def test_builtins_read_are_kept_apart():
    assert facts_of("print(len(x))").builtins_read == ("len", "print")


def test_lambda_run_in_the_cell_needs_its_free_names():
    assert facts_of("df.apply(lambda r: r * rate)").lambda_reads == ("rate",)
    assert facts_of("f = lambda x: x + k").lambda_reads == ()


def test_star_imports_are_listed():
    assert facts_of("from pylab import *\nfrom os import path").star_imports == (
        "pylab",
    )
