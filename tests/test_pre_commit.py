"""The hooks in .pre-commit-hooks.yaml, driven by the real `pre-commit` in a git repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.testing import code, md, nb, write_nb

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("repo")
    for args in (["init", "-q"], ["config", "user.email", "t@example.com"],
                 ["config", "user.name", "t"]):  # fmt: skip
        subprocess.run(["git", *args], cwd=folder, check=True)
    write_nb(folder / "good.ipynb", nb(md("# Good"), code("x = 1", count=1)))
    write_nb(folder / "bad.ipynb", nb(md("# Bad"), code("print('x')", count=1)))
    subprocess.run(["git", "add", "."], cwd=folder, check=True)
    return folder


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")  # shared: one hook environment


def _try_repo(
    repo: Path, home: Path, *files: str, hook: str = "nb2prod-lint"
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--files", *files],
        cwd=repo, env=environment, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def test_lint_hook_passes_a_good_notebook_and_fails_a_bad_one(repo, home):
    good = _try_repo(repo, home, "good.ipynb")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "nb2prod lint" in good.stdout and "Passed" in good.stdout
    bad = _try_repo(repo, home, "bad.ipynb")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "bad.ipynb:cell 2:1:1: NB401" in bad.stdout


def test_convert_check_hook_fails_when_the_package_is_stale(repo, home):
    from nb2prod.convert import convert_notebook
    from nb2prod.reading.notebook import read_notebook
    from nb2prod.writer import write_package

    (repo / "pyproject.toml").write_text(
        '[tool.nb2prod.convert.packages]\n"good.ipynb" = "packages/good"\n'
    )
    write_package(convert_notebook(read_notebook(repo / "good.ipynb")).package,
                  repo / "packages" / "good")  # fmt: skip
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    fresh = _try_repo(
        repo, home, "good.ipynb", "bad.ipynb", hook="nb2prod-convert-check"
    )
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    write_nb(repo / "good.ipynb", nb(md("# Good"), code("x = 2\nprint(x)", count=1)))
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    stale = _try_repo(repo, home, "good.ipynb", hook="nb2prod-convert-check")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "good.ipynb: would change packages/good/" in stale.stdout
