"""Where `convert` writes: only files it wrote itself, only inside the output folder.

Issue 12, problems 1, 2, 3, 6 (the folder's mode and leftovers) and 7 (names). Real
files in tmp_path, the CLI in-process; crash safety is in test_output_crash.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from folder_snapshots import USER_FILES, add_user_files, snapshot

from nb2prod.errors import ConversionError
from nb2prod.output.manifest import MANIFEST_NAME
from nb2prod.testing import code, md, nb, write_nb
from nb2prod.writer import write_package

NOTEBOOK = nb(
    md("# Sales"),
    code("import math\nRATE = 0.2\nvalues = [1, 2, 3]", count=1),
    md("## Total"),
    code("total = sum(values) * (1 + RATE)\nprint('total', total)", count=2),
    md("## Report"),
    code("print(f'{math.floor(total)} units')", count=3),
)
#: The same notebook a week later: the "Report" section became "Summary".
EDITED = nb(
    md("# Sales"),
    code("import math\nRATE = 0.25\nvalues = [1, 2, 3]", count=1),
    md("## Total"),
    code("total = sum(values) * (1 + RATE)\nprint('total', total)", count=2),
    md("## Summary"),
    code("print(f'{math.ceil(total)} units')", count=3),
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_nb(tmp_path / "sales.ipynb", NOTEBOOK)
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    return tmp_path


# -- problem 1: an output folder holding the user's work ----------------------------


@pytest.mark.parametrize("output", [".", "..", "{project}"])
def test_an_output_folder_holding_the_notebook_is_refused(
    run_cli, project, output, monkeypatch
):
    work = project / "work"
    work.mkdir()
    write_nb(work / "nb.ipynb", NOTEBOOK)
    (work / "data.csv").write_text("x\n1\n")
    monkeypatch.chdir(work)
    before = snapshot(project)
    outcome = run_cli(
        "convert", "nb.ipynb", "-o", output.format(project=project), "--force"
    )
    assert outcome.exit_code == 2
    assert "holds files nb2prod did not write" in outcome.stderr
    assert outcome.stderr.count("\n") == 1
    assert snapshot(project) == before


def test_a_package_folder_holding_the_notebook_is_regenerated_in_place(
    run_cli, project, monkeypatch
):
    """Once the folder is nb2prod's (it has a manifest), `-o .` from inside it is fine:
    only nb2prod's own files change, and the shell's folder stays where it is."""
    assert run_cli("convert", "sales.ipynb", "-o", "pkg").exit_code == 0
    shutil.copy(project / "sales.ipynb", project / "pkg" / "sales.ipynb")
    monkeypatch.chdir(project / "pkg")
    write_nb(project / "pkg" / "sales.ipynb", EDITED)
    inode = (project / "pkg").stat().st_ino
    outcome = run_cli("convert", "sales.ipynb", "-o", ".", "--force")
    assert outcome.exit_code == 0, outcome.stderr
    assert (project / "pkg").stat().st_ino == inode
    assert json.loads((project / "pkg" / "sales.ipynb").read_text())["cells"]
    assert (project / "pkg" / "src" / "sales" / "summary.py").is_file()
    assert not (project / "pkg" / "src" / "sales" / "report.py").exists()


# -- problem 2: --force replaces exactly the files nb2prod wrote ---------------------


def test_force_replaces_only_the_files_nb2prod_wrote(run_cli, project):
    assert run_cli("convert", "sales.ipynb", "-o", "pkg").exit_code == 0
    package = project / "pkg"
    add_user_files(package)
    (package / "data_link").symlink_to(project / "data.csv")
    write_nb(project / "sales.ipynb", EDITED)
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg", "--force")
    assert outcome.exit_code == 0, outcome.stderr
    for relative, content in USER_FILES.items():
        assert (package / relative).read_bytes() == content, relative
    assert os.readlink(package / "data_link") == str(project / "data.csv")
    assert (project / "data.csv").read_text() == "a,b\n1,2\n"
    # the generated files are the new package's, the module of the old section is gone
    manifest = json.loads((package / MANIFEST_NAME).read_text())["files"]
    assert "src/sales/summary.py" in manifest
    assert not (package / "src" / "sales" / "report.py").exists()
    assert "0.25" in (package / "src" / "sales" / "config.py").read_text()
    leftovers = [p.name for p in project.iterdir() if "nb2prod" in p.name]
    assert leftovers == []


def test_a_generated_file_the_user_edited_is_never_overwritten(run_cli, project):
    assert run_cli("convert", "sales.ipynb", "-o", "pkg").exit_code == 0
    module = project / "pkg" / "src" / "sales" / "total.py"
    module.write_text(module.read_text() + "# my fix\n")
    write_nb(project / "sales.ipynb", EDITED)
    before = snapshot(project / "pkg")
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg", "--force")
    assert outcome.exit_code == 2
    assert "src/sales/total.py (changed since nb2prod wrote it)" in outcome.stderr
    assert snapshot(project / "pkg") == before


def test_a_generated_file_the_user_edited_is_not_deleted_when_no_longer_generated(
    run_cli, project
):
    assert run_cli("convert", "sales.ipynb", "-o", "pkg").exit_code == 0
    module = project / "pkg" / "src" / "sales" / "report.py"
    module.write_text(module.read_text() + "# my fix\n")
    write_nb(project / "sales.ipynb", EDITED)  # no "Report" section any more
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg", "--force")
    assert outcome.exit_code == 2
    assert "report.py (changed since nb2prod wrote it; no longer generated)" in (
        outcome.stderr
    )
    assert module.read_text().endswith("# my fix\n")


def test_a_user_file_where_a_new_generated_file_goes_is_never_overwritten(
    run_cli, project
):
    assert run_cli("convert", "sales.ipynb", "-o", "pkg").exit_code == 0
    mine = project / "pkg" / "src" / "sales" / "summary.py"
    mine.write_text("# my own module\n")
    write_nb(project / "sales.ipynb", EDITED)
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg", "--force")
    assert outcome.exit_code == 2
    assert "src/sales/summary.py (not written by nb2prod)" in outcome.stderr
    assert mine.read_text() == "# my own module\n"


def test_a_link_where_a_generated_folder_goes_is_not_followed(run_cli, project):
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    assert run_cli("convert", "sales.ipynb", "-o", "pkg").exit_code == 0
    shutil.rmtree(project / "pkg" / "tests")
    (project / "pkg" / "tests").symlink_to(elsewhere)
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg", "--force")
    assert outcome.exit_code == 2
    assert "tests (a link or file where a folder goes)" in outcome.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_manifest_cannot_make_nb2prod_delete_outside_the_folder(run_cli, project):
    assert run_cli("convert", "sales.ipynb", "-o", "pkg").exit_code == 0
    victim = project / "victim.txt"
    victim.write_text("precious\n")
    path = project / "pkg" / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    import hashlib

    digest = hashlib.sha256(b"precious\n").hexdigest()
    manifest["files"].update({"../victim.txt": digest, str(victim): digest})
    path.write_text(json.dumps(manifest))
    write_nb(project / "sales.ipynb", EDITED)
    assert run_cli("convert", "sales.ipynb", "-o", "pkg", "--force").exit_code == 0
    assert victim.read_text() == "precious\n"


def test_check_lists_generated_files_the_package_no_longer_has(run_cli, project):
    assert run_cli("convert", "sales.ipynb", "-o", "pkg").exit_code == 0
    write_nb(project / "sales.ipynb", EDITED)
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg", "--check")
    assert outcome.exit_code == 1
    assert "sales.ipynb: would change pkg/src/sales/report.py\n" in outcome.stdout


# -- problem 3: every write stays inside the output folder --------------------------


@pytest.mark.parametrize(
    "path",
    ["../../../somewhere/file.txt", "{tmp}/abs.txt", "~/home.txt", "$HOME/x.txt"],
)
@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_writefile_outside_the_package_is_not_written(run_cli, project, path):
    path = path.format(tmp=project / "outside")
    notebook = nb(
        md("# Files"),
        code(f"%%writefile {path}\nSECRET = 1\n", count=1),
        code("%%writefile conf/settings.ini\n[a]\nb = 1\n", count=2),
        code("print('done')", count=3),
    )
    write_nb(project / "files.ipynb", notebook)
    before = snapshot(project)
    outcome = run_cli("convert", "files.ipynb", "-o", "deep/down/pkg")
    assert outcome.exit_code == 0, outcome.stderr
    assert "writes outside the package folder" in outcome.stderr
    package = project / "deep" / "down" / "pkg"
    written = snapshot(project)
    added = {key for key in written if key not in before}
    assert all(key.startswith("deep") for key in added), added
    assert (package / "data" / "conf" / "settings.ini").read_text() == "[a]\nb = 1\n"
    module = next((package / "src" / "files").glob("*.py"))
    text = "".join(p.read_text() for p in (package / "src" / "files").glob("*.py"))
    assert "# TODO(nb2prod): %%writefile" in text, module
    assert not Path(os.path.expanduser("~/home.txt")).exists()


def test_the_writer_refuses_a_path_that_leaves_the_folder(tmp_path):
    with pytest.raises(ConversionError):
        write_package({"ok.txt": "1", "../escape.txt": "2"}, tmp_path / "pkg")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# -- problem 6: the folder is an ordinary one, leftovers are cleaned ----------------


def test_the_package_folder_gets_the_usual_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        write_package({"a.txt": "1\n", "src/b.py": "x = 1\n"}, tmp_path / "pkg")
    finally:
        os.umask(mask)
    assert oct((tmp_path / "pkg").stat().st_mode & 0o777) == oct(0o755)
    assert oct((tmp_path / "pkg" / "a.txt").stat().st_mode & 0o777) == oct(0o644)


def test_leftovers_of_an_interrupted_run_are_cleaned_by_the_next(tmp_path):
    write_package({"a.txt": "1\n"}, tmp_path / "pkg")
    stale = tmp_path / ".pkg.nb2prod-abc123"  # killed before it recorded anything
    (stale / "package" / "src").mkdir(parents=True)
    (stale / "package" / "src" / "half.py").write_text("x = ")
    report = write_package({"a.txt": "2\n"}, tmp_path / "pkg", force=True)
    assert report.warnings == ()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]
    assert (tmp_path / "pkg" / "a.txt").read_text() == "2\n"


def test_a_file_at_the_output_path_is_refused(run_cli, project):
    (project / "pkg").write_text("a file")
    outcome = run_cli("convert", "sales.ipynb", "-o", "pkg", "--force")
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith("pkg: exists and is not a folder\n")
    assert (project / "pkg").read_text() == "a file"


# -- environment faults: one line, the old package intact ---------------------------


def _can_make_immutable(folder: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        return False
    probe = folder / "probe"
    probe.mkdir()
    done = subprocess.run(["chattr", "+i", str(probe)], capture_output=True)
    if done.returncode == 0:
        subprocess.run(["chattr", "-i", str(probe)], check=True)
    probe.rmdir()
    return done.returncode == 0


def test_a_read_only_parent_folder_is_one_error_line(run_cli, project):
    parent = project / "locked"
    parent.mkdir()
    immutable = _can_make_immutable(project)
    if immutable:
        subprocess.run(["chattr", "+i", str(parent)], check=True)
    else:
        if os.geteuid() == 0:
            pytest.skip("root ignores permissions and chattr is not available")
        parent.chmod(0o555)
    try:
        outcome = run_cli("convert", "sales.ipynb", "-o", "locked/pkg")
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(parent)], check=True)
        parent.chmod(0o755)
    assert outcome.exit_code == 2
    assert "internal error" not in outcome.stderr
    assert outcome.stderr.startswith(f"error: {parent / 'pkg'}: cannot write")
    assert outcome.stderr.count("\n") == 1
    assert list(parent.iterdir()) == []


# -- problem 7: package names --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("os", "shadows the standard-library module `os`"),
        ("sys", "shadows the standard-library module `sys`"),
        ("json", "shadows the standard-library module `json`"),
        ("x.y", "dotted names"),
        ("class", "keyword"),
        ("None", "keyword"),
        ("a b", "not a Python identifier"),
        ("Foo-Bar", "not a Python identifier"),
        ("1abc", "not a Python identifier"),
        ("math", "shadows the standard-library module `math`"),
    ],
)
def test_a_name_that_cannot_name_the_package_is_refused(run_cli, project, name, reason):
    for extra in ((), ("--dry-run",)):
        outcome = run_cli("convert", "sales.ipynb", "--name", name, "-o", "pkg", *extra)
        assert outcome.exit_code == 2
        assert outcome.stderr.startswith(f"error: --name {name}: cannot name")
        assert reason in outcome.stderr
        assert "try --name " in outcome.stderr
        assert "internal error" not in outcome.stderr
        assert not (project / "pkg").exists()


def test_the_suggested_name_is_accepted(run_cli, project):
    outcome = run_cli("convert", "sales.ipynb", "--name", "Foo-Bar", "-o", "pkg")
    suggestion = outcome.stderr.rsplit("try --name ", 1)[1].strip()
    assert suggestion == "foo_bar"
    assert (
        run_cli("convert", "sales.ipynb", "--name", suggestion, "-o", "pkg").exit_code
        == 0
    )
    assert (project / "pkg" / "src" / "foo_bar" / "pipeline.py").is_file()


def test_a_name_taken_from_the_file_name_does_not_shadow_an_import(run_cli, project):
    notebook = nb(md("# Model"), code("import numpy\nprint(numpy)", count=1))
    write_nb(project / "numpy.ipynb", notebook)
    outcome = run_cli("convert", "numpy.ipynb", "--dry-run", "--format", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["plan"]["package"] == "numpy_pkg"
    outcome = run_cli("convert", "numpy.ipynb", "--name", "numpy", "--dry-run")
    assert outcome.exit_code == 2
    assert "shadows `numpy`, which the notebook imports" in outcome.stderr


def test_a_name_taken_from_the_file_name_does_not_shadow_a_module_beside_it(
    run_cli, project
):
    (project / "sales.py").write_text("RATE = 1\n")  # `python -m sales` would find it
    outcome = run_cli("convert", "sales.ipynb", "--dry-run", "--format", "json")
    assert json.loads(outcome.stdout)["plan"]["package"] == "sales_pkg"
    outcome = run_cli("convert", "sales.ipynb", "--name", "sales", "--dry-run")
    assert outcome.exit_code == 2
    assert "a module `sales` sits beside the notebook; try --name sales_pkg" in (
        outcome.stderr
    )
