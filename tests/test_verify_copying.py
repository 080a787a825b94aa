"""verify's working copies: real files and symlinks in tmp_path, copied, never linked.

Each test builds a folder the way users have them (data behind a symlink, absolute links,
loops, pipes, a large file) and checks that nothing in the copy leads back to the
user's files, and that whatever is left out is reported.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nb2prod.verify.copying import (
    SMALL_FILE_BYTES,
    CopyFailure,
    CopyRules,
    describe_skips,
    working_copy,
)


def _write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _no_link_leaves(copy: Path) -> None:
    """Every symlink in the copy resolves inside the copy (or nowhere)."""
    for path in copy.rglob("*"):
        if path.is_symlink():
            resolved = path.resolve()
            assert resolved == copy or copy in resolved.parents, (path, resolved)


def test_symlinks_to_outside_folders_and_files_are_copied_as_content(tmp_path):
    outside = tmp_path / "outside"
    _write(outside / "raw" / "in.csv", "a,b\n")
    _write(outside / "notes.txt", "keep")
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "data").symlink_to("../outside/raw")
    (folder / "notes.txt").symlink_to(outside / "notes.txt")
    copy = working_copy(folder, tmp_path / "copy", CopyRules()).path
    assert not (copy / "data").is_symlink() and not (copy / "notes.txt").is_symlink()
    assert (copy / "data" / "in.csv").read_text() == "a,b\n"
    (copy / "data" / "out.csv").write_text("written")
    with open(copy / "notes.txt", "a") as handle:
        handle.write(" more")
    assert sorted(p.name for p in outside.rglob("*")) == ["in.csv", "notes.txt", "raw"]
    assert (outside / "notes.txt").read_text() == "keep"


def test_links_inside_the_folder_stay_inside_the_copy(tmp_path):
    folder = tmp_path / "project"
    _write(folder / "inputs" / "rows.csv", "1\n")
    (folder / "absolute").symlink_to(folder / "inputs")  # absolute, to the real folder
    (folder / "inputs" / "current.csv").symlink_to("rows.csv")
    (folder / "self").symlink_to(".")
    copy = working_copy(folder, tmp_path / "copy", CopyRules()).path
    _no_link_leaves(copy)
    assert (copy / "absolute").resolve() == (copy / "inputs").resolve()
    (copy / "absolute" / "new.csv").write_text("x")
    assert not (folder / "inputs" / "new.csv").exists()
    assert (copy / "inputs" / "current.csv").read_text() == "1\n"


def test_dangling_looping_and_ancestor_links_are_skipped_and_reported(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "back").symlink_to(outside)  # a loop once the walk is outside
    folder = tmp_path / "work" / "project"
    _write(folder / "nb.ipynb", "{}")
    (folder / "gone").symlink_to(tmp_path / "missing")
    (folder / "up").symlink_to(tmp_path / "work")  # a folder holding the notebook's
    (folder / "ext").symlink_to(outside)
    copy = working_copy(folder, tmp_path / "copy", CopyRules())
    skipped = {(skip.path, skip.reason) for skip in copy.skipped}
    assert skipped == {("gone", "symlink"), ("up", "symlink"), ("ext/back", "symlink")}
    assert not (copy.path / "up").exists() and not (copy.path / "gone").exists()
    _no_link_leaves(copy.path)
    (note,) = describe_skips(copy.skipped)
    assert note.startswith("not copied for the runs: ext/back, gone, up (symlinks")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_pipes_are_skipped_not_opened(tmp_path):
    folder = tmp_path / "project"
    _write(folder / "nb.ipynb", "{}")
    os.mkfifo(folder / "feed")  # opening it to copy would block forever
    copy = working_copy(folder, tmp_path / "copy", CopyRules())
    assert [(s.path, s.reason) for s in copy.skipped] == [("feed", "special")]
    assert not (copy.path / "feed").exists()


def test_environments_caches_and_the_package_are_left_out(tmp_path):
    for relative in (
        "data/input.csv",
        "analysis.ipynb",
        ".venv/lib/big.bin",
        ".git/HEAD",
        ".pytest_cache/v",
        "__pycache__/m.pyc",
        "pkg/src/x.py",
    ):
        _write(tmp_path / "project" / relative)
    folder = tmp_path / "project"
    copy = working_copy(folder, tmp_path / "copy", CopyRules(), skip=folder / "pkg")
    kept = sorted(
        str(p.relative_to(copy.path)) for p in copy.path.rglob("*") if p.is_file()
    )
    assert kept == ["analysis.ipynb", "data/input.csv"]
    (note,) = describe_skips(copy.skipped)
    assert ".git" in note and ".venv" in note and "environments" in note
    assert "pkg" not in note  # the package is the subject, not the user's data


def test_past_the_budget_only_named_and_small_files_are_copied(tmp_path):
    folder = tmp_path / "project"
    big = SMALL_FILE_BYTES + 1
    _write(folder / "data" / "train.csv", "t" * big)
    _write(folder / "data" / "archive" / "old.csv", "o" * big)
    _write(folder / "config.yaml", "small")
    rules = CopyRules(max_bytes=2 * big, named=("data/train.csv", "./data/x/*.csv"))
    copy = working_copy(folder, tmp_path / "copy", rules)
    assert (copy.path / "data" / "train.csv").stat().st_size == big
    assert (copy.path / "config.yaml").exists()
    assert not (copy.path / "data" / "archive" / "old.csv").exists()
    assert [(s.path, s.reason) for s in copy.skipped] == [
        ("data/archive/old.csv", "budget")
    ]
    (note,) = describe_skips(copy.skipped)
    assert "data/archive/old.csv" in note and "copy budget" in note


def test_a_folder_whose_needed_files_exceed_the_budget_is_refused(tmp_path):
    folder = tmp_path / "project"
    _write(folder / "data" / "train.csv", "t" * (SMALL_FILE_BYTES + 1))
    rules = CopyRules(max_bytes=SMALL_FILE_BYTES, named=("data",))
    with pytest.raises(CopyFailure, match="exceed the 1 MiB copy budget"):
        working_copy(folder, tmp_path / "copy", rules)
    assert not (tmp_path / "copy").exists()


def test_the_copy_is_independent_of_hard_links_and_read_only_files(tmp_path):
    folder = tmp_path / "project"
    original = _write(folder / "rows.csv", "1\n")
    os.link(original, folder / "alias.csv")
    original.chmod(0o444)
    copy = working_copy(folder, tmp_path / "copy", CopyRules()).path
    (copy / "alias.csv").write_text("changed")
    assert original.read_text() == "1\n"
    assert (copy / "rows.csv").read_text() == "1\n"


def test_scratch_folders_of_ended_runs_are_removed_by_the_next(tmp_path, monkeypatch):
    from nb2prod.verify.copying import scratch_folder

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    # the owner's pid now belongs to another process (this one): it started later
    abandoned = _write(
        tmp_path / "nb2prod-verify-old" / "owner.txt", f"{os.getpid()} 0"
    )
    unowned = tmp_path / "nb2prod-verify-unknown"  # no owner file: not ours to judge
    unowned.mkdir()
    with scratch_folder() as running:  # a verification still running: its owner lives
        with scratch_folder() as scratch:
            assert scratch.is_dir() and running.is_dir()
            assert not abandoned.parent.exists()
        assert not scratch.exists()
    assert not running.exists()
    assert unowned.exists()
