"""A star import that shadows builtins (`from numpy import *`, `from pylab import *`):
`sum`, `round`, `max` after it are the module's, so the package must call the same
functions the notebook called."""

from __future__ import annotations

from nb2prod.convert import convert_notebook, plan_notebook
from nb2prod.testing import code, notebook


def _module_text(result) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(
        text
        for path, text in result.package.items()
        if path.startswith("src/") and path.endswith(".py")
    )


def test_builtins_read_after_the_star_import_come_from_the_module():
    cells = (
        code("from numpy import *"),
        code("total = sum([[1, 2], [3, 4]], -1)\nprint(total)"),
    )
    plan = plan_notebook(notebook(*cells)).plan
    (star,) = plan.star_imports
    assert star.names is not None and "sum" in star.names
    assert "from numpy import sum" in _module_text(convert_notebook(notebook(*cells)))


def test_a_builtin_read_on_both_sides_gets_its_own_name_after_the_star_import():
    """Before `from numpy import *` `sum` is the builtin, after it numpy's; a module's
    imports cannot be both, so the reads after it call `numpy_sum`."""
    cells = (
        code("before = sum(range(5), -1)"),
        code("from numpy import *\nafter = sum(range(5), -1)"),
        code("again = sum([1, 2])"),
    )
    result = convert_notebook(notebook(*cells))
    text = _module_text(result)
    assert "from numpy import sum as numpy_sum" in text
    assert "before = sum(range(5), -1)" in text
    assert "after = numpy_sum(range(5), -1)" in text
    assert "again = numpy_sum([1, 2])" in text
    namespace: dict[str, object] = {}
    exec(  # the rewritten cells compute what the notebook did: 9, then 10
        "from numpy import sum as numpy_sum\nbefore = sum(range(5), -1)\n"
        "after = numpy_sum(range(5), -1)",
        namespace,
    )
    assert (namespace["before"], namespace["after"]) == (9, 10)


def test_a_function_keeps_the_builtin_it_binds_locally():
    cells = (
        code("x = max(1, 2)"),
        code("from numpy import *\ndef f(max):\n    return max + 1\ny = max([1, 3])"),
    )
    text = _module_text(convert_notebook(notebook(*cells)))
    assert "return max + 1" in text and "y = numpy_max([1, 3])" in text
