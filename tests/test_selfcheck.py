"""The self-check: a package nb2prod knows is broken is written, but convert exits 1
and names each problem with its notebook cell (issue 13); `--dry-run` shows the same."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.reading.notebook import read_notebook
from nb2prod.selfcheck import _missing_part
from nb2prod.testing import code, md, nb, notebook, write_nb

BROKEN = {
    "a module that is not installed": (
        "import not_a_real_module_xyz\nprint(not_a_real_module_xyz.f())",
        "`not_a_real_module_xyz` is not installed where nb2prod runs",
    ),
    "a submodule the installed version does not have": (
        "import sklearn.cross_validation\n"
        "print(sklearn.cross_validation.train_test_split)",
        "`sklearn.cross_validation` does not exist in the installed `sklearn` "
        "(version ",
    ),
    "a name no cell defines, read by a function": (
        "def f():\n    return never_defined_anywhere + 1\nprint(f())",
        "undefined name 'never_defined_anywhere'",
    ),
    "names from star imports of modules that are not installed": (
        "from fakemod_a import *\nfrom fakemod_b import *\nprint(thing_one)",
        "`thing_one` can only come from `from fakemod_a import *` or "
        "`from fakemod_b import *`, and none is installed",
    ),
}


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_package_is_written_and_convert_exits_1(run_cli, tmp_path, case):
    source, message = BROKEN[case]
    notebook = tmp_path / "nb.ipynb"
    write_nb(notebook, nb(md("# Title"), code("x = 1", count=1), code(source, count=2)))
    outcome = run_cli("convert", str(notebook), "-o", str(tmp_path / "pkg"))
    assert outcome.exit_code == 1
    assert (tmp_path / "pkg" / "pyproject.toml").is_file()  # written all the same
    errors = [line for line in outcome.stderr.splitlines() if message in line]
    assert errors, outcome.stderr
    assert errors[0].startswith(f"error: {tmp_path / 'pkg'}/src/nb/")
    assert errors[0].endswith("(notebook cell 3)")
    assert outcome.stderr.splitlines()[-1].endswith(
        "was written but does not work as it is "
        f"({len(read_problems(notebook))} problem"
        f"{'s' if len(read_problems(notebook)) > 1 else ''} above); "
        "fix the notebook (or the package) and convert again"
    )
    dry = run_cli("convert", str(notebook), "--dry-run", "--format", "json")
    assert dry.exit_code == 1
    problems = json.loads(dry.stdout)["problems"]
    assert [p["message"] for p in problems] == [
        p.message for p in read_problems(notebook)
    ]
    assert any(message in p["message"] and p["cell"] == 2 for p in problems)
    text = run_cli("convert", str(notebook), "--dry-run")
    assert text.exit_code == 1
    assert "problems: the package would not work as written" in text.stdout


def read_problems(path):  # type: ignore[no-untyped-def]
    return convert_notebook(read_notebook(str(path))).problems


def test_a_clean_notebook_has_no_problems(run_cli, tmp_path):
    notebook = tmp_path / "nb.ipynb"
    write_nb(notebook, nb(md("# T"), code("import math\nprint(math.pi)", count=1)))
    assert read_problems(notebook) == ()
    outcome = run_cli("convert", str(notebook), "-o", str(tmp_path / "pkg"))
    assert outcome.exit_code == 0, outcome.stderr


def test_optional_imports_are_not_problems(tmp_path):
    notebook = tmp_path / "nb.ipynb"
    guarded = (
        "try:\n    import not_a_real_module_xyz\nexcept ImportError:\n"
        "    not_a_real_module_xyz = None\nprint(not_a_real_module_xyz)"
    )
    write_nb(notebook, nb(md("# T"), code(guarded, count=1)))
    assert read_problems(notebook) == ()


@pytest.mark.slow  # starts an interpreter
def test_a_submodule_is_looked_up_without_running_its_package():
    script = (
        "import sys\n"
        "from nb2prod.selfcheck import _missing_part\n"
        "assert _missing_part('sklearn.cross_validation') == 'sklearn.cross_validation'\n"
        "assert _missing_part('sklearn.model_selection') is None\n"
        "assert 'sklearn' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


@pytest.mark.parametrize(
    ("module", "missing"),
    [
        ("os.path", None),
        ("json", None),
        ("xml.etree.ElementTree", None),
        ("not_a_real_module_xyz.sub", "not_a_real_module_xyz"),
        ("json.not_a_submodule", "json.not_a_submodule"),
    ],
)
def test_missing_part(module, missing):
    assert _missing_part(module) == missing


def test_a_name_imported_from_a_generated_module_must_be_defined_there(tmp_path):
    from nb2prod.selfcheck import check_package

    notebook = tmp_path / "nb.ipynb"
    write_nb(notebook, nb(md("# T"), code("import math\nprint(math.pi)", count=1)))
    result = convert_notebook(read_notebook(str(notebook)))
    pipeline = "src/nb/pipeline.py"
    broken = {**result.package}
    broken[pipeline] = "from nb.config import Config, NOT_THERE\n" + broken[pipeline]
    problems = check_package(broken, result.plan, {})
    assert [p.message for p in problems] == [
        "`NOT_THERE` is imported from `nb.config`, which does not define it"
    ]


def test_an_import_for_one_platform_is_not_a_problem(tmp_path):
    notebook = tmp_path / "nb.ipynb"
    guarded = (
        "import sys\nif 'google.colab' in sys.modules:\n"
        "    from google.colab import drive\n    drive.mount('/content/drive')\nx = 1"
    )
    write_nb(notebook, nb(md("# T"), code(guarded, count=1)))
    assert read_problems(notebook) == ()


def _package_check(files: dict[str, str]) -> list[str]:
    from nb2prod.planning.plan import Plan
    from nb2prod.selfcheck import check_package

    plan = convert_notebook(notebook(md("# T"), code("x = 1"))).plan
    assert isinstance(plan, Plan)
    return [
        p.describe() for p in check_package(files, plan._replace(package="pkg"), {})
    ]


def test_an_import_of_a_module_the_package_does_not_have_is_a_problem():
    files = {
        "src/pkg/__init__.py": "",
        "src/pkg/steps.py": "from pkg.figures import save_figure\n\nsave_figure()\n",
        "tests/test_steps.py": "import pkg.missing\n",
    }
    assert _package_check(files) == [
        "src/pkg/steps.py:1: `pkg.figures` is imported, and the package has no such "
        "module",
        "tests/test_steps.py:1: `pkg.missing` is imported, and the package has no "
        "such module",
    ]


def test_imports_of_the_packages_modules_and_submodules_are_no_problem():
    files = {
        "src/pkg/__init__.py": "VERSION = 1\n",
        "src/pkg/steps.py": "def run():\n    return 1\n",
        "src/pkg/_local/__init__.py": "",
        "src/pkg/_local/helpers.py": "def helper():\n    return 2\n",
        "src/pkg/pipeline.py": (
            "from pkg import VERSION, steps\nfrom pkg._local import helpers\n"
            "from pkg.steps import run\nimport pkg._local.helpers\n\n"
            "print(VERSION, steps, helpers, run, pkg)\n"
        ),
    }
    assert _package_check(files) == []


def test_an_optional_import_and_one_from_a_broken_module_add_no_problem():
    files = {
        "src/pkg/__init__.py": "",
        "src/pkg/broken.py": "def f(:\n",
        "src/pkg/user.py": (
            "from pkg.broken import thing\n\n"
            "try:\n    from pkg.extras import more\nexcept ImportError:\n    more = None\n"
            "print(thing, more)\n"
        ),
    }
    (problem,) = _package_check(files)
    assert problem.startswith("src/pkg/broken.py:1: does not compile")


def test_a_value_read_before_the_cell_that_defines_it_is_a_problem():
    """karpathy's bigrams notebook reads `P.shape` in a cell above the one that makes
    `P`: it ran out of order, and the package's step received None and crashed while
    convert exited 0 with a warning that no cell defines `P`."""
    result = convert_notebook(
        notebook(
            md("# P"),
            code("import numpy as np"),
            md("## Show"),
            code("print(P.shape)"),
            md("## Make"),
            code("P = np.ones((3, 3))\nP /= P.sum(1, keepdims=True)"),
            path="p.ipynb",
        )
    )
    (problem,) = result.problems
    assert problem.path == "src/p/show.py" and problem.cell == 3
    assert problem.message.startswith("`P` is read before any cell defines it: cell 6")
    assert not any("`P`" in warning.message for warning in result.plan.warnings)


def test_a_read_the_cell_guards_is_no_problem():
    result = convert_notebook(
        notebook(
            code("try:\n    print(P)\nexcept NameError:\n    print('no P yet')"),
            code("P = 3\nprint(P)"),
        )
    )
    assert result.problems == ()


def test_a_function_reading_a_module_a_later_cell_imports_gets_the_import():
    """`collate` calls `torch.stack`, and `import torch` comes in a later cell (it runs
    before the call): the package's modules import torch at their top. The step took
    `torch` as a parameter the pipeline passed as None, and the run crashed."""
    result = convert_notebook(
        notebook(
            md("# Data"),
            code("def double(values):\n    return json.dumps(values * 2)"),
            code("jobs = {'double': double}"),
            md("## Use"),
            code("import json\nprint(jobs['double']([1]))"),
            path="late.ipynb",
        )
    )
    assert result.problems == ()
    assert "json=None" not in result.package["src/late/pipeline.py"]
    assert all(step.undefined == () for step in result.plan.steps)
