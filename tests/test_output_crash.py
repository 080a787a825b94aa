"""A replacement killed at any moment loses nothing (issue 12, problem 6).

A real process replaces a package folder that also holds the user's files and is
killed with SIGKILL at each step that changes the disk in turn (the writer's
`NB2PROD_TEST_KILL_AT` hook), until a run gets through. After every kill the folder
must hold the complete old or the complete new package with every user file intact
(for the swap), or hold them once the next run has recovered (for the in-place
fallback), and the next run leaves no leftovers. A full disk (a file size limit) is a
clean error that changes nothing.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from folder_snapshots import USER_FILES, add_user_files, snapshot
from test_output_folder import NOTEBOOK

from nb2prod.output.manifest import MANIFEST_NAME, manifest_of
from nb2prod.writer import write_package

pytestmark = pytest.mark.slow

OLD = {
    "pyproject.toml": "[project]\nname = 'p'\n",
    "README.md": "# p\n",
    "src/p/__init__.py": "",
    "src/p/load.py": "x = 1\n",
    "src/p/report.py": "print('old')\n",
}
NEW = {
    "pyproject.toml": "[project]\nname = 'p'\nversion = '2'\n",
    "README.md": "# p, now with a summary\n",
    "src/p/__init__.py": "",
    "src/p/load.py": "x = 1\n",
    "src/p/summary.py": "print('new')\n",
    "tests/test_p.py": "def test_p():\n    pass\n",
}
WRITE = (
    "import json, sys\n"
    "from pathlib import Path\n"
    "from nb2prod.writer import write_package\n"
    "package = json.loads(Path(sys.argv[1]).read_text())\n"
    "write_package(package, Path(sys.argv[2]), force=True)\n"
)


def expected(package: dict[str, str]) -> dict[str, object]:
    """The snapshot of a package folder holding `package` and the user's files."""
    files: dict[str, bytes] = {k: v.encode() for k, v in package.items()}
    files[MANIFEST_NAME] = manifest_of(package).render().encode()
    files.update(USER_FILES)
    entries: dict[str, object] = dict(files)
    for relative in files:
        parts = relative.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            entries["/".join(parts[:depth])] = "folder"
    return dict(sorted(entries.items()))


def prepare(root: Path) -> tuple[Path, Path]:
    """A package folder with the old package and the user's files; the new package."""
    root.mkdir()
    target = root / "pkg"
    write_package(OLD, target)
    add_user_files(target)
    package = root / "new.json"
    package.write_text(json.dumps(NEW))
    return target, package


def run_writer(package: Path, target: Path, kill_at: int, cwd: Path) -> int:
    environment = {**os.environ, "NB2PROD_TEST_KILL_AT": str(kill_at)}
    done = subprocess.run(
        [sys.executable, "-c", WRITE, str(package), str(target)],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, -signal.SIGKILL), done.stderr
    return done.returncode


def leftovers(root: Path, target: Path) -> list[str]:
    beside = [p.name for p in root.iterdir() if p.name.startswith(".pkg.nb2prod-")]
    inside = [p.name for p in target.iterdir() if p.name.startswith(".nb2prod-")]
    return beside + [n for n in inside if n != MANIFEST_NAME]


@pytest.mark.parametrize("where", ["swap", "in_place"])
def test_a_kill_at_any_step_loses_nothing(tmp_path, where):
    old, new = expected(OLD), expected(NEW)
    kills = 0
    for kill_at in range(1, 500):
        root = tmp_path / f"run{kill_at}"
        target, package = prepare(root)
        # from inside the folder the writer replaces files in place (a swap would
        # strand the user's shell in the old folder)
        cwd = target if where == "in_place" else root
        code = run_writer(package, target, kill_at, cwd)
        if code == 0:
            assert snapshot(target) == new
            assert leftovers(root, target) == []
            break
        kills += 1
        state = snapshot(target)
        if where == "swap":
            # the swap is atomic: the folder is always one whole package
            assert state in (old, new), f"killed at step {kill_at}"
        else:
            for relative, content in USER_FILES.items():
                assert state[relative] == content, (kill_at, relative)
        # the next run finishes the job, whatever the kill left
        previous = os.getcwd()
        os.chdir(cwd)
        try:
            write_package(NEW, target, force=True)
        finally:
            os.chdir(previous)
        assert snapshot(target) == new, f"recovery after step {kill_at}"
        assert leftovers(root, target) == [], f"leftovers after step {kill_at}"
    assert kills >= 10  # the hook reached every step of a real replacement


@pytest.mark.slow  # starts an interpreter
def test_a_kill_of_the_command_line_in_mid_replacement_is_recovered(tmp_path):
    notebook = tmp_path / "sales.ipynb"
    from nb2prod.testing import write_nb

    write_nb(notebook, NOTEBOOK)
    command = [sys.executable, "-m", "nb2prod", "convert", str(notebook), "-o", "pkg"]
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    target = tmp_path / "pkg"
    add_user_files(target)
    before = snapshot(target)
    environment = {**os.environ, "NB2PROD_TEST_KILL_AT": "12"}
    killed = subprocess.run(
        [*command, "--force"], cwd=tmp_path, env=environment, capture_output=True
    )
    assert killed.returncode == -signal.SIGKILL
    assert snapshot(target) == before  # nothing new changed yet, or all of it
    assert any(p.name.startswith(".pkg.nb2prod-") for p in tmp_path.iterdir())
    again = subprocess.run([*command, "--force"], cwd=tmp_path, capture_output=True)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg", "sales.ipynb"]
    for relative, content in USER_FILES.items():
        assert (target / relative).read_bytes() == content


def _limit_file_size(size: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


@pytest.mark.slow  # starts an interpreter
def test_a_full_disk_is_one_error_line_and_changes_nothing(tmp_path):
    target, package = prepare(tmp_path / "root")
    big = {**NEW, "data/big.csv": "x\n" * 5000}
    package.write_text(json.dumps(big))
    before = snapshot(target)
    done = subprocess.run(
        [sys.executable, "-c", WRITE, str(package), str(target)],
        preexec_fn=_limit_file_size(4096),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "OutputWriteError" in done.stderr
    assert "the disk is full or a file size limit was reached" in done.stderr
    assert snapshot(target) == before
    assert leftovers(tmp_path / "root", target) == []


@pytest.mark.slow  # starts an interpreter
def test_a_full_disk_through_the_command_line(tmp_path):
    from nb2prod.testing import code, md, nb, write_nb

    notebook = tmp_path / "big.ipynb"
    rows = "\n".join(f"row {n}" for n in range(3000))
    write_nb(
        notebook,
        nb(
            md("# Big"), code(f"%%writefile rows.txt\n{rows}\n", count=1), code("x = 1")
        ),
    )
    done = subprocess.run(
        [sys.executable, "-m", "nb2prod", "convert", str(notebook), "-o", "pkg"],
        cwd=tmp_path,
        preexec_fn=_limit_file_size(8192),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "the disk is full or a file size limit was reached" in done.stderr
    assert "internal error" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.ipynb"]
