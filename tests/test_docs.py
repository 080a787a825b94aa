"""The documentation stays true: README commands, CI, and the JSON schema docs."""

from __future__ import annotations

import json
import re
import shlex
from importlib.resources import files
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SCHEMA = json.loads(
    files("nb2prod").joinpath("schemas/inspect.schema.json").read_text()
)


def _readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README, flags=re.DOTALL)


def test_readme_gives_exactly_two_setup_and_run_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    run_example, run_tests = commands
    assert "pip install -e ." in run_example and "nb2prod " in run_example
    assert 'pip install -e ".[dev]"' in run_tests and "pytest" in run_tests


def test_readme_example_command_names_a_shipped_example():
    run_example = _readme_commands()[0]
    notebooks = [word for word in shlex.split(run_example) if word.endswith(".ipynb")]
    assert notebooks
    assert all((ROOT / notebook).is_file() for notebook in notebooks)


def test_ci_runs_the_readme_test_command():
    assert _readme_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_inspect_docs_example_is_valid_under_the_schema():
    text = (ROOT / "docs" / "inspect-json.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.+?)\n```", text, flags=re.DOTALL)
    assert example is not None
    jsonschema.validate(json.loads(example.group(1)), SCHEMA)


def test_inspect_docs_describe_every_cell_and_syntax_field():
    text = (ROOT / "docs" / "inspect-json.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)`", text, flags=re.MULTILINE))
    for definition in ("cell", "syntax"):
        fields = set(SCHEMA["$defs"][definition]["properties"])
        missing = {f for f in fields if f not in documented and f"`{f}`" not in text}
        assert not missing, f"{definition} fields not documented: {sorted(missing)}"


def test_readme_example_command_installs_what_the_example_imports():
    """On a fresh machine `pip install -e .` alone left pandas and scikit-learn out:
    convert exited 1 (no installed version to pin them to) and the command stopped."""
    from nb2prod.convert import plan_notebook
    from nb2prod.reading.notebook import read_notebook

    words = shlex.split(_readme_commands()[0])
    files_named = [words[i + 1] for i, word in enumerate(words) if word == "-r"]
    assert files_named
    listed = {
        re.split(r"[<>=!~;\[ ]", line.strip())[0].lower()
        for name in files_named
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    notebook = next(word for word in words if word.endswith(".ipynb"))
    plan = plan_notebook(read_notebook(str(ROOT / notebook))).plan
    imported = {
        re.split(r"[<>=!~;\[ ]", requirement.name)[0].lower()
        for requirement in plan.requirements
        if requirement.source == "import"
    }
    assert imported and imported <= listed, imported - listed
