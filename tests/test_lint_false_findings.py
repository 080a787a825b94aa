"""False findings users reported on real notebooks (issue 17): each test is a tiny
notebook that was wrongly flagged, or flagged at the wrong place."""

from __future__ import annotations

from nb2prod.lint.engine import lint_notebook
from nb2prod.lint.registry import rule_class
from nb2prod.reading.notebook import notebook_from_json
from nb2prod.settings import LintSettings
from nb2prod.testing import md, nb


def findings(code: str, *cells: str | dict) -> list[tuple[int | None, int, int]]:
    """(cell, line, column) of each finding of rule `code` in a notebook of `cells`."""
    notebook = notebook_from_json(nb(*cells), "test.ipynb")
    found = lint_notebook(notebook, [rule_class(code)()], LintSettings())
    return [(f.cell, f.line, f.column) for f in found if f.code == code]


# ---- NB106 use-before-definition ---------------------------------------------------


def test_nb106_name_assigned_in_the_cell_before_the_call_that_reads_it():
    assert (
        findings(
            "NB106",
            "def train():\n    optimizer.step()",
            "optimizer = make_optimizer()\ntrain()",
            "optimizer = None",
        )
        == []
    )


def test_nb106_name_assigned_after_the_call_is_still_flagged():
    assert findings(
        "NB106",
        "def train():\n    optimizer.step()",
        "train()\noptimizer = make_optimizer()",
        "optimizer = None",
    ) == [(1, 1, 0)]


def test_nb106_global_set_by_a_function_before_it_calls_a_reader():
    assert (
        findings(
            "NB106",
            "def predict():\n    return model.predict(1)",
            "def main():\n    global model\n    model = load()\n    return predict()",
            "main()",
            "model = None",
        )
        == []
    )


# ---- NB106 / NB107 point at the reading node, not at the name's text ---------------


def test_nb107_points_at_the_read_not_at_a_comment_holding_the_name():
    cell = "# df_clean comes from the cleaning step\nx = 1\nprint(x, df_clean)"
    assert findings("NB107", cell) == [(0, 3, 9)]


def test_nb107_points_at_the_call_of_the_function_that_reads_the_name():
    reader = "def report():\n    return cfg"
    assert findings("NB107", reader, "label = 'cfg'\nreport()") == [(1, 2, 0)]


def test_nb106_points_at_the_read_not_at_an_assignment_of_the_name():
    assert findings("NB106", "total = total + 1", "total = 0") == [(0, 1, 8)]


# ---- NB107 undefined-name ------------------------------------------------------------


def test_nb107_names_a_cython_cell_defines():
    cython = (
        "%%cython\nimport numpy as np\ncdef int calls = 0\n"
        "def fib(int n):\n    return n\ncpdef double half(double x):\n    return x / 2\n"
        "cdef class Counter:\n    pass"
    )
    used = "fib(3)\nhalf(2.0)\nCounter()\nnp.ones(2)"
    assert findings("NB107", "%load_ext Cython", cython, used) == []


def test_nb107_python2_names_under_a_version_guard():
    guarded = [
        "import sys\nif sys.version_info < (3, 0):\n    text = unicode('a')\nelse:\n"
        "    text = str('a')",
        "import sys\nif sys.version_info[0] == 2:\n    r = xrange(3)",
        "import six\nif six.PY2:\n    name = raw_input()",
        "import sys\nPY2 = sys.version_info.major == 2\nif not PY2:\n    n = 1\n"
        "else:\n    n = long(1)",
        "import sys\nrange_ = range if sys.version_info >= (3,) else xrange",
    ]
    for cell in guarded:
        assert findings("NB107", cell) == []
    function = (
        "import six\ndef to_text(s):\n    if six.PY2:\n        return unicode(s)\n"
    )
    assert findings("NB107", function + "    return s", "to_text(1)") == []


def test_nb107_python2_name_outside_a_guard_is_still_flagged():
    assert findings("NB107", "import sys\nr = xrange(3)") == [(0, 2, 4)]


# ---- holoviews %%opts / %%output cells hold Python ------------------------------------


def test_holoviews_cell_magics_are_python():
    cells = (
        "import holoviews as hv",
        "%%opts Curve [width=600] (color='red')\ncurve = hv.Curve([1, 2])\ncurve",
        "%%output size=200\nhv.Curve([1, 2]) + missing",
    )
    assert findings("NB003", *cells) == []
    assert findings("NB107", *cells) == [(2, 2, 19)]  # the body is analysed as Python


# ---- os.chdir then an import from that folder ---------------------------------------


def test_nb302_import_below_a_chdir_or_path_change_it_needs():
    for change in ("os.chdir(folder)", "sys.path.insert(0, folder)", "%cd {folder}"):
        cell = f"import os, sys\nfolder = 'src'\n{change}\nfrom helpers import clean"
        assert findings("NB302", cell) == []
    assert findings("NB302", "x = 1\nimport os") == [(0, 2, 0)]


