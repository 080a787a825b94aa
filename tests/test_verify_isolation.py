"""verify leaves the user's folders as they were and leaves nothing running or behind.

Real kernels, real packages, real signals: a notebook and a package that write files
(also through symlinks to other folders), checked against a snapshot of every folder
involved; and `nb2prod verify` run as a subprocess, killed with SIGTERM or SIGINT while
the kernel or the package sleeps, checked for surviving processes and temporary folders.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nb2prod.testing import code, md, nb, write_nb

pytest.importorskip("nbclient", reason="verify needs nbclient (the verify extra)")
pytest.importorskip("ipykernel", reason="verify needs ipykernel (the verify extra)")

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc"
)

WRITER = nb(
    md("# Load"),
    code(
        # a module next to the notebook: importing it may write __pycache__ there
        "import importlib\nimport os\nhelper = importlib.import_module('helper')\n"
        "rows = open('data/in.csv').read()\n"
        "kept = open('inputs/rows.csv').read()"
    ),
    md("## Write"),
    code(
        "os.makedirs('models', exist_ok=True)\nos.makedirs('outputs', exist_ok=True)\n"
        "os.makedirs('logs', exist_ok=True)\n"
        "os.makedirs('.ipynb_checkpoints', exist_ok=True)\n"
        "open('data/out.csv', 'w').write(rows)\n"
        "open('linked.txt', 'a').write('appended')\n"
        "open('absolute/new.csv', 'w').write(kept)\n"
        "open('models/model.txt', 'w').write(helper.NAME)\n"
        "open('outputs/result.txt', 'w').write('r')\n"
        "open('logs/run.log', 'w').write('l')\n"
        "open('../climbed.txt', 'w').write('c')\n"
        "print('wrote', len(rows))"
    ),
)

#: Appended to the package: it writes next to its own modules and its folder at import.
PACKAGE_WRITES = """
from pathlib import Path as _Path

(_Path(__file__).parent / "stamp.txt").write_text("x")
(_Path(__file__).parents[2] / "models").mkdir(exist_ok=True)
"""


def _snapshot(*folders: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under the folders (the folders too): kind, size, mtime, link target."""
    found: dict[str, tuple[object, ...]] = {}
    for folder in folders:
        for root, directories, files in os.walk(folder):
            for name in [".", *directories, *files]:
                path = Path(root) / name
                status = path.lstat()
                target = os.readlink(path) if path.is_symlink() else None
                found[str(path)] = (status.st_mode, status.st_size, status.st_mtime_ns)
                found[str(path)] += (target,)
    return found


@pytest.mark.slow
def test_verify_leaves_notebook_package_and_linked_folders_unchanged(
    tmp_path, run_cli, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    outside = tmp_path / "outside"
    (outside / "data").mkdir(parents=True)
    (outside / "data" / "in.csv").write_text("a,b\n1,2\n")
    (outside / "notes.txt").write_text("user's notes")
    project = tmp_path / "project"
    (project / "inputs").mkdir(parents=True)
    (project / "inputs" / "rows.csv").write_text("3\n")
    (project / "helper.py").write_text("NAME = 'model'\n")
    (project / "data").symlink_to(outside / "data")
    (project / "linked.txt").symlink_to(outside / "notes.txt")
    (project / "absolute").symlink_to(project / "inputs")
    write_nb(project / "writer.ipynb", WRITER)
    converted = run_cli("convert", "project/writer.ipynb", "-o", "pkg")
    assert converted.exit_code == 0, converted.stderr
    init = tmp_path / "pkg" / "src" / "writer" / "__init__.py"
    init.write_text(init.read_text() + PACKAGE_WRITES)
    folders = (project, tmp_path / "pkg", outside)
    before = _snapshot(*folders)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()

    outcome = run_cli("verify", "project/writer.ipynb", "pkg", "--format", "json")

    assert outcome.exit_code in (0, 1), outcome.stderr
    assert _snapshot(*folders) == before
    rows = {row["name"]: row["status"] for row in json.loads(outcome.stdout)["rows"]}
    # the writes happened, in the copies: both sides wrote the same bytes there
    for written in ("data/out.csv", "linked.txt", "inputs/new.csv", "models/model.txt"):
        assert rows[written] == "equal", written
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / "climbed.txt").exists()  # `..` stayed in the scratch folder


@pytest.mark.slow
def test_what_the_copies_leave_out_is_reported(tmp_path, run_cli, monkeypatch):
    from nb2prod.verify import verify
    from nb2prod.verify.copying import SMALL_FILE_BYTES

    monkeypatch.chdir(tmp_path)
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / "archive.bin").write_bytes(b"0" * (SMALL_FILE_BYTES + 1))
    (project / "rows.csv").write_text("1\n2\n")
    notebook = nb(md("# Load"), code("rows = open('rows.csv').read().split()"))
    write_nb(project / "load.ipynb", notebook)
    assert run_cli("convert", "project/load.ipynb", "-o", "pkg").exit_code == 0
    report = verify("project/load.ipynb", "pkg", max_copy_bytes=SMALL_FILE_BYTES)
    assert not report.different
    assert report.notes[1:] == (
        "not copied for the runs: archive.bin (1 MiB the notebook does not name, "
        "over the copy budget)",
        "not copied for the runs: .git (version control, environments and caches)",
    )


def test_a_notebook_writing_to_an_absolute_path_is_not_run(
    tmp_path, run_cli, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "elsewhere" / "out.csv"
    notebook = nb(
        md("# Save"), code(f"rows = [1]\nopen({str(target)!r}, 'w').write('x')")
    )
    write_nb(tmp_path / "save.ipynb", notebook)
    assert run_cli("convert", "save.ipynb", "-o", "pkg").exit_code == 0
    outcome = run_cli("verify", "save.ipynb", "pkg")
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        f"error: save.ipynb: cell 2, line 2: the notebook writes to {str(target)!r}, "
        "outside the temporary copy verify runs it in; make the path relative to run "
        "verify\n"
    )
    assert not target.parent.exists()


