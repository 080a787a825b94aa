"""libcst rewrites, tested by before/after strings and no-op inputs (STYLE section 6)."""

from __future__ import annotations

import contextlib
import io
import logging

import libcst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nb2prod.testing import assert_transform
from nb2prod.transforms.cell_parts import split_cell
from nb2prod.transforms.figures import ShowToSave
from nb2prod.transforms.globals_to_returns import AssignCallResults, GlobalsToReturns
from nb2prod.transforms.parameters import AddParameters, PassArguments
from nb2prod.transforms.print_to_logging import PrintToLogging


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('print("Loading data")', "logger.info('Loading data')"),
        ('print("rows:", n)', "logger.info('rows: %s', n)"),
        ("print(a, b, c)", "logger.info('%s %s %s', a, b, c)"),
        ('print("100% done", x)', "logger.info('100%% done %s', x)"),
        ('print(a, b, sep=", ")', "logger.info('%s, %s', a, b)"),
        ('print(f"acc={acc:.3f} n={n}")', "logger.info('acc=%.3f n=%s', acc, n)"),
        ('print(f"{x!r}")', "logger.info('%r', x)"),
        (
            'print(f"{p:.1%} of {total:,}")',
            "logger.info('%s of %s', format(p, '.1%'), format(total, ','))",
        ),
        ('print(f"{x=}")', "logger.info('%s', f\"{x=}\")"),
        ("print(x, file=sys.stderr)", "logger.warning('%s', x)"),
        ("print(x, flush=True)", "logger.info('%s', x)"),
        ("print()", "logger.info('')"),
        ("print(*rows)", "logger.info('%s', \" \".join(map(str, (*rows,))))"),
        ("print(a, sep=s)", "logger.info('%s', s.join(map(str, (a,))))"),
        ("display(df)", "logger.debug('df = %s', df)"),
        ("def f(x):\n    print(x)", "def f(x):\n    logger.info('%s', x)"),
    ],
    ids=lambda value: value if len(value) < 30 else value[:30],
)
def test_print_becomes_lazy_logging(before, after):
    assert_transform(PrintToLogging(), before, after)


@pytest.mark.parametrize(
    "source",
    [
        "logger.info('x')",
        "pprint = 1",
        "obj.print('x')",
        "print(x, file=handle)",
        "display",
    ],
)
def test_print_to_logging_leaves_other_code_alone(source):
    assert_transform(PrintToLogging(), source, source)


_VALUES = st.one_of(
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=10),
    st.lists(st.integers(), max_size=3), st.none(), st.booleans(),
)  # fmt: skip
_TEMPLATES = [
    'print("value:", a)',
    "print(a, b)",
    'print(a, b, sep="|")',
    'print(f"a={a} b={b!r}")',
    'print(f"{a}%", "done")',
    'print(f"{a!s:>12}")',
]


@settings(max_examples=200, deadline=None)
@given(a=_VALUES, b=_VALUES, template=st.sampled_from(_TEMPLATES))
def test_logged_text_is_exactly_what_print_wrote(a, b, template):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(template, {"a": a, "b": b})
    rewritten = libcst.parse_module(template).visit(PrintToLogging()).code
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger("nb2prod.test.print")
    logger.handlers[:] = [Collect()]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    exec(rewritten, {"a": a, "b": b, "logger": logger})
    assert records == [printed.getvalue().removesuffix("\n")]


def test_show_saves_the_figure():
    assert_transform(
        ShowToSave("plots"),
        "plt.plot(x)\nplt.show()\nfig.show()\nwidget.show()",
        "plt.plot(x)\nsave_figure('plots')\nsave_figure('plots', fig)\nwidget.show()",
    )


def test_function_reading_globals_gets_keyword_parameters():
    assert_transform(
        AddParameters(("df", "THRESHOLD")),
        "def clean(x, *, keep=True):\n    return df[df.score > THRESHOLD]",
        "def clean(x, *, keep=True, df, THRESHOLD):\n    return df[df.score > THRESHOLD]",
    )
    assert_transform(
        AddParameters(("df",)),
        "def clean():\n    def inner():\n        return 1\n    return df",
        "def clean(*, df):\n    def inner():\n        return 1\n    return df",
    )


def test_call_sites_pass_the_new_arguments():
    assert_transform(
        PassArguments({"clean": ("df",)}),
        "out = clean()\nres = clean(df=other)\ndata.apply(clean)\nmodel.clean()",
        "out = clean(df = df)\nres = clean(df=other)\ndata.apply(functools.partial(clean, df = df))\n"
        "model.clean()",
    )


