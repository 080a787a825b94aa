"""Functions, lambdas and classes that read values a step computes (issue 13): the
package must get those values to them and run as the notebook did, with no unbound
name. Each case converts a small notebook, checks the real ruff finds nothing, runs
the package and reads its log."""

from __future__ import annotations

import pytest
from test_code_is_pyflakes_clean import converted, run_package

from nb2prod.testing import code, md


@pytest.mark.slow  # starts an interpreter
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


@pytest.mark.slow  # starts an interpreter
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


@pytest.mark.slow  # starts an interpreter
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


@pytest.mark.slow  # starts an interpreter
def test_a_function_handed_over_in_the_cell_defining_it_keeps_what_it_reads(tmp_path):
    """`FunctionSampler(func=outlier_rejection)` right after its `def`: the step must
    receive what the function reads (a notebook variable and a setting), as for a
    call (imbalanced-learn's examples, outside the corpus)."""
    findings, modules = converted(
        tmp_path,
        md("# Study"),
        code("import random\nrng = random.Random(0)\nLIMIT = 3"),
        md("## Use"),
        code("def scaled(v):\n    return v * LIMIT + rng.randint(0, 0)\n"
             "out = list(map(scaled, [1, 2]))\nprint(out)"),
    )  # fmt: skip
    assert findings == []
    assert "def use(LIMIT, rng)" in modules["use"]
    assert "INFO study.use: [3, 6]" in run_package(tmp_path)


@pytest.mark.slow  # starts an interpreter
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


@pytest.mark.slow  # starts an interpreter
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


@pytest.mark.slow  # starts an interpreter
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


@pytest.mark.slow  # starts an interpreter
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


@pytest.mark.slow  # starts an interpreter
def test_a_parameter_named_like_a_notebook_function_is_the_argument(tmp_path):
    findings, _ = converted(
        tmp_path,
        md("# Study"),
        code("k = 3\ndef net(x):\n    return x * k\ndef evaluate(data, net):\n"
             "    return [net(x) for x in data]"),
        md("## Use"),
        code("print(evaluate([1, 2], net), evaluate([1], lambda v: v))"),
    )  # fmt: skip
    assert findings == []
    assert "INFO study.use: [3, 6] [1]" in run_package(tmp_path)


@pytest.mark.slow  # starts an interpreter
def test_what_classes_need_reaches_the_classes_and_functions_that_create_them(
    tmp_path,
):
    """A method calling a function that takes a notebook variable, a subclass, and a
    class creating that subclass all get the variable (fastai's Runner and callbacks).
    """
    findings, _ = converted(
        tmp_path,
        md("# Study"),
        code(
            "import re\n_pattern = re.compile('(.)([A-Z])')\n"
            "def snake(name):\n    return re.sub(_pattern, r'\\1_\\2', name).lower()\n"
            "class Callback:\n    @property\n    def name(self):\n"
            "        return snake(type(self).__name__)\n"
            "class TrainEval(Callback):\n    pass\n"
            "class Runner:\n    def __init__(self):\n        self.cbs = [TrainEval()]\n"
            "def make_runner():\n    return Runner()"
        ),
        md("## Use"),
        code("print([cb.name for cb in make_runner().cbs])"),
    )
    assert findings == []
    assert "INFO study.use: ['train_eval']" in run_package(tmp_path)


@pytest.mark.slow  # starts an interpreter
def test_a_value_only_init_reads_may_change_later(tmp_path):
    """`__init__` reads the generator when the instance is made, as in the notebook,
    so setting it again later is faithful; a constant set again to the same value too.
    """
    findings, _ = converted(
        tmp_path,
        md("# Study"),
        code("seed = 1\nsize = 16"),
        code(
            "class Layer:\n    def __init__(self):\n        self.seed = seed\n"
            "    def shape(self):\n        return (size, size)"
        ),
        code("first = Layer()\nseed = 2\nsize = 16\nsecond = Layer()"),
        md("## Use"),
        code("print(first.seed, second.seed, second.shape())"),
    )
    assert findings == []
    assert "INFO study.use: 1 2 (16, 16)" in run_package(tmp_path)


@pytest.mark.slow  # starts an interpreter
def test_a_variable_named_like_an_init_parameter_comes_in_under_another_name(
    tmp_path,
):
    findings, modules = converted(
        tmp_path,
        md("# Study"),
        code("patch_size = 4"),
        code(
            "class Patcher:\n    def __init__(self, patch_size=2):\n"
            "        self.width = patch_size\n"
            "    def fits(self, n):\n        return n % patch_size == 0"
        ),
        md("## Use"),
        code("p = Patcher(patch_size=8)\nprint(p.width, p.fits(12), p.fits(8))"),
    )
    assert findings == []
    module = next(text for text in modules.values() if "class Patcher" in text)
    assert "notebook_patch_size" in module
    assert "INFO study.use: 8 True True" in run_package(tmp_path)


@pytest.mark.slow  # starts an interpreter
def test_a_module_imported_again_inside_a_block_is_imported_once(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("# Study"),
        code(
            "import json\nversion = json.dumps(1)\nif version == '2':\n"
            "    import json\n    version = json.dumps(2)\nprint(version)"
        ),
    )
    assert findings == []
    module = next(text for text in modules.values() if "json.dumps(2)" in text)
    assert module.count("import json") == 1
    assert "INFO study.features: 1" in run_package(tmp_path)


def test_star_imports_provide_what_functions_and_methods_read(tmp_path):
    """`from missing import *` is the only place `helper` and `re` can come from, even
    when only functions read them."""
    findings, modules = converted(
        tmp_path,
        md("# Study"),
        code("from not_installed_here import *"),
        code(
            "def clean(text):\n    return re.sub('a', 'b', helper(text))\n"
            "class Shape:\n    def area(self) -> Number:\n        return side ** 2"
        ),
    )
    assert [f for f in findings if "F821" in f or "F405" in f] == []
    module = next(text for text in modules.values() if "def clean" in text)
    assert "from not_installed_here import Number, helper, re, side" in module
