"""Convert report: convert every corpus notebook and check the packages.

    python -m benchmarks.convert_report [--corpus DIR] [--out DIR] [--run PYTHON]

Per converted notebook: compiles, stable under its formatter (`ruff format`), `ruff check --select E9,F` clean, no
`print` left, no function reading a module-level variable, no top-level work in any
module, and byte-identical on a second conversion. With `--run PYTHON` (a Python that
has the corpus' data-science stack, see corpus/requirements-ds.txt), the runnable
subset is also run as `python -m PKG` and the lines the notebook printed are looked
for in what the package logged. Exits 1 when a floor of the convert issue is missed.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks._timing import percentile
from benchmarks.corpus import add_corpus_argument
from benchmarks.engineering_checks import (
    config_defaults,
    covered_knobs,
    effect_logs,
    empty_steps,
    notebook_knobs,
    vague_step_names,
    wide_returns,
)
from benchmarks.package_checks import (
    check_emitted,
    check_runnable_packages,
    summarise_emitted,
)
from benchmarks.run_packages import run_subset, runnable
from nb2prod.convert import convert_notebook
from nb2prod.emit.formatting import RUFF_FORMAT, ruff_program
from nb2prod.errors import Nb2ProdError
from nb2prod.reading.notebook import read_notebook

FLOORS = {
    "converted": 0.98,
    "compile": 1.0,
    # stable under the formatter nb2prod uses (ruff format; black until 2026-12-07)
    "formatted": 1.0,
    # The convert issue's floor. (Until 2026-11-29 this report counted every package
    # clean whenever ruff could not read one generated pyproject.toml; measured
    # properly the rate was 69 %, then 75 %, 92 %, and 98.2 % on 2026-11-29.)
    "ruff": 0.97,
    "no_print": 1.0,
    "no_global_reads": 0.97,
    "no_top_level_work": 0.97,
    "deterministic": 1.0,
    # issue 14: no log record holds a call made for its effect; of the notebooks with
    # literal knobs (benchmarks/engineering_checks.py), 90 % have KNOB_SHARE of them
    # as Config defaults
    "no_effect_logs": 1.0,
    "knobs_as_settings": 0.9,
    # issue 15: no step without work, none returning more than 8 values as a tuple,
    # no step name ending in a function word or numbered (`_step_4`)
    "no_empty_steps": 1.0,
    "no_wide_returns": 1.0,
    "no_vague_step_names": 1.0,
}
#: The share of a notebook's literal knobs that must be settings (issue 14).
KNOB_SHARE = 0.8
#: The convert issue's floors that CI does not enforce yet (see FLOORS).
TARGETS: dict[str, float] = {}


def convert_all(notebooks: list[Path], out: Path) -> dict:  # type: ignore[type-arg]
    """Convert each notebook into out/<stem>/, recording outcomes and times; two
    worker processes share the notebooks (times are measured under that load)."""
    with ProcessPoolExecutor(max_workers=2) as pool:
        entries = pool.map(_convert_one, notebooks, [out] * len(notebooks))
        return {
            path.name: entry for path, entry in zip(notebooks, entries, strict=True)
        }


def _convert_one(path: Path, out: Path) -> dict:  # type: ignore[type-arg]
    """Convert one notebook twice (determinism) and write the first package."""
    start = time.perf_counter()
    entry: dict = {"seconds": None}  # type: ignore[type-arg]
    try:
        notebook = read_notebook(path)
        first = convert_notebook(notebook)
        entry["seconds"] = time.perf_counter() - start
        second = convert_notebook(read_notebook(path))
        entry["deterministic"] = first.package == second.package
        target = out / path.stem
        for relative, text in first.package.items():
            file = target / relative
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
        entry.update(
            package=first.plan.package,
            fetched=list(first.plan.fetched_modules),
            folder=str(target),
            status="converted",
            warnings=len(first.plan.warnings),
        )
    except Nb2ProdError as error:
        python2 = "Python 2" in error.message
        entry.update(
            status="python2" if python2 else "refused", error=error.error_line()
        )
    except Exception as error:
        entry.update(status="crashed", error=f"{type(error).__name__}: {error}")
    return entry


def check_packages(results: dict, out: Path, notebooks: Path) -> None:  # type: ignore[type-arg]
    """Add static checks of every converted package to its entry."""

    ruff = _ruff_findings(out)
    unformatted = _unformatted(out)
    for name, entry in results.items():
        if entry.get("status") != "converted":
            continue
        folder = Path(entry["folder"])
        sources = {p: p.read_text(encoding="utf-8") for p in folder.rglob("*.py")}
        trees = {}
        compiled = True
        for path, text in sources.items():
            try:
                trees[path] = ast.parse(text)
                compile(text, str(path), "exec")
            except SyntaxError:
                compiled = False
        entry["compile"] = compiled
        entry["formatted"] = not any(path.resolve() in unformatted for path in sources)
        entry["ruff"] = ruff.get(folder.resolve(), [])
        package_trees = {p: t for p, t in trees.items() if "src" in p.parts}
        entry["prints"] = sum(_prints(tree) for tree in package_trees.values())
        entry["global_reads"] = sorted(
            f"{path.name}: {name}"
            for path, tree in package_trees.items()
            for name in _global_reads(tree)
        )
        entry["effect_logs"] = effect_logs(package_trees)
        entry["empty_steps"] = empty_steps(package_trees)
        entry["wide_returns"] = wide_returns(package_trees)
        entry["vague_step_names"] = vague_step_names(package_trees)
        knobs = notebook_knobs(notebooks / name)
        entry["knobs"] = [covered_knobs(knobs, config_defaults(folder)), len(knobs)]
        entry["top_level_work"] = sorted(
            f"{path.name}:{line}"
            for path, tree in package_trees.items()
            if path.name != "__main__.py"
            for line in _top_level_work(tree)
        )


def _unformatted(out: Path) -> set[Path]:
    """Files nb2prod's formatter (ruff format, with the options convert uses) would
    change or cannot parse."""
    options = ["--check", "--no-cache", "--output-format", "concise"]
    completed = subprocess.run(
        [ruff_program(), *RUFF_FORMAT, *options, "."],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode not in (0, 1, 2):  # 2: some files do not parse
        raise RuntimeError(f"ruff format failed: {completed.stderr.strip()[:500]}")
    pattern = re.compile(r"^(.+?\.py):\d+:\d+: (?:unformatted|invalid-syntax):")
    return {
        (out / match.group(1)).resolve()
        for match in map(pattern.match, completed.stdout.splitlines())
        if match
    }


def _ruff_findings(out: Path) -> dict[Path, list[str]]:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    completed = subprocess.run(
        [
            ruff,
            "check",
            "--select",
            "E9,F",
            "--output-format",
            "json",
            "--no-cache",
            "--exit-zero",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:  # e.g. a generated pyproject.toml it cannot read
        raise RuntimeError(f"ruff failed: {completed.stderr.strip()[:500]}")
    found: dict[Path, list[str]] = {}
    for item in json.loads(completed.stdout):
        path = Path(item["filename"]).resolve()
        package = next((p for p in path.parents if p.parent == out.resolve()), None)
        if package is not None:
            found.setdefault(package, []).append(
                f"{path.name}: {item['code']} {item['message']}"
            )
    return found


def _prints(tree: ast.AST) -> int:
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "print"
    )


def _global_reads(tree: ast.Module) -> set[str]:
    """Module-level variables (not imports, defs, the logger, or module aliases such
    as `K = keras.backend`, an import in all but syntax) that functions read."""
    variables: set[str] = set()
    imported = {
        (alias.asname or alias.name).split(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    for node in tree.body:
        if _is_module_alias(node, imported):
            continue
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else ([node.target] if isinstance(node, ast.AnnAssign) else [])
        )
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    variables.add(name.id)
    variables -= {"logger", "__all__", "__version__"}
    variables = {v for v in variables if not v.startswith("_")}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            local = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            for inner in (n for statement in node.body for n in ast.walk(statement)):
                loaded = isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load)
                if loaded and inner.id in variables and inner.id not in local:
                    found.add(inner.id)
    return found


def _is_module_alias(node: ast.stmt, imported: set[str]) -> bool:
    """`NAME = module.attr[.attr...]` over an imported name."""
    if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Attribute):
        return False
    root: ast.expr = node.value
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id in imported


def _is_guarded_import(node: ast.stmt) -> bool:
    """`try: import x` with `except ImportError:` handlers that bind or pass."""
    if not isinstance(node, ast.Try) or node.orelse or node.finalbody:
        return False
    imports = all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in node.body)
    quiet = all(
        isinstance(n, (ast.Pass, ast.Import, ast.ImportFrom))
        or (isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant))
        for handler in node.handlers
        for n in handler.body
    )
    return imports and quiet


def _top_level_work(tree: ast.Module) -> list[int]:
    """Lines of module-level statements other than docstrings, imports, definitions,
    the logger, and the `if __name__ == "__main__":` guard."""
    lines = []
    for index, node in enumerate(tree.body):
        if isinstance(
            node,
            (
                ast.Import,
                ast.ImportFrom,
                ast.FunctionDef,
                ast.AsyncFunctionDef,
                ast.ClassDef,
            ),
        ):
            continue
        if (
            index == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
        ):
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and not any(
            isinstance(n, ast.Call) and not _is_logger_call(n) for n in ast.walk(node)
        ):
            continue
        if isinstance(node, ast.Assign) and _is_logger_call(node.value):
            continue
        if isinstance(node, ast.If) and "__name__" in ast.dump(node.test):
            continue
        if _is_guarded_import(node) or _is_import_setting(node):
            continue
        lines.append(node.lineno)
    return lines


def _is_import_setting(node: ast.AST) -> bool:
    """`os.environ.setdefault("NAME", "value")`: set before the imports that read it."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and ast.unparse(node.value.func) == "os.environ.setdefault"
        and all(isinstance(a, ast.Constant) for a in node.value.args)
    )


