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


def test_a_pytorch_build_pin_names_the_index_that_has_it():
    """`torch==2.13.0+cpu` is not on PyPI: requirements.txt names PyTorch's index for
    that build, so the Dockerfile and CI (which install it) get the same build."""
    from nb2prod.planning.plan import Requirement
    from nb2prod.planning.requirements import extra_indexes

    pins = (
        Requirement("numpy==2.4.6", "import", ("numpy",)),
        Requirement("torch==2.13.0+cpu", "import", ("torch",)),
        Requirement("torchvision==0.29.1+cu121", "import", ("torchvision",)),
        Requirement("torchaudio==2.9.1+cpu", "import", ("torchaudio",)),
        Requirement("scipy==1.17.1+local", "import", ("scipy",)),
    )
    assert extra_indexes(pins) == (
        "https://download.pytorch.org/whl/cpu",
        "https://download.pytorch.org/whl/cu121",
    )
    assert extra_indexes(pins[:1]) == ()


def test_pyproject_declares_a_build_pin_without_its_local_label():
    """`torch==2.13.0+cpu` only PyTorch's index has: pyproject.toml declares
    `torch==2.13.0` (which the installed +cpu build satisfies), so `pip install .`
    resolves from PyPI; requirements.txt keeps the build and names its index."""
    from nb2prod.emit.package import render_package
    from nb2prod.planning.plan import Requirement
    from nb2prod.settings import toml_parser

    plan = convert_notebook(notebook("import torch\nx = torch.zeros(2)")).plan
    plan = plan._replace(
        requirements=(Requirement("torch==2.13.0+cpu", "import", ("torch",)),)
    )
    files = render_package(plan)
    project = toml_parser().loads(files["pyproject.toml"])["project"]
    assert "torch==2.13.0" in project["dependencies"]
    assert "torch==2.13.0+cpu" in files["requirements.txt"].splitlines()
    assert (
        "--extra-index-url https://download.pytorch.org/whl/cpu"
        in files["requirements.txt"].splitlines()
    )
