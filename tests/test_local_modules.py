"""Modules the notebook imports from its own folder travel with the package (issue 13):
copied under `PKG/_local/`, imports rewritten, never listed as PyPI requirements, and
the package runs from anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.reading.notebook import read_notebook
from nb2prod.testing import assert_transform, code, md, nb, write_nb
from nb2prod.transforms.local_imports import _LocalImports
from nb2prod.writer import write_package


def convert_and_run(notebook: Path, tmp_path: Path) -> tuple[dict[str, str], str]:
    """(the package's files, its log) when run from a folder of its own."""
    result = convert_notebook(read_notebook(str(notebook)))
    assert result.problems == (), result.problems
    write_package(result.package, tmp_path / "pkg")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    completed = subprocess.run(
        [sys.executable, "-m", "study"],
        cwd=elsewhere,
        env={"PYTHONPATH": str(tmp_path / "pkg" / "src"), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    return result.package, completed.stderr


def test_a_module_beside_the_notebook_is_copied_and_its_imports_required(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "helpers.py").write_text(
        "import json\nimport numpy as np\n\ndef total(values):\n"
        "    return int(np.sum(values)) + len(json.dumps(values))\n"
    )
    write_nb(
        project / "study.ipynb",
        nb(md("# Study"), code("import helpers\nprint(helpers.total([1, 2]))")),
    )
    files, log = convert_and_run(project / "study.ipynb", tmp_path)
    assert log.rstrip().endswith(": 9")
    assert "src/study/_local/helpers.py" in files
    requirements = files["requirements.txt"]
    assert "numpy==" in requirements
    assert "helpers" not in requirements


def test_a_package_on_a_path_the_notebook_adds_is_copied_with_what_it_imports(
    tmp_path,
):
    root = tmp_path / "repo"
    (root / "lib" / "tools").mkdir(parents=True)
    (root / "lib" / "tools" / "__init__.py").write_text("from .io import load\n")
    (root / "lib" / "tools" / "io.py").write_text(
        "import units\n\ndef load(x):\n    return units.scale(x)\n"
    )
    (root / "lib" / "units.py").write_text("def scale(x):\n    return 10 * x\n")
    (root / "notebooks").mkdir()
    write_nb(
        root / "notebooks" / "study.ipynb",
        nb(
            md("# Study"),
            code(
                "import os, sys\nsys.path.insert(0, os.path.join('..', 'lib'))\n"
                "import tools.io\nimport tools.io as tio\nfrom tools import load\n"
                "import tools"
            ),
            md("## Use"),
            code("print(tools.io.load(1), tio.load(2), load(3), tools.load(4))"),
        ),
    )
    files, log = convert_and_run(root / "notebooks" / "study.ipynb", tmp_path)
    assert "10 20 30 40" in log
    assert {
        "src/study/_local/tools/__init__.py",
        "src/study/_local/tools/io.py",
        "src/study/_local/units.py",
    } <= set(files)
    assert "from study._local import units" in files["src/study/_local/tools/io.py"]
    assert "tools" not in files["requirements.txt"]


@pytest.mark.slow  # starts an interpreter
def test_a_local_module_that_is_not_python_3_is_reported(tmp_path, run_cli):
    (tmp_path / "old.py").write_text("print 'hello'\n")
    write_nb(tmp_path / "study.ipynb", nb(md("# S"), code("import old\nold.f()")))
    outcome = run_cli(
        "convert", str(tmp_path / "study.ipynb"), "-o", str(tmp_path / "p")
    )
    assert outcome.exit_code == 1
    assert "local module `old` (old.py): old.py cannot be read as Python" in (
        outcome.stderr
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("import utils", "from pkg._local import utils"),
        ("import utils as u", "from pkg._local import utils as u"),
        ("import utils.io as uio", "from pkg._local.utils import io as uio"),
        (
            "import utils.io",
            "import pkg._local.utils.io\nfrom pkg._local import utils",
        ),
        ("from utils.io import load", "from pkg._local.utils.io import load"),
        ("from utils import *", "from pkg._local.utils import *"),
        (
            "import os, utils, json",
            "import os, json\nfrom pkg._local import utils",
        ),
        ("from . import utils", "from . import utils"),
        (
            "import utilsx\nfrom numpy import utils",
            "import utilsx\nfrom numpy import utils",
        ),
    ],
)
def test_imports_of_local_modules_reach_the_copies(before, after):
    assert_transform(_LocalImports("pkg._local", frozenset({"utils"})), before, after)


def test_a_module_the_notebook_downloads_is_no_requirement_and_fails_the_check():
    """`requests.get(...)` written to `helper_functions.py`, then imported (the
    mrdbourke course): no PyPI requirement is named after it (anyone could publish
    one), and convert says to put the file next to the notebook."""
    from nb2prod.testing import notebook

    result = convert_notebook(
        notebook(
            code(
                "import requests\n"
                "request = requests.get('https://example.org/helper_functions.py')\n"
                "with open('helper_functions.py', 'wb') as f:\n"
                "    f.write(request.content)"
            ),
            code("from helper_functions import plot_predictions\nplot_predictions()"),
        )
    )
    names = [r.name.split("=")[0] for r in result.plan.requirements]
    assert "helper-functions" not in names and "helper_functions" not in names
    assert result.plan.fetched_modules == ("helper_functions",)
    assert any(
        "writes `helper_functions.py`" in w.message for w in result.plan.warnings
    )
    assert [p.message for p in result.problems] == [
        "`helper_functions` is a file the notebook writes when it runs (a download): "
        "put `helper_functions.py` next to the notebook and convert again"
    ]