def test_a_function_handed_over_as_a_value_is_bound_wherever_it_goes():
    partial = "functools.partial(clean, df = df)"
    assert_transform(
        PassArguments({"clean": ("df",)}),
        "ops = {'c': clean}\nsteps = [clean, other]\nf = clean\n"
        "def get():\n    return clean\nx: object = clean",
        f"ops = {{'c': {partial}}}\nsteps = [{partial}, other]\nf = {partial}\n"
        f"def get():\n    return {partial}\nx: object = {partial}",
    )


@pytest.mark.parametrize(
    "source",
    [
        "clean, x = make()",
        "[clean, x] = make()",
        "for clean in cleaners:\n    pass",
        "xs = [1 for clean in cleaners]",
        "with open(p) as clean:\n    pass",
        "clean.cache_clear()",
        "model.clean",
    ],
)
def test_a_function_name_being_bound_or_an_attribute_is_not_rewritten(source):
    assert_transform(PassArguments({"clean": ("df",)}), source, source)


def test_a_parameter_or_local_named_like_the_function_is_not_rewritten():
    """`def evaluate(data, net): net(data)` calls its argument, not the notebook's
    `net` that gained parameters."""
    assert_transform(
        PassArguments({"net": ("W",)}),
        "def evaluate(data, net):\n    return net(data)\nx = net(1)\n"
        "def g():\n    net = 3\n    return net\nf = lambda net: net(2)\n"
        "def h():\n    global net\n    return net(0)",
        "def evaluate(data, net):\n    return net(data)\nx = net(1, W = W)\n"
        "def g():\n    net = 3\n    return net\nf = lambda net: net(2)\n"
        "def h():\n    global net\n    return net(0, W = W)",
    )


def test_global_assignments_become_returns():
    assert_transform(
        GlobalsToReturns(("cfg", "n")),
        "def setup():\n    global cfg, n, other\n    cfg = {}\n    if x:\n        return\n    n = 1",
        "def setup():\n    global other\n    cfg = {}\n    if x:\n        return cfg, n\n    n = 1\n"
        "    return cfg, n",
    )
    assert_transform(
        AssignCallResults({"setup": ("cfg",)}),
        "setup()\nsetup2()",
        "cfg = setup()\nsetup2()",
    )


def test_cell_parts_hoist_imports_and_definitions_and_keep_comments():
    module = libcst.parse_module(
        "# load\nimport os; import sys\n# the threshold\nLIMIT = 3\n"
        "def f():\n    return 1\nx = f()  # call\nglobal y\n"
    )
    parts = split_cell(module, frozenset({"LIMIT"}))
    assert [libcst.Module(body=[s]).code for s in parts.imports] == [
        "import os; import sys\n"
    ]
    assert [libcst.Module(body=[s]).code for s in parts.definitions] == [
        "def f():\n    return 1\n"
    ]
    (body,) = parts.body
    assert (
        libcst.Module(body=[body]).code == "# load\n# the threshold\nx = f()  # call\n"
    )


def test_an_import_sharing_a_line_with_code_is_hoisted_not_lost():
    module = libcst.parse_module("import seaborn; seaborn.set()\n")
    parts = split_cell(module, frozenset())
    assert [libcst.Module(body=[s]).code for s in parts.imports] == ["import seaborn\n"]
    assert [libcst.Module(body=[s]).code for s in parts.body] == ["seaborn.set()\n"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('x = f"Epoch ..."\n', 'x = "Epoch ..."\n'),
        ('y = rf"{{a}}\\d" + f"{x}"\n', 'y = r"{a}\\d" + f"{x}"\n'),
        ("z = (f'a' 'b')\n", "z = ('a' 'b')\n"),
        ('w = f"{x!r}"\n', 'w = f"{x!r}"\n'),
    ],
)
def test_fstrings_without_placeholders_become_plain_strings(before, after):
    from nb2prod.transforms.plain_fstrings import plain_fstrings

    assert plain_fstrings(before) == after
    old, new = {"x": 1}, {"x": 1}
    exec(before, old)  # the same values as before
    exec(after, new)
    assert {k: v for k, v in old.items() if k != "__builtins__"} == {
        k: v for k, v in new.items() if k != "__builtins__"
    }


@pytest.mark.parametrize(
    "source", ['x = fr"Mish$(z)\\,$"', "x = Rf'a\\b'", "x = rf'{{a}}'", "x = F'plain'"]
)
def test_placeholder_free_fstrings_of_any_prefix_become_plain(source):
    import ast

    from nb2prod.transforms.plain_fstrings import plain_fstrings

    rewritten = plain_fstrings(source + "\n")
    assert "f" not in rewritten.split("=")[1].split("'")[0].split('"')[0].lower()
    assert ast.literal_eval(rewritten.split("= ", 1)[1]) == eval(
        source.split("= ", 1)[1]
    )