def _is_logger_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and "getLogger" in ast.dump(node.func)) or (
        isinstance(node, ast.Call) and "Typer" in ast.dump(node.func)
    )


def summarise(results: dict) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    """Rates and the floors they miss."""
    total = len(results)
    statuses = Counter(entry["status"] for entry in results.values())
    converted = [e for e in results.values() if e["status"] == "converted"]
    count = len(converted) or 1
    with_knobs = [e["knobs"] for e in converted if e["knobs"][1]]
    rates = {
        "converted": statuses["converted"] / (total - statuses["python2"] or 1),
        "compile": sum(e["compile"] for e in converted) / count,
        "formatted": sum(e["formatted"] for e in converted) / count,
        "ruff": sum(not e["ruff"] for e in converted) / count,
        "no_print": sum(e["prints"] == 0 for e in converted) / count,
        "no_global_reads": sum(not e["global_reads"] for e in converted) / count,
        "no_top_level_work": sum(not e["top_level_work"] for e in converted) / count,
        "deterministic": sum(e["deterministic"] for e in converted) / count,
        "no_effect_logs": sum(not e["effect_logs"] for e in converted) / count,
        "no_empty_steps": sum(not e["empty_steps"] for e in converted) / count,
        "no_wide_returns": sum(not e["wide_returns"] for e in converted) / count,
        "no_vague_step_names": sum(not e["vague_step_names"] for e in converted)
        / count,
        "knobs_as_settings": sum(
            covered >= KNOB_SHARE * total for covered, total in with_knobs
        )
        / (len(with_knobs) or 1),
    }
    failures = [
        f"{name} {rates[name]:.1%} < {floor:.0%}"
        for name, floor in FLOORS.items()
        if rates[name] < floor
    ]
    if statuses["crashed"]:
        failures.append(f"{statuses['crashed']} notebooks crashed the converter")
    missed = [
        f"{name} {rates[name]:.1%} < {target:.0%} (the convert issue's floor)"
        for name, target in TARGETS.items()
        if rates[name] < target
    ]
    summary = {
        "statuses": dict(statuses),
        "rates": rates,
        "targets missed": missed,
        "steps": {
            key: sum(len(e[key]) for e in converted)
            for key in ("empty_steps", "wide_returns", "vague_step_names")
        },
    }
    return summary, failures


