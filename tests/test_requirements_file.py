"""requirements.txt says why a line is unpinned or optional, in one comment pip ignores."""

from __future__ import annotations

from nb2prod.convert import convert_notebook
from nb2prod.testing import notebook


def test_unpinned_optional_and_install_lines_are_explained():
    model = notebook(
        "import not_installed_anywhere\n"
        "try:\n    import also_missing\nexcept ImportError:\n    also_missing = None\n"
        "%pip install lightgbm==4.0\nx = 1"
    )
    lines = convert_notebook(model).package["requirements.txt"].splitlines()
    assert "lightgbm==4.0  # from the notebook's install line" in lines
    assert (
        "not-installed-anywhere  # not installed where nb2prod ran: "
        "pin the version you use"
    ) in lines
    assert (
        "also-missing  # optional: imported inside try/except ImportError; "
        "not installed where nb2prod ran: pin the version you use"
    ) in lines
    assert all(line.count("#") <= 1 for line in lines[1:])