@pytest.mark.slow  # starts an interpreter
def test_a_long_availability_import_keeps_its_noqa_through_black(tmp_path):
    """`try: from long.module import a, b, c` whose names a step never reads is kept
    with `# noqa: F401`; black must not split it from its comment."""
    import json
    import subprocess
    import sys

    from nb2prod.convert import convert_notebook
    from nb2prod.testing import notebook
    from nb2prod.writer import write_package

    model = notebook(
        "try:\n    from collections.abc import Mapping, MutableMapping, Sequence, "
        "MutableSequence, Set\nexcept ImportError:\n    pass\nx = 1",
        path=str(tmp_path / "study.ipynb"),
    )
    write_package(convert_notebook(model).package, tmp_path / "pkg")
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "E9,F", "--isolated",
         "--output-format", "json", str(tmp_path / "pkg")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert json.loads(done.stdout) == []


def test_fstring_fields_of_a_notebook_using_tensors_keep_their_formatting():
    """A 0-d torch tensor formats as its number in an f-string but as `tensor(...)`
    with %s: in a notebook using tensors, fields without a spec keep `format()`."""
    assert_transform(
        PrintToLogging(tensors=True),
        'print(f"Epoch: {epoch} | Loss: {loss} | {x!r} {y:.2f}")',
        "logger.info('Epoch: %s | Loss: %s | %r %.2f', format(epoch), format(loss), "
        "x, y)",
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # a metric the notebook displayed: a labelled result at INFO
        (
            "display(accuracy_score(y_test, pred))",
            "logger.info('accuracy_score(y_test, pred) = %s', "
            "accuracy_score(y_test, pred))",
        ),
        (
            "display(cross_val_score(model, X, y, cv=5).mean())",
            "logger.info('cross_val_score(model, X, y, cv=5).mean() = %s', "
            "cross_val_score(model, X, y, cv=5).mean())",
        ),
        (
            "display(model.score(X, y))",
            "logger.info('model.score(X, y) = %s', model.score(X, y))",
        ),
        ("display(auc)", "logger.info('auc = %s', auc)"),
        # previews and other values: labelled, at DEBUG; a % in the label is escaped
        ("display(df.head())", "logger.debug('df.head() = %s', df.head())"),
        ("display(a % b)", "logger.debug('a %% b = %s', a % b)"),
    ],
)
def test_displayed_values_are_labelled_and_metrics_log_at_info(before, after):
    assert_transform(PrintToLogging(), before, after)


def test_a_long_label_is_cut_with_an_ellipsis():
    from nb2prod.transforms.display_labels import LABEL_LENGTH, label

    text = label(libcst.parse_expression("f(" + ", ".join(["argument"] * 20) + ")"))
    assert len(text) == LABEL_LENGTH and text.endswith("...")


def test_a_local_changed_only_by_augmented_assignment_keeps_its_name():
    """`total += i` reads `total`: renaming `total = 0` to `_total` would break it."""
    from nb2prod.transforms.unused_locals import drop_unused_locals

    code = "def f():\n    total = 0\n    for i in range(3):\n        total += i\n"
    assert drop_unused_locals(code) == code
    compile(drop_unused_locals(code), "<step>", "exec")


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("{1: 'data', 2: 'model'}", "_covered = {1: 'data', 2: 'model'}"),
        ("'a' 'b'", "_covered = 'a' 'b'"),
        ("-1", "_covered = -1"),
        ("{1: len(x)}", "{1: len(x)}"),  # a call runs: it stays, as an expression
    ],
)
def test_an_unused_literal_keeps_an_underscore_name_not_a_useless_expression(
    value, kept
):
    """mrdbourke's `what_were_covering = {1: "data (prepare and load)", ...}`, never
    read, became a bare dict in its step (ruff B018: a useless expression)."""
    from nb2prod.transforms.unused_locals import drop_unused_locals

    code = f"def f(x):\n    covered = {value}\n    return x\n"
    assert drop_unused_locals(code) == f"def f(x):\n    {kept}\n    return x\n"


def test_a_lone_generator_argument_gets_parentheses_when_arguments_are_added():
    """`total(v for v in values)` and a global `S` the function reads: the package
    called `total(v for v in values, S=S)`, which Python refuses (convert ended in a
    traceback from the formatter)."""
    from nb2prod.convert import convert_notebook
    from nb2prod.testing import code, md, notebook

    result = convert_notebook(
        notebook(
            md("# T"),
            code("S = 2"),
            code("def total(items):\n    return sum(items) * S"),
            code("print(total(v for v in [1, 2]))"),
            path="g.ipynb",
        )
    )
    assert result.problems == ()
    assert "total((v for v in [1, 2]), S=S)" in result.package["src/g/features.py"]
