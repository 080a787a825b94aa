"""`nb2prod verify`: a faithful package verifies, and deliberately broken ones do not.

Runs real notebooks in a real kernel (nbclient + ipykernel) and real packages in fresh
processes (marked slow); the comparison logic is also checked on snapshots directly.
What verify copies is tested in test_verify_copying.py, that it leaves the user's folders
unchanged and nothing running in test_verify_isolation.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nb2prod.testing import code, md, nb, write_nb
from nb2prod.verify.capture import snapshot_of
from nb2prod.verify.compare import Tolerance, compare

pytest.importorskip("nbclient", reason="verify needs nbclient (the verify extra)")
pytest.importorskip("ipykernel", reason="verify needs ipykernel (the verify extra)")

NOTEBOOK = nb(
    md("# Orders"),
    code("import json\nimport random\nTAX = 0.25\nrows = [3, 1, 2]"),
    md("## Clean"),
    code("rows = sorted(rows)\nnoise = random.random()\nprint('rows', rows)"),
    md("## Total"),
    code(
        "total = sum(rows) * (1 + TAX)\nsummary = {'n': len(rows), 'total': total}\n"
        "print('total', total)\nwith open('summary.json', 'w') as f:\n"
        "    json.dump(summary, f)"
    ),
)


@pytest.fixture
def converted(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "project").mkdir()
    write_nb(tmp_path / "project" / "orders.ipynb", NOTEBOOK)
    outcome = run_cli("convert", "project/orders.ipynb", "-o", "pkg")
    assert outcome.exit_code == 0, outcome.stderr
    return tmp_path


def _verify(run_cli) -> tuple[int, dict]:  # type: ignore[type-arg]
    outcome = run_cli("verify", "project/orders.ipynb", "pkg", "--format", "json")
    assert outcome.exit_code in (0, 1), outcome.stderr
    return outcome.exit_code, json.loads(outcome.stdout)


def _statuses(document: dict) -> dict[tuple[str, str], str]:  # type: ignore[type-arg]
    return {(row["step"], row["name"]): row["status"] for row in document["rows"]}


def _module_with(folder: Path, text: str) -> Path:
    (found,) = [
        path
        for path in (folder / "pkg" / "src" / "orders").glob("*.py")
        if text in path.read_text()
    ]
    return found


@pytest.mark.slow
def test_faithful_package_verifies(converted, run_cli):
    notebook_before = (converted / "project" / "orders.ipynb").read_bytes()
    package_before = {
        p: p.read_bytes() for p in (converted / "pkg").rglob("*") if p.is_file()
    }
    code_, document = _verify(run_cli)
    assert code_ == 0
    statuses = _statuses(document)
    assert statuses[("clean", "rows")] == "equal"
    # issue 15: no later step reads `noise`, so `clean` keeps it local
    assert ("clean", "noise") not in statuses
    assert statuses[("prepare_total", "summary")] == "equal"
    assert statuses[("output", "printed lines")] == "equal"
    assert statuses[("files", "summary.json")] == "equal"
    assert any("seeded" in note for note in document["notes"])
    # verify works on copies: neither the notebook nor the package changed, and the
    # notebook's folder did not receive the file the notebook writes
    assert (converted / "project" / "orders.ipynb").read_bytes() == notebook_before
    assert {
        p: p.read_bytes() for p in (converted / "pkg").rglob("*") if p.is_file()
    } == package_before
    assert not (converted / "project" / "summary.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ("TAX: float = 0.25", "TAX: float = 0.3", ("prepare_total", "summary")),
        ("rows = sorted(rows)", "rows = rows", ("clean", "rows")),
    ],
    ids=["constant", "dropped-statement"],
)
def test_a_changed_package_is_reported(converted, run_cli, old, new, changed):
    path = _module_with(converted, old) if "TAX" not in old else None
    path = path or converted / "pkg" / "src" / "orders" / "config.py"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    code_, document = _verify(run_cli)
    assert code_ == 1
    assert _statuses(document)[changed] == "different"
    assert document["different"] is True


@pytest.mark.slow
def test_swapped_statements_are_reported(converted, run_cli):
    path = _module_with(converted, "total = sum(rows)")
    text = path.read_text()
    first = "    total = sum(rows) * (1 + TAX)\n"
    second = '    summary = {"n": len(rows), "total": total}\n'
    assert first + second in text
    # swapping them makes `summary` read a `total` that does not exist yet: run fails
    path.write_text(text.replace(first + second, "    total = 0\n" + second + first))
    code_, document = _verify(run_cli)
    assert code_ == 1
    assert _statuses(document)[("prepare_total", "summary")] == "different"


@pytest.mark.slow
def test_a_dropped_step_is_reported(converted, run_cli):
    pipeline = converted / "pkg" / "src" / "orders" / "pipeline.py"
    text = pipeline.read_text()
    call = next(line for line in text.splitlines() if "= clean(" in line)
    pipeline.write_text(text.replace(call, call.split("=")[0] + "= [3, 1, 2]"))
    code_, document = _verify(run_cli)
    assert code_ == 1
    # the step never ran: nothing was captured after it, and its print never happened
    assert _statuses(document)[("clean", "rows")] == "not comparable"
    assert _statuses(document)[("output", "printed lines")] == "different"


@pytest.mark.slow
def test_cannot_run_is_exit_2_with_the_reason(converted, run_cli):
    broken = nb(code("x = 1"), code("raise ValueError('no data here')"))
    write_nb(converted / "project" / "orders.ipynb", broken)
    outcome = run_cli("verify", "project/orders.ipynb", "pkg")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("error: project/orders.ipynb: ")
    assert "the notebook failed: ValueError: no data here" in outcome.stderr
    assert outcome.stderr.count("\n") == 1


def test_no_package_folder_is_exit_2(converted, run_cli):
    shutil.rmtree(converted / "pkg" / "src")
    outcome = run_cli("verify", "project/orders.ipynb", "pkg")
    assert outcome.exit_code == 2
    assert "no package converted by nb2prod here" in outcome.stderr


def test_compare_tolerates_floats_within_rtol():
    tolerance = Tolerance(rtol=1e-6)
    assert (
        compare(snapshot_of(1.0), snapshot_of(1.0 + 1e-9), tolerance).status == "close"
    )
    assert compare(snapshot_of(1.0), snapshot_of(1.1), tolerance).status == "different"
    assert (
        compare(snapshot_of({1, 2}), snapshot_of({2, 1}), tolerance).status == "equal"
    )
    assert (
        compare(snapshot_of([1, 2]), snapshot_of([2, 1]), tolerance).status
        == "different"
    )


def test_compare_understands_arrays_frames_and_estimators():
    numpy = pytest.importorskip("numpy")
    pandas = pytest.importorskip("pandas")
    linear = pytest.importorskip("sklearn.linear_model")
    tolerance = Tolerance()
    a = numpy.arange(6.0).reshape(2, 3)
    assert compare(snapshot_of(a), snapshot_of(a.copy()), tolerance).status == "equal"
    verdict = compare(snapshot_of(a), snapshot_of(a.reshape(3, 2)), tolerance)
    assert (verdict.status, "shape" in verdict.detail) == ("different", True)
    frame = pandas.DataFrame({"a": [1, 2], "b": [0.5, 1.5]})
    other = frame.astype({"a": "float64"})
    verdict = compare(snapshot_of(frame), snapshot_of(other), tolerance)
    assert (verdict.status, "dtypes" in verdict.detail) == ("different", True)
    x, y = numpy.array([[0.0], [1.0], [2.0]]), numpy.array([0, 0, 1])
    fitted = linear.LogisticRegression().fit(x, y)
    again = linear.LogisticRegression().fit(x, y)
    assert compare(snapshot_of(fitted), snapshot_of(again), tolerance).status in (
        "equal",
        "close",
    )
    changed = linear.LogisticRegression(C=0.1).fit(x, y)
    assert compare(snapshot_of(fitted), snapshot_of(changed), tolerance).status == (
        "different"
    )


@pytest.mark.slow
def test_convert_verify_converts_then_verifies(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_nb(tmp_path / "orders.ipynb", NOTEBOOK)
    outcome = run_cli("convert", "orders.ipynb", "-o", "pkg", "--verify")
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.startswith("wrote pkg/: package orders")
    assert "same results:" in outcome.stdout
    assert "different" not in outcome.stdout.lower().replace("same results", "")
