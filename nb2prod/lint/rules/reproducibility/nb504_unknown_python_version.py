from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.testing import nb


class UnknownPythonVersion(Rule):
    """
    ## What it does
    Flags notebooks whose metadata records neither the Python version
    (`metadata.language_info.version`) nor the kernel (`metadata.kernelspec`).

    ## Why is this bad?
    Nobody can tell which interpreter the code and its stored outputs came from, so
    re-running it is guesswork; Pimentel et al. (2019) could not even count such
    notebooks as valid Python notebooks when re-executing 1.1 million of them.

    ## Example
    ```python
    # "metadata": {}
    ```

    Use instead:
    ```python
    # "metadata": {"kernelspec": {"name": "python3", ...},
    #              "language_info": {"name": "python", "version": "3.11.7"}}
    ```
    """

    code = "NB504"
    name = "unknown-python-version"
    message = "the notebook records no Python version and no kernel"

    valid = [
        Valid("x = 1"),
        Valid(nb("x = 1", metadata={"language_info": {"version": "3.8.5"}})),
        Valid(nb("x = 1", metadata={"kernelspec": {"name": "python3"}})),
    ]
    invalid = [Invalid(nb("x = 1", metadata={}), at=(None, 1, 0))]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        notebook = ctx.notebook
        kernel = notebook.kernel
        if notebook.python_version is None and not (kernel.name or kernel.display_name):
            yield ctx.finding(self, None)