def python_command(spelled: str) -> str:
    """The interpreter as an absolute path: the packages run from temporary folders.

    A bare name is looked up on PATH; a relative path is made absolute without
    resolving symlinks (a venv's python is a symlink that must stay one).
    """
    if os.sep not in spelled:
        found = shutil.which(spelled)
        if found is None:
            raise SystemExit(f"--run: no {spelled!r} on PATH")
        return found
    path = Path(spelled).absolute()
    if not path.exists():
        raise SystemExit(f"--run: {spelled} does not exist")
    return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="nb2prod convert report")
    add_corpus_argument(parser)
    parser.add_argument("--out", type=Path, help="keep the packages here")
    parser.add_argument(
        "--run", help="Python with the data-science stack: run the runnable subset"
    )
    parser.add_argument("--json", type=Path, help="write the details to this file")
    args = parser.parse_args(argv)
    folder = args.corpus / "notebooks"
    if not folder.is_dir():
        print(f"error: no corpus at {folder}", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="nb2prod-convert-"))
    results = convert_all(sorted(folder.glob("*.ipynb")), out)
    check_packages(results, out, folder)
    summary, failures = summarise(results)
    python = python_command(args.run) if args.run else None
    check_emitted(results, python)
    summary["emitted"], emitted_failures = summarise_emitted(results)
    failures += emitted_failures
    if python:
        run_summary, run_failures = run_subset(args.corpus, results, python)
        summary["runnable"] = run_summary
        failures += run_failures
        tests_summary, tests_failures = check_runnable_packages(
            runnable(args.corpus), results, python, args.corpus
        )
        summary["runnable"].update(tests_summary)
        failures += tests_failures
    times = [e["seconds"] for e in results.values() if e.get("seconds")]
    summary["seconds"] = {
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
    }
    _print(summary, results)
    if args.json:
        args.json.write_text(
            json.dumps({"summary": summary, "notebooks": results}, indent=2)
        )
    for failure in failures:
        print(f"FLOOR MISSED: {failure}")
    if not failures:
        print("all convert floors met")
    return 1 if failures else 0


