"""Black formatting of generated files: two processes give exactly what one gives, and a
file that does not compile is reported whichever process formatted it."""

from __future__ import annotations

import black
import pytest

from nb2prod.emit import formatting
from nb2prod.emit.formatting import GeneratedCodeError, format_files
from nb2prod.emit.package import template_renderer

needs_fork = pytest.mark.skipif(
    not formatting._spare_core(), reason="needs fork and a second CPU"
)


def _module(index: int, lines: int) -> str:
    """Unformatted but valid Python: single quotes, long calls, crowded operators."""
    body = "\n".join(
        f"def f_{index}_{n}(a,b = {n}):\n    return {{'k':a+b*{n}, 'name':'x{n}'}}"
        for n in range(lines // 2)
    )
    return f"import os\n{body}\n"


def _files() -> dict[str, str]:
    files = {f"src/pkg/m{i}.py": _module(i, 60 + 20 * i) for i in range(6)}
    files["README.md"] = "# pkg\n\nsome  'text'   kept as written\n"
    files["Dockerfile"] = "FROM python:3.11-slim\n"
    return files


@pytest.mark.slow  # starts an interpreter
@needs_fork
def test_two_processes_format_exactly_like_one():
    files = _files()
    assert sum(t.count("\n") for t in files.values()) >= formatting.PARALLEL_MIN_LINES
    serial = format_files(files, parallel=False)
    parallel = format_files(files)
    assert parallel == serial
    assert list(parallel) == list(files)  # order kept
    assert parallel["README.md"] == files["README.md"]
    mode = black.Mode()
    for path, text in parallel.items():
        if path.endswith(".py"):
            assert text != files[path]
            assert black.format_str(text, mode=mode) == text


@pytest.mark.slow  # over half a second: fuzzing or many conversions
@pytest.mark.parametrize("parallel", [False, pytest.param(True, marks=needs_fork)])
@pytest.mark.parametrize("broken", ["src/pkg/m0.py", "src/pkg/m5.py"])
def test_code_that_does_not_compile_is_an_error_naming_the_file(parallel, broken):
    files = _files()
    files[broken] = files[broken] + "def g(:\n    pass\n"
    with pytest.raises(GeneratedCodeError, match=broken):
        format_files(files, parallel=parallel)


@pytest.mark.slow  # over half a second: fuzzing or many conversions
def test_a_written_data_file_that_is_not_python_is_kept():
    files = {"data/script.py": "echo 'not python' && exit 1\n", **_files()}
    assert format_files(files)["data/script.py"] == files["data/script.py"]


@pytest.mark.parametrize("template", ["logs.py.j2", "figures.py.j2", "conftest.py.j2"])
def test_templates_without_notebook_data_are_already_black_clean(template):
    """Black formats a file it changes twice: templates it has nothing to change in
    cost one pass."""
    text = template_renderer()(template, package="a_package")
    assert black.format_str(text, mode=black.Mode()) == text
