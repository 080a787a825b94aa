"""Dataflow across cells: providers, use before definition, live-out names."""

from __future__ import annotations

from nb2prod.analysis import analyze_notebook
from nb2prod.analysis.facts import (
    MultipleDefinition,
    NameUse,
    Provider,
    UseBeforeDefinition,
)
from nb2prod.testing import md, notebook


def flow(*cells):
    return analyze_notebook(notebook(*cells)).dataflow


def test_nearest_earlier_cell_provides():
    data = flow("x = 1", "x = 2", "y = x")
    assert data.flow(2).providers == (Provider("x", 1),)
    assert data.flow(0).live_out == ()
    assert data.flow(1).live_out == ("x",)


def test_cell_indexes_count_markdown_cells():
    data = flow(md("# Title"), "x = 1", md("## Use"), "print(x)")
    assert [f.index for f in data.cells] == [1, 3]
    assert data.flow(3).providers == (Provider("x", 1),)


def test_read_before_any_earlier_definition():
    data = flow("print(total)", "total = 3")
    assert data.undefined_before_use == (UseBeforeDefinition("total", 0, (1,)),)
    assert data.never_defined == ()
    assert data.flow(0).providers == (Provider("total", None),)


def test_never_defined_names():
    data = flow("import numpy as np", "y = np.log(x)")
    assert data.never_defined == (NameUse("x", 1),)


def test_star_import_hides_never_defined():
    assert flow("from pylab import *", "plot(x)").never_defined == ()
    assert flow("plot(x)", "from pylab import *").never_defined == (
        NameUse("plot", 0),
        NameUse("x", 0),
    )


def test_names_defined_in_several_cells():
    data = flow("df = load()", "df = df.dropna()", "n = len(df)")
    assert data.defined_in_several_cells == (MultipleDefinition("df", (0, 1)),)


def test_function_redefined_with_a_different_body():
    data = flow(
        "def f(x):\n    return x", "def f(x):\n    return x + 1", "def g():\n    pass"
    )
    assert data.redefined_functions == (MultipleDefinition("f", (0, 1)),)
    assert flow("def f():\n    pass", "def f():\n    pass").redefined_functions == ()


def test_mutation_keeps_a_value_live():
    data = flow("xs = []", "xs.append(1)", "print(xs)")
    assert data.flow(0).live_out == ("xs",)
    assert data.flow(1).live_out == ("xs",)
    assert data.flow(2).providers == (Provider("xs", 0),)


def test_redefinition_ends_liveness():
    data = flow("x = 1", "x = 2", "print(x)")
    assert data.flow(0).live_out == ()


def test_calling_a_function_needs_what_it_reads():
    data = flow("df = load()", "def clean():\n    return df.dropna()", "out = clean()")
    assert data.flow(2).needs == ("clean", "df")
    assert data.flow(2).providers == (Provider("clean", 1), Provider("df", 0))
    assert data.flow(0).live_out == ("df",)


def test_calls_between_functions_are_followed():
    data = flow(
        "RATE = 0.1",
        "def tax(x):\n    return x * RATE",
        "def total(x):\n    return x + tax(x)",
        "print(total(10))",
    )
    assert data.flow(3).needs == ("RATE", "tax", "total")


def test_function_called_before_what_it_reads_exists():
    data = flow("def f():\n    return cfg", "f()", "cfg = {}")
    assert data.undefined_before_use == (UseBeforeDefinition("cfg", 1, (2,)),)


def test_global_assignment_through_a_call_defines_the_name():
    data = flow(
        "def setup():\n    global cfg\n    cfg = {'a': 1}",
        "setup()",
        "print(cfg['a'])",
    )
    assert data.flow(1).defines == ("cfg",)
    assert data.flow(2).providers == (Provider("cfg", 1),)
    assert data.undefined_before_use == ()


def test_lambdas_run_in_a_cell_need_their_names():
    data = flow("rate = 2", "df2 = df.apply(lambda r: r * rate)")
    assert "rate" in data.flow(1).needs


def test_rebound_builtin_is_read_from_its_cell():
    data = flow("list = [3, 1]", "print(sorted(list))")
    assert data.flow(1).providers == (Provider("list", 0),)


def test_deleted_name_is_not_provided():
    data = flow("x = 1", "del x", "print(x)")
    assert data.flow(2).providers == (Provider("x", None),)


def test_shell_and_magic_cells_take_part():
    data = flow("files = !ls", "%time n = len(files)", "print(n)")
    assert data.flow(1).providers == (Provider("files", 0),)
    assert data.flow(2).providers == (Provider("n", 1),)


def test_cell_with_syntax_error_neither_reads_nor_defines():
    data = flow("x = 1", "y = (", "print(y)")
    assert data.flow(1).needs == () and data.flow(1).defines == ()
    assert data.never_defined == (NameUse("y", 2),)


def test_functions_reading_notebook_state():
    data = flow(
        "import numpy as np\nTHRESHOLD = 0.5\ndf = load()",
        "def helper(x):\n    return np.log(x)",
        "def clean():\n    return df[df.score > THRESHOLD].pipe(helper)",
    )
    (read,) = data.functions_reading_state
    assert (read.cell, read.function, read.names) == (2, "clean", ("THRESHOLD", "df"))
