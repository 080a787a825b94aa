"""Notebook habits that are harmless in a notebook but pyflakes problems in a module.

Each case converts a small notebook, runs the real `ruff check --select E9,F` on the
package and reads the module the case is about: the code must be clean *and* still
do what the notebook did.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.convert import convert_notebook
from nb2prod.testing import code, md, notebook
from nb2prod.writer import write_package


def _ruff() -> str:
    return shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")


def converted(tmp_path: Path, *cells) -> tuple[list[str], dict[str, str]]:
    """(ruff findings as `file: CODE message`, module name -> source) of the package."""
    result = convert_notebook(notebook(*cells, path=str(tmp_path / "study.ipynb")))
    target = tmp_path / "pkg"
    write_package(result.package, target)
    completed = subprocess.run(
        [_ruff(), "check", "--select", "E9,F", "--no-cache", "--isolated",
         "--output-format", "json", str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    findings = [
        f"{Path(item['filename']).name}: {item['code']} {item['message']}"
        for item in json.loads(completed.stdout)
    ]
    modules = {
        path.rsplit("/", 1)[-1].removesuffix(".py"): text
        for path, text in result.package.items()
        if path.startswith("src/") and path.endswith(".py")
    }
    return findings, modules


def run_package(tmp_path: Path, *args: str) -> str:
    """Run the converted package (`python -m study ARGS`) and return its log."""
    completed = subprocess.run(
        [sys.executable, "-m", "study", *args], cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "pkg" / "src"), "PATH": ""},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return completed.stderr


def test_an_import_repeated_in_another_form_is_imported_once(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("import pandas as pd  # data frames\nfrom sklearn.svm import SVC"),
        code("import pandas as pd\nfrom sklearn.svm import SVC, LinearSVC"),
        code("df = pd.DataFrame({'a': [1]})\nm = SVC()\nl = LinearSVC()\nprint(df, m, l)"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "DataFrame" in text)
    assert module.count("import pandas as pd") == 1
    assert module.count("SVC") >= 2 and "LinearSVC" in module


def test_an_import_that_a_later_one_rebinds_is_dropped(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("from keras.layers import Activation\nfrom keras.layers.core import Activation"),
        code("layer = Activation('relu')\nprint(layer)"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "Activation(" in text)
    assert "from keras.layers.core import Activation" in module
    assert "from keras.layers import Activation" not in module


def test_an_import_shadowed_by_a_notebook_function_is_dropped(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("from keras.applications.xception import preprocess_input"),
        code("def preprocess_input(x):\n    return x / 255"),
        code("print(preprocess_input(510))"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "def preprocess_input" in text)
    assert "import preprocess_input" not in module


def test_submodule_imports_are_kept_though_they_bind_the_same_name(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("import os.path\nimport os"),
        code("print(os.path.join('a', 'b'), os.sep)"),
    )
    assert findings == []
    module = next(text for text in modules.values() if "os.path.join" in text)
    assert "import os.path" in module


def test_values_assigned_and_never_read_again_stay_computed(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("import math"),
        md("## Explore"),
        code(
            "low, high = 1, math.floor(2.5)\n"
            "try:\n    plot = math.sqrt(16)  # the figure\n    boom = 1 / 0\n"
            "except ZeroDivisionError as error:\n    print('no')\n"
            "with open(__file__) as handle:\n    label = 'hello'"
        ),
        code("def spread(values):\n    n = len(values)\n    return max(values) - min(values)"),
        md("## Report"),
        code("print(spread([1, 5]))"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "def spread" in text)
    assert "        math.sqrt(16)  # the figure" in module
    assert "_low, _high = 1, math.floor(2.5)" in module
    assert "1 / 0" in module and "except ZeroDivisionError:" in module
    assert "with open(__file__):" in module
    assert '_label = "hello"' in module
    assert "\n    len(values)\n" in module


def test_unused_locals_keep_names_that_nested_code_reads(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("## Explore"),
        code("k = 3\nscale = lambda v: v * k\nprint(scale(2))"),
        code("total = 0\nfor i in range(3):\n    total += i\nprint(total)"),
        md("## Report"),
        code("print('done')"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "lambda" in text)
    assert "k = 3" in module and "total = 0" in module


def test_an_indented_magic_does_not_shift_the_magics_after_it(tmp_path):
    findings, modules = converted(
        tmp_path,
        code(
            "import numpy as np\ntry:\n    %tensorflow_version 2.x\nexcept Exception:\n"
            "    pass\n\n%matplotlib inline\nprint(np.ones(2))"
        ),
        code("print('done')"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "np.ones" in text)
    assert "get_ipython" not in module
    assert "# nb2prod: dropped: %matplotlib inline" in module
    assert "# nb2prod: dropped: %tensorflow_version 2.x" in module


@pytest.mark.slow  # starts an interpreter
def test_capture_cell_stores_what_the_cell_wrote(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("import sys"),
        code("%%capture --no-display output\nsys.stdout.write('[0]\\ttrain:0.5\\n')\nn = 2"),
        code("s = output.stdout\nprint(repr(s), n)"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "output.stdout" in text)
    assert "with captured_output() as output:" in module
    assert "captured_output" in next(
        t for t in modules.values() if "CapturedOutput" in t
    )
    log = run_package(tmp_path)
    assert "'[0]\\ttrain:0.5\\n' 2" in log


@pytest.mark.slow  # starts an interpreter
def test_a_name_imported_then_assigned_keeps_both_meanings(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("from statistics import mean"),
        md("## Scores"),
        code("print(mean([1, 2, 3]))\nvalues = [mean([x, 1]) for x in range(2)]"),
        code("mean = sum(values) / len(values)\nprint(mean)"),
        md("## Report"),
        code("print(mean * 2)"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "sum(values)" in text)
    assert "from statistics import mean" in module
    assert "mean_value = sum(values) / len(values)" in module
    assert "return mean_value" in module or "mean_value," in module
    log = run_package(tmp_path)
    assert "INFO" in log and ": 2\n" in log
    assert ": 0.75\n" in log and ": 1.5\n" in log


@pytest.mark.slow  # starts an interpreter
def test_each_version_of_a_redefined_function_serves_the_cells_that_saw_it(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("## First try"),
        code("base = 10\ndef score(x):\n    return x + base"),
        code("first = score(1)\nprint(first)"),
        md("## Better"),
        code("bonus = 100\ndef score(x):\n    return x + base + bonus"),
        code("def report():\n    return score(2)\nprint(score(1), report())"),
    )  # fmt: skip
    assert findings == []
    code_text = "\n".join(modules.values())
    assert "def score_cell2(x, *, base):" in code_text
    assert "def score(x, *, base, bonus):" in code_text
    log = run_package(tmp_path)
    assert ": 11\n" in log and ": 111 112\n" in log


def test_imports_and_handler_names_a_function_no_longer_reads_go(tmp_path):
    findings, modules = converted(
        tmp_path,
        code(
            "def show(table):\n    from IPython.display import display, Markdown\n"
            "    # the rendered table\n    import datetime\n    display(Markdown(table))"
        ),
        md("## Run"),
        code(
            "try:\n    import json\nexcept ImportError as error:\n    json = None\n"
            "try:\n    value = int('x')\nexcept ValueError as error:\n    print(error)\n"
            "except TypeError as error:\n    value = 0\nprint(json is None)"
        ),
        md("## Report"),
        code("print('done')"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "def show(table" in text)
    assert (
        "from IPython.display import Markdown\n\n    # the rendered table\n" in module
    )
    assert "datetime" not in module
    step = next(text for text in modules.values() if 'int("x")' in text)
    assert "except ValueError as error:" in step
    assert "except TypeError:" in step and "except ImportError:" in step


@pytest.mark.slow  # starts an interpreter
def test_classes_read_config_values_from_the_config_functions_get_them(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("COLOR = '#beaed4'\nURL = 'https://example.org/data.csv'"),
        code(
            "class Plot:\n    def color(self):\n        return COLOR\n\n"
            "def fetch(url=URL):\n    return url\n\nprint(Plot().color(), fetch())"
        ),
        code("print('done')"),
    )  # fmt: skip
    assert findings == []
    module = next(text for text in modules.values() if "class Plot" in text)
    assert "return Config.COLOR" in module  # a class cannot take parameters
    # a function can: --set reaches it through its calls
    assert "def fetch(url):" in module and "fetch(url=URL)" in module
    assert "from study.config import Config" in module
    plan = convert_notebook(
        notebook(
            code("COLOR = 'red'"),
            code("class P:\n    def c(self):\n        return COLOR\nprint(P().c())"),
        )
    ).plan
    assert any("`--set` does not change them" in w.message for w in plan.warnings)
    log = run_package(tmp_path)
    assert "#beaed4 https://example.org/data.csv" in log


@pytest.mark.slow  # starts an interpreter
def test_a_function_replacing_an_import_leaves_earlier_cells_the_import(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("from math import floor"),
        md("## Library"),
        code("print(floor(2.5))"),
        md("## Own"),
        code("def floor(x):\n    return int(x) - 1\nprint(floor(2.5))"),
    )  # fmt: skip
    assert findings == []
    text = "\n".join(modules.values())
    assert "def floor_cell5(x):" in text and "from math import floor" in text
    log = run_package(tmp_path)
    assert ": 2\n" in log and ": 1\n" in log


@pytest.mark.slow  # starts an interpreter
def test_a_function_sharing_its_name_with_a_variable_keeps_both(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("## Variable"),
        code("model = 3\nprint(model + 1)"),
        md("## Function"),
        code("seed = 10\ndef model(x):\n    return x + seed\nprint(model(1))"),
        code("print(list(map(model, [1, 2])))"),
    )  # fmt: skip
    assert findings == []
    text = "\n".join(modules.values())
    assert "def model_cell4(x, *, seed):" in text
    plan = convert_notebook(
        notebook(code("model = 3"), code("def model(x):\n    return x"))
    ).plan
    assert any("also names an import or a variable" in w.message for w in plan.warnings)
    log = run_package(tmp_path)
    assert ": 4\n" in log and ": 11\n" in log
    assert ": [11, 12]\n" in log


@pytest.mark.slow  # starts an interpreter
def test_a_module_alias_moves_up_with_the_imports(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("import os\nP = os.path"),
        md("## Paths"),
        code(
            "class Joiner:\n    def join(self, a):\n        return P.join(a, 'b')\n\n"
            "print(Joiner().join('a'))"
        ),
        md("## More"),
        code("print(P.basename('x/y'))"),
    )  # fmt: skip
    assert findings == []
    joiner = next(text for text in modules.values() if "class Joiner" in text)
    assert "import os\n\nP = os.path\n" in joiner
    more = next(text for text in modules.values() if "basename" in text)
    assert "P = os.path" in more and "def more():" in more  # not a parameter
    log = run_package(tmp_path)
    assert ": a/b\n" in log and ": y\n" in log


@pytest.mark.slow  # starts an interpreter
def test_imports_in_a_try_block_with_code_reach_later_steps(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("## Try"),
        code(
            "try:\n    from collections import OrderedDict\n"
            "    for key in 'ab':\n        first = OrderedDict(a=key)\n"
            "except ImportError:\n    first = None\n"
            "print(first)"
        ),
        md("## Later"),
        code("second = OrderedDict(b=2)\nprint(list(second))"),
    )  # fmt: skip
    assert findings == []
    later = next(text for text in modules.values() if "second =" in text)
    assert "try:\n    from collections import OrderedDict\nexcept ImportError:" in later
    log = run_package(tmp_path)
    assert ": ['b']\n" in log


@pytest.mark.slow  # starts an interpreter
def test_defaults_reading_notebook_variables_are_passed_by_the_calls(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("import os\nROOT = os.path.join('data', 'housing')\nscale = 1.5"),
        md("## Helpers"),
        code(
            "def where(name, root=ROOT):\n    '''Where a file goes.'''\n"
            "    return os.path.join(root, name)\n\n"
            "def grow(z, factor=scale * 2, *, model=None):\n    return z * factor\n"
            "print(where('a.csv'), grow(2))"
        ),
        md("## More"),
        code("print(where('b.csv', 'elsewhere'), grow(1, 3))"),
    )  # fmt: skip
    assert findings == []
    helpers = next(text for text in modules.values() if "def where" in text)
    assert "def where(name, root):" in helpers
    assert "def grow(z, factor, *, model=None):" in helpers
    assert 'where("a.csv", root=ROOT), grow(2, factor=scale * 2)' in helpers
    log = run_package(tmp_path)
    assert ": data/housing/a.csv 6.0\n" in log
    assert ": elsewhere/b.csv 3\n" in log
    plan = convert_notebook(notebook(
        code("K = 2"), code("def f(x, k=K):\n    return x * k\nprint(f(1))")
    )).plan  # fmt: skip
    assert any(
        w.message.startswith("`f`: `k`, whose defaults read notebook variables")
        for w in plan.warnings
    )


@pytest.mark.slow  # starts an interpreter
def test_a_default_named_like_its_parameter_keeps_the_value_of_its_cell(tmp_path):
    findings, modules = converted(
        tmp_path,
        code("model = 'bayes'"),
        md("## Predict"),
        code(
            "def predict(s, model=model):\n    return s + ' by ' + model\n"
            "print(predict('spam'))"
        ),
        md("## Later"),
        code("model = 'forest'\nprint(predict('ham'), predict('eggs', model))"),
    )  # fmt: skip
    assert findings == []
    text = "\n".join(modules.values())
    assert "def predict(s, model=None, *, model_default):" in text
    log = run_package(tmp_path)
    assert ": spam by bayes\n" in log
    assert ": ham by bayes eggs by forest\n" in log


def test_the_only_star_import_that_cannot_be_listed_provides_the_unknown_names(
    tmp_path,
):
    findings, modules = converted(
        tmp_path,
        code("from not_installed_here import *\nimport math"),
        code("x = symbol('x')\nprint(simplify(x) + math.pi)"),
    )  # fmt: skip
    assert findings == []
    text = "\n".join(modules.values())
    assert "from not_installed_here import simplify, symbol" in text
    plan = convert_notebook(
        notebook(code("from not_installed_here import *"), code("print(symbol)"))
    ).plan
    assert any("were inferred: symbol" in w.message for w in plan.warnings)
    two = convert_notebook(notebook(
        code("from not_installed_here import *\nfrom nor_this import *"),
        code("print(symbol)"),
    )).plan  # fmt: skip
    assert sum("is kept" in w.message for w in two.warnings) == 2


@pytest.mark.slow  # starts an interpreter
def test_a_constant_set_in_the_calling_cell_reaches_the_function(tmp_path):
    findings, _ = converted(
        tmp_path,
        md("## Load"),
        code(
            "ROOT = 'data/'\ndef fetch(path, root=ROOT):\n    return root + path\n"
            "print(fetch('a.csv'))"
        ),
    )  # fmt: skip
    assert findings == []
    log = run_package(tmp_path, "--set", "ROOT=elsewhere/")
    assert ": elsewhere/a.csv\n" in log


def test_a_guarded_import_that_does_work_stays_in_its_step(tmp_path):
    findings, modules = converted(
        tmp_path,
        md("## Setup"),
        code(
            "try:\n    import json\nexcept ImportError:\n"
            "    print('json is missing')\n    json = None"
        ),
        md("## Use"),
        code("print(json.dumps([1]))"),
    )  # fmt: skip
    assert findings == []
    use = next(text for text in modules.values() if "json.dumps([1])" in text)
    assert "try:\n    import json\nexcept ImportError:\n    json = None\n" in use
    setup = next(text for text in modules.values() if "json is missing" in text)
    top = setup.split("\ndef ")[0]
    assert "json is missing" not in top  # the message stays in the step


def test_versions_are_all_or_nothing_when_ipython_syntax_shares_a_line():
    from nb2prod.convert import plan_notebook

    planned = plan_notebook(notebook(
        code("def f(x):\n    return x"),
        code("%time y = f(1)"),
        code("def f(x):\n    return x * 2\nprint(f(y))"),
    ))  # fmt: skip
    names = {function.name for function in planned.plan.functions}
    assert names == {"f"}  # nothing renamed: the second cell could not be edited
    assert any("keeps the last one" in w.message for w in planned.plan.warnings)


def test_files_the_notebook_wrote_are_left_to_their_author(tmp_path):
    """A `%%writefile` script lands in data/ as written; the package's own lint (its
    pyproject's ruff settings, as its CI runs them) covers the package's code only."""
    result = convert_notebook(
        notebook(
            md("# Study"),
            code("%%writefile train.py\nimport os\nprint('train')\n"),
            code("x = 1"),
            path=str(tmp_path / "study.ipynb"),
        )
    )
    write_package(result.package, tmp_path / "pkg")
    assert "import os" in (tmp_path / "pkg" / "data" / "train.py").read_text()
    completed = subprocess.run(
        [_ruff(), "check", "--select", "E9,F", "--no-cache", "--output-format", "json",
         "."],
        cwd=tmp_path / "pkg", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert json.loads(completed.stdout) == []


def test_a_class_without_self_calling_a_function_that_reads_a_setting(tmp_path):
    """Methods without `self` (a class used as a namespace: `feat.load()`) cannot keep
    a setting on the instance: they read it from Config, and the functions creating
    the class need nothing for it."""
    findings, modules = converted(
        tmp_path,
        md("# Study"),
        code("import pandas as pd"),
        code("def data_load():\n    return pd.read_csv('data.csv')"),
        code("class feat:\n    def feat1():\n        return data_load()"),
        code(
            "def train():\n    return feat.feat1()\n\ndef report():\n    return train()"
        ),
        code("print(report)"),  # work: a pipeline, not a library
    )
    assert findings == []
    source = "\n".join(modules.values())
    assert "data_load(DATA_CSV=Config.DATA_CSV)" in source
    assert "def train():" in source and "def report():" in source


def test_the_notebooks_own_names_like_nb2prods_helpers_import_nothing(tmp_path):
    """Names of the package's helpers (`save_figure`, `secret`, `captured_output`,
    `print_to_log`) and of modules nb2prod may add (`typing`), used by the notebook's
    own code: nothing is imported for them (the package has no figures module here;
    an import of it failed when the module was loaded)."""
    findings, modules = converted(
        tmp_path,
        md("# Names"),
        code(
            "def save_figure(name):\n    return 'saved ' + name\n\n\n"
            "def secret(x):\n    return x * 2"
        ),
        md("## Use"),
        code(
            "captured_output = [save_figure('a'), secret(3)]\n"
            "print_to_log = len(captured_output)\ntyping = 'dynamic'\n"
            "print(captured_output, print_to_log, typing)"
        ),
    )
    assert findings == []
    imports = [line for line in modules["use"].splitlines() if "import" in line]
    assert imports == ["import logging"]
    assert "'saved a', 6" in run_package(tmp_path)


def test_what_nb2prods_changes_call_is_imported(tmp_path):
    """`%env` becomes `os.environ[...]`, `plt.show()` a `save_figure`, a `%%capture`
    cell a `with captured_output()`: each module imports what its code now calls."""
    findings, modules = converted(
        tmp_path,
        md("# Plot"),
        code(
            "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt"
        ),
        code("%env MODE=fast\nplt.plot([1, 2])\nplt.show()"),
        code("%%capture out\nprint('hidden')"),
        code("print(len(out.stdout))"),
    )
    assert findings == []
    code_text = "\n".join(modules.values())
    assert 'os.environ["MODE"] = "fast"' in code_text
    assert (
        'save_figure("' in code_text and "with captured_output() as out:" in code_text
    )
    imports = {
        line
        for text in modules.values()
        for line in text.splitlines()
        if "import" in line
    }
    assert "import os" in imports
    assert "from study.figures import save_figure" in imports
    assert "from study.logs import captured_output" in imports