def test_nb506_chdir_back_to_the_saved_directory():
    cells = (
        "import os\nfrom pathlib import Path\nold = os.getcwd()\nhere = Path.cwd()",
        "os.chdir('data')\ndf = load()\nos.chdir(old)\nos.chdir(str(here))",
        "%pushd data\n%popd\n%cd -",
    )
    assert findings("NB506", *cells) == [(1, 1, 0), (2, 1, 0)]


# ---- NB611 data-leakage: only when the fit's data reaches the split -----------------

_SKLEARN = (
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.model_selection import train_test_split\n"
)


def test_nb611_scaled_data_never_reaches_the_split():
    only_its_size = "X_s = StandardScaler().fit_transform(X)\nidx = np.arange(len(X_s))"
    other_columns = "df['age_s'] = StandardScaler().fit_transform(df[['age']])"
    split = "X = df[['income']]\nidx = range(len(X))\ntrain, test = train_test_split(X)"
    assert (
        findings("NB611", _SKLEARN + only_its_size, "a, b = train_test_split(idx)")
        == []
    )
    assert findings("NB611", _SKLEARN + other_columns, split) == []


def test_nb611_scaled_column_that_reaches_the_split_is_flagged():
    scaled = "df['age_s'] = StandardScaler().fit_transform(df[['age']])"
    split = "X = df[['age_s', 'income']]\ntrain, test = train_test_split(X)"
    assert findings("NB611", _SKLEARN + scaled, split) == [(0, 3, 14)]
    whole = "X = df.drop(columns='y')\ntrain, test = train_test_split(X)"
    assert findings("NB611", _SKLEARN + scaled, whole) == [(0, 3, 14)]


# ---- NB208 long-comment-block exempts commented-out code ----------------------------


def test_nb208_commented_out_code_is_exempt():
    blocks = [
        '# query = """\n# SELECT name, age\n# FROM users\n# WHERE age > 30\n# """',
        '# print "accuracy", acc\n# print "loss", loss\n'
        "# for k, v in d.iteritems():\n#     print k, v",
        "# model.add(Dense(64,\n#     activation='relu'))\n"
        "# model.compile(optimizer,\n#               loss)\n# model.fit(X, y)",
    ]
    for block in blocks:
        assert findings("NB208", "x = 1\n" + block) == []
    prose = "# TODO\n# Setup\n# Load\n# Train"
    assert findings("NB208", "x = 1\n" + prose) == [(0, 2, 0)]


# ---- NB601 chain-indexing: pandas objects only --------------------------------------


def test_nb601_nested_dict_is_not_chained_indexing():
    assert findings("NB601", "d = {}\nd['a'] = {}\nd['a']['b'] = 1") == []
    assert findings("NB601", "from collections import defaultdict\n"
                    "stats = defaultdict(dict)\nstats['a']['b'] = 1") == []  # fmt: skip
    assert findings("NB601", "df = load()\ndf['a']['b'] = 1") == [(0, 2, 0)]


# ---- NB607 empty-column-init: a counter starts at 0 ----------------------------------


def test_nb607_counter_column_initialised_to_zero():
    counters = [
        "df['count'] = 0\nfor i in rows:\n    df.at[i, 'count'] += 1",
        "df['total'] = 0\nfor c in cols:\n    df['total'] = df['total'] + df[c]",
    ]
    for cell in counters:
        assert findings("NB607", cell) == []
    assert findings("NB607", "df['count'] = 0\ndf['total'] += 1") == [(0, 1, 0)]


# ---- NB805 missing-title-heading: a bold first line is a title ----------------------


def test_nb805_bold_title_followed_by_an_italic_note():
    titles = [
        "**Deep Learning** *(2nd edition)*",
        "**Lab_01: regression**\n_a note_",
        "<b>Churn</b><br><i>draft</i>",
    ]
    for title in titles:
        assert findings("NB805", md(title), "x = 1") == []
    sentence = "**Note:** this is a sentence, not a title."
    assert findings("NB805", md(sentence), "x = 1") == [(None, 1, 0)]


# ---- NB202 cell-too-long counts code lines only --------------------------------------


def test_nb202_comment_lines_are_not_code():
    commented = "\n".join(f"# step {i}\nx{i} = {i}  # why" for i in range(30))
    assert findings("NB202", commented) == []
    docstring = '"""\n' + "text\n" * 30 + '"""'
    assert findings("NB202", docstring) == [(0, 1, 0)]


# ---- NB001: IPython strips a common indent, in a cell and in a `%%time` body -----------


def test_nb001_common_indent_is_stripped_as_ipython_does():
    for cell in ("    x = 1\n    y = x", "%%time\n    x = 1\n    y = x"):
        assert findings("NB001", cell) == []
    assert [place[:2] for place in findings("NB001", "%%time\n    x = 1\n  y = x")] == [
        (0, 3)
    ]
