"""Functions, lambdas and classes that read values a step computes (issue 13): the
package must get those values to them and run as the notebook did, with no unbound
name. Each case converts a small notebook, checks the real ruff finds nothing, runs
the package and reads its log."""

from __future__ import annotations

from test_code_is_pyflakes_clean import converted, run_package

from nb2prod.testing import code, md


def test_a_lambda_bound_in_one_section_is_a_value_of_its_step(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("# Study"),
        code("rate = 3\nsquare = lambda v: v * v\nscaled = lambda v: v * rate"),
        md("## Use"),
        code("print(square(3), scaled(2))\nprint(list(map(square, [1, 2])))"),
    )
    assert findings == []
    assert not any("import square" in text for text in modules.values())
    log = run_package(tmp_path)
    assert "9 6" in log and "[1, 4]" in log


def test_a_function_calling_a_lambda_gets_the_lambda(tmp_path):
    findings, _ = converted(
        tmp_path,
        md("# Study"),
        code("k = 3\nsq = lambda v: v * k\ndef f(x):\n    return sq(x) + 1"),
        md("## Use"),
        code("print(f(2))"),
    )
    assert findings == []
    assert "INFO study.use: 7" in run_package(tmp_path)


def test_a_function_handed_over_in_a_container_keeps_what_it_reads(tmp_path):
    findings, _ = converted(
        tmp_path,
        md("# Study"),
        code("k = 2\ndef double(v):\n    return v * k\nops = {'double': double}"),
        code("pipeline = [double, double]\nfirst = pipeline[0]"),
        md("## Use"),
        code("print(ops['double'](3), first(4))"),
    )
    assert findings == []
    assert "INFO study.use: 6 8" in run_package(tmp_path)


def test_a_method_reading_a_notebook_variable_gets_it_at_construction(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("# Study"),
        code("offset = 10\nvocab = {'a': 1}"),
        md("## Model"),
        code(
            "class Shift:\n"
            "    def __init__(self, n):\n"
            "        self.n = n\n"
            "        self.size = len(vocab)\n"
            "    def apply(self, v):\n"
            "        return [v + offset + self.n, vocab.get('a')]\n"
        ),
        md("## Use"),
        code("s = Shift(1)\nprint(s.apply(1), s.size)"),
    )
    assert findings == []
    module = next(text for text in modules.values() if "class Shift" in text)
    assert "def __init__(self, n, *, offset, vocab):" in module
    assert 'return [v + self.offset + self.n, self.vocab.get("a")]' in module
    assert "self.size = len(vocab)" in module  # __init__ reads its parameter
    assert "INFO study.use: [12, 1] 1" in run_package(tmp_path)


def test_a_subclass_keeps_its_base_class_constructor_call(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("# Study"),
        code(
            "class Base:\n"
            "    def __init__(self):\n"
            "        self.ready = True\n"
            "bias = 5"
        ),
        md("## Net"),
        code(
            "class Net(Base):\n"
            "    def __init__(self, k):\n"
            "        super().__init__()\n"
            "        self.k = k\n"
            "    def forward(self, x):\n"
            "        return x * self.k + bias\n"
            "class Deeper(Net):\n"
            "    def twice(self, x):\n"
            "        return 2 * self.forward(x)\n"
        ),
        md("## Use"),
        code("net = Deeper(3)\nprint(net.forward(2), net.twice(1), net.ready)"),
    )
    assert findings == []
    module = next(text for text in modules.values() if "class Net" in text)
    assert "super().__init__()\n        self.bias = bias" in module
    assert "INFO study.use: 11 16 True" in run_package(tmp_path)


def test_a_base_class_reading_state_is_passed_it_by_its_subclass(tmp_path):
    findings, _ = converted(
        tmp_path,
        md("# Study"),
        code("scale = 4"),
        md("## Classes"),
        code(
            "class Scaler:\n"
            "    def scaled(self, v):\n"
            "        return v * scale\n"
            "class Counter(Scaler):\n"
            "    def __init__(self, n):\n"
            "        super().__init__()\n"
            "        self.n = n\n"
            "    def total(self):\n"
            "        return self.scaled(self.n)\n"
        ),
        md("## Use"),
        code("print(Counter(2).total(), Scaler().scaled(1))"),
    )
    assert findings == []
    assert "INFO study.use: 8 4" in run_package(tmp_path)


def test_a_class_that_cannot_take_the_value_is_reported_and_convert_exits_1(
    run_cli, tmp_path
):
    from nb2prod.testing import nb, write_nb

    notebook = tmp_path / "study.ipynb"
    write_nb(
        notebook,
        nb(
            md("# Study"),
            code("start = 1", count=1),
            code(
                "class Clock:\n    def since(self):\n        return now - start\n",
                count=2,
            ),
            code("now = 5\nclock = Clock()\nprint(clock.since())", count=3),
            code("now = 9\nprint(clock.since())", count=4),
        ),
    )
    outcome = run_cli("convert", str(notebook), "-o", str(tmp_path / "pkg"))
    assert outcome.exit_code == 1
    assert (
        "class `Clock`: `now` is set again after the class is first used (cell 5); "
        "its methods would see the old value" in outcome.stderr
    )
    assert "undefined name 'now'" in outcome.stderr


def test_environment_set_before_an_import_is_set_before_the_package_imports(tmp_path):
    """`os.environ[...] = ...` before `import lib` must still come first: the package's
    `__init__` sets it (without overriding the user's value) before any module runs."""
    (tmp_path / "reads_mode.py").write_text(
        "import os\nMODE = os.environ.get('STUDY_LIB_MODE', 'unset')\n"
    )
    findings, _ = converted(
        tmp_path,
        md("# Study"),
        code(
            "import os\nos.environ['STUDY_LIB_MODE'] = 'fast'\n%env STUDY_OTHER=1\n"
            "import reads_mode\nos.environ['STUDY_LATE'] = 'x'"
        ),
        md("## Use"),
        code("print(reads_mode.MODE, os.environ['STUDY_OTHER'])"),
    )
    assert findings == []
    init = (tmp_path / "pkg" / "src" / "study" / "__init__.py").read_text()
    assert 'os.environ.setdefault("STUDY_LIB_MODE", "fast")' in init
    assert 'os.environ.setdefault("STUDY_OTHER", "1")' in init
    assert "STUDY_LATE" not in init  # set after the last import: no library reads it
    assert "INFO study.use: fast 1" in run_package(tmp_path)