def _print(summary: dict, results: dict) -> None:  # type: ignore[type-arg]
    print("convert report")
    print(f"  notebooks by outcome: {summary['statuses']}")
    for name, value in summary["rates"].items():
        print(f"  {name:<18} {value:7.1%}")
    steps = summary["steps"]
    print(
        f"  steps: {steps['empty_steps']} empty, {steps['wide_returns']} returning"
        f" more than 8 values, {steps['vague_step_names']} with vague names"
    )
    for missed in summary["targets missed"]:
        print(f"  TARGET MISSED (not yet a CI floor): {missed}")
    seconds = summary["seconds"]
    print(
        f"  convert time per notebook (two at once): median {seconds['median']:.3f} s, p95 {seconds['p95']:.3f} s"
    )
    for name, value in summary["emitted"].items():
        if name != "golden tests per notebook":
            print(f"  {name}: {value}")
    if "runnable" in summary:
        for name, value in summary["runnable"].items():
            print(f"  runnable {name}: {value}")
    for name, entry in sorted(results.items()):
        problems = []
        if entry["status"] in ("refused", "crashed"):
            problems.append(entry["error"])
        for key in (
            "ruff",
            "global_reads",
            "top_level_work",
            "hadolint",
            "uncovered_imports",
            "effect_logs",
            "empty_steps",
            "wide_returns",
            "vague_step_names",
        ):
            if entry.get(key):
                problems.append(f"{key}: {entry[key][:3]}")
        if entry.get("prints"):
            problems.append(f"prints: {entry['prints']}")
        if problems:
            print(f"  - {name}: " + "; ".join(problems))


if __name__ == "__main__":
    sys.exit(main())