#: Sleeps where PAUSE_IN says (the kernel, or the package's process), after writing its
#: pid to PAUSE_MARK, so that a test can signal verify at a known moment.
PAUSING = nb(
    md("# Load"),
    code("import os\nimport sys\nimport time\nrows = [1, 2]"),
    md("## Pause"),
    code(
        "in_kernel = 'ipykernel' in sys.modules\n"
        "if in_kernel == (os.environ['PAUSE_IN'] == 'kernel'):\n"
        "    with open(os.environ['PAUSE_MARK'], 'w') as mark:\n"
        "        mark.write(str(os.getpid()))\n"
        "    time.sleep(120)\n"
        "total = sum(rows)"
    ),
)


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of every live process, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()
        if fields[0] != "Z":
            found[int(entry.name)] = (int(fields[1]), fields[19])
    return found


def _family(pid: int) -> set[tuple[int, str]]:
    processes = _processes()
    family, pending = set(), [pid]
    while pending:
        parent = pending.pop()
        for child, (ppid, started) in processes.items():
            if ppid == parent:
                family.add((child, started))
                pending.append(child)
    return family


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


@pytest.fixture
def pausing_package(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "project").mkdir()
    write_nb(tmp_path / "project" / "pause.ipynb", PAUSING)
    converted = run_cli("convert", "project/pause.ipynb", "-o", "pkg")
    assert converted.exit_code == 0, converted.stderr
    return tmp_path


@pytest.mark.slow
@needs_proc
@pytest.mark.parametrize(
    ("side", "signum"),
    [
        ("kernel", signal.SIGTERM),
        ("kernel", signal.SIGINT),
        ("package", signal.SIGTERM),
    ],
    ids=["kernel-sigterm", "kernel-sigint", "package-sigterm"],
)
def test_a_signal_stops_every_process_and_removes_the_temporary_folder(
    pausing_package, side, signum
):
    folder = pausing_package
    temporary, mark = folder / "tmp", folder / "mark"
    temporary.mkdir()
    environment = {
        **os.environ,
        "TMPDIR": str(temporary),
        "PAUSE_IN": side,
        "PAUSE_MARK": str(mark),
    }
    command = [sys.executable, "-m", "nb2prod", "verify", "project/pause.ipynb", "pkg"]
    verify = subprocess.Popen(
        command,
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        paused = int(_wait_for(mark, verify, 60))
        family = _family(verify.pid)
        assert paused in {pid for pid, _ in family}  # the kernel, or the package
        verify.send_signal(signum)
        _, stderr = verify.communicate(timeout=30)
    finally:
        verify.kill()
    alive = {(pid, started) for pid, (_, started) in _processes().items()}
    assert family & alive == set()  # the kernel, the package, all they started
    assert list(temporary.iterdir()) == []
    name = signal.Signals(signum).name
    assert stderr.startswith(f"error: project/pause.ipynb: interrupted by {name}; ")
    assert stderr.count("\n") == 1
    assert verify.returncode == 128 + signum  # 143 for SIGTERM, 130 for SIGINT


@pytest.mark.slow
@needs_proc
def test_killing_verify_outright_still_stops_the_kernel(pausing_package):
    folder, mark = pausing_package, pausing_package / "mark"
    (folder / "tmp").mkdir()  # what SIGKILL leaves behind stays in tmp_path
    environment = {
        **os.environ,
        "TMPDIR": str(folder / "tmp"),
        "PAUSE_IN": "kernel",
        "PAUSE_MARK": str(mark),
    }
    command = [sys.executable, "-m", "nb2prod", "verify", "project/pause.ipynb", "pkg"]
    verify = subprocess.Popen(command, cwd=folder, env=environment, text=True)
    try:
        _wait_for(mark, verify, 60)
        family = _family(verify.pid)
    finally:
        verify.kill()  # SIGKILL: no handler, no cleanup in nb2prod itself
        verify.wait()
    deadline = time.monotonic() + 10
    alive = family
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = family & {(p, started) for p, (_, started) in _processes().items()}
    assert alive == set()  # each side noticed it was orphaned and stopped


@pytest.mark.slow
@needs_proc
def test_a_timeout_stops_the_process_and_what_it_started_in_its_own_session(
    tmp_path,
):
    from nb2prod.verify.processes import run_process

    # like nbclient starting a kernel: a child in a session of its own, still running
    spawn = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],"
        " start_new_session=True)\n"
        "open(sys.argv[1], 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    mark = tmp_path / "child"
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        run_process(
            [sys.executable, "-c", spawn, str(mark)],
            tmp_path,
            dict(os.environ),
            timeout=1.5,
            log=tmp_path / "log",
        )
    assert time.monotonic() - started < 10
    assert int(mark.read_text()) not in _processes()


@pytest.mark.slow  # starts an interpreter
def test_an_interpreter_that_cannot_start_is_exit_2_and_leaves_nothing(
    pausing_package, run_cli, monkeypatch
):
    monkeypatch.setattr("tempfile.tempdir", str(pausing_package / "tmp"))
    (pausing_package / "tmp").mkdir()
    missing = str(pausing_package / "no-python")
    outcome = run_cli("verify", "project/pause.ipynb", "pkg", "--python", missing)
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        f"error: project/pause.ipynb: cannot start {missing}: No such file or directory\n"
    )
    assert list((pausing_package / "tmp").iterdir()) == []
