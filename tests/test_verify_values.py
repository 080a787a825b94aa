"""verify on real notebooks (issue 13): timings are not compared, torch tensors and
modules are compared by value, the frameworks' own generators are seeded, and values of
any type pass through the package runner."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.reading.notebook import read_notebook
from nb2prod.testing import code, md, nb, write_nb
from nb2prod.verify import Tolerance
from nb2prod.verify.capture import snapshot_of
from nb2prod.verify.compare import compare
from nb2prod.verify.runs import seeded_frameworks
from nb2prod.writer import write_package


def verdict(left, right):  # type: ignore[no-untyped-def]
    return compare(snapshot_of(left), snapshot_of(right), Tolerance()).status


def test_timings_in_results_are_not_compared():
    left = {"mean_fit_time": [0.012, 0.013], "mean_test_score": [0.8, 0.9]}
    right = {"mean_fit_time": [0.5, 0.7], "mean_test_score": [0.8, 0.9]}
    assert verdict(left, right) == "equal"
    right["mean_test_score"] = [0.8, 0.95]
    assert verdict(left, right) == "different"


class Search:
    """Fitted like a scikit-learn search: parameters, a score and a refit time."""

    def __init__(self, refit_time: float, score: float) -> None:
        self.refit_time_ = refit_time
        self.best_score_ = score

    def get_params(self, deep: bool = False) -> dict[str, object]:
        return {"cv": 5}

    def fit(self) -> None:  # pragma: no cover - never called
        pass


def test_a_fitted_timing_attribute_is_not_compared():
    assert verdict(Search(0.1, 0.9), Search(3.0, 0.9)) == "equal"
    assert verdict(Search(0.1, 0.9), Search(0.1, 0.8)) == "different"


def test_a_class_the_notebook_defines_matches_the_class_the_package_moved():
    notebook = {"kind": "opaque", "type": "__main__.Net", "fingerprint": "a"}
    package = {"kind": "opaque", "type": "pkg.model.Net", "fingerprint": "a"}
    assert compare(notebook, package, Tolerance()).status == "equal"
    other = {"kind": "opaque", "type": "pkg.model.OtherNet", "fingerprint": "a"}
    assert compare(notebook, other, Tolerance()).status == "different"
    library = {"kind": "opaque", "type": "torch.nn.Linear", "fingerprint": "a"}
    assert compare(library, package, Tolerance()).status == "different"


def test_torch_tensors_and_modules_are_compared_by_value():
    torch = pytest.importorskip("torch")
    assert verdict(torch.ones(3), torch.ones(3)) == "equal"
    assert verdict(torch.ones(3), torch.zeros(3)) == "different"
    assert verdict(torch.ones(3, requires_grad=True), torch.ones(3)) == "equal"
    torch.manual_seed(0)
    first = torch.nn.Linear(2, 1)
    torch.manual_seed(0)
    second = torch.nn.Linear(2, 1)
    assert verdict(first, second) == "equal"
    with torch.no_grad():
        second.weight += 1
    assert verdict(first, second) == "different"

    class Net(torch.nn.Module):  # a notebook's own network
        def __init__(self) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(2, 1)

    torch.manual_seed(0)
    net, same = Net(), Net()
    same.load_state_dict(net.state_dict())
    assert verdict(net, same) == "equal"
    with torch.no_grad():
        same.layer.bias += 1
    assert verdict(net, same) == "different"


def test_the_frameworks_the_notebook_imports_are_seeded(tmp_path):
    notebook = tmp_path / "nb.ipynb"
    write_nb(notebook, nb(md("# T"), code("import numpy as np\nimport torch\nx = 1")))
    plan = convert_notebook(read_notebook(str(notebook))).plan
    assert seeded_frameworks(plan) == ["torch"]


@pytest.mark.slow
def test_a_displayed_tuple_logs_at_debug(tmp_path):
    """`a, b` shown by a cell is one value: its DEBUG record formats (it failed under
    verify, which runs the package at DEBUG)."""
    notebook = tmp_path / "study.ipynb"
    write_nb(notebook, nb(md("# T"), code("a = 1\nb = 2\na, b")))
    write_package(
        convert_notebook(read_notebook(str(notebook))).package, tmp_path / "p"
    )
    done = subprocess.run(
        [sys.executable, "-m", "study", "--log-level", "DEBUG"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "p" / "src"), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "DEBUG study.features: (a, b) = (1, 2)" in done.stderr
    assert "Logging error" not in done.stderr


@pytest.mark.slow
def test_a_module_the_notebook_reaches_through_sys_path_is_in_its_copy(tmp_path):
    """`sys.path.insert(0, "..")` then `import helpers`: verify's copy of the notebook's
    folder has the helper where that path reaches, and the package carries its own."""
    from nb2prod.verify import verify

    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    (root / "helpers.py").write_text("def twice(x):\n    return 2 * x\n")
    notebook = root / "notebooks" / "study.ipynb"
    write_nb(
        notebook,
        nb(
            md("# Study"),
            code("import sys\nsys.path.insert(0, '..')\nimport helpers"),
            md("## Use"),
            code("value = helpers.twice(21)\nprint(value)"),
        ),
    )
    write_package(
        convert_notebook(read_notebook(str(notebook))).package, tmp_path / "pkg"
    )
    report = verify(str(notebook), str(tmp_path / "pkg"))
    assert not report.different
    assert any(row.name == "value" and row.status == "equal" for row in report.rows)
