from __future__ import annotations

import sys
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid


class OptionalImportAmbiguity(Rule):
    """
    ## What it does
    Flags third-party imports inside `try: ... except ImportError:` (or
    `ModuleNotFoundError`). Standard-library and relative imports are left alone.

    ## Why is this bad?
    The notebook behaves differently depending on what happens to be installed, and
    nobody can tell from the code whether the package is a requirement: dependency
    finders such as pigar treat these imports separately, and the conversion has to
    guess whether to declare them.

    ## Example
    ```python
    try:
        import ujson as json
    except ImportError:
        import json
    ```

    Use instead:
    ```python
    import json  # or declare ujson in requirements.txt and import it directly
    ```
    """

    code = "NB310"
    name = "optional-import-ambiguity"
    message = "`{module}` is imported only if installed; decide if it is a requirement"
    default = False

    valid = [
        Valid("import json"),
        Valid("try:\n    import tomllib\nexcept ImportError:\n    tomllib = None"),
        Valid("try:\n    import x\nexcept KeyError:\n    pass"),
    ]
    invalid = [
        Invalid(
            "try:\n    import ujson as json\nexcept ImportError:\n    import json",
            at=(0, 2, 4),
            message="`ujson` is imported only if installed; decide if it is a requirement",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for facts in ctx.cell_facts():
            seen: set[tuple[int, int]] = set()
            for fact in facts.imports:
                top = fact.module.split(".")[0]
                if (
                    fact.optional
                    and not fact.level
                    and top not in sys.stdlib_module_names
                    and (fact.line, fact.column) not in seen
                ):
                    seen.add((fact.line, fact.column))
                    yield ctx.finding(
                        self, facts.index, fact.line, fact.column, module=fact.module
                    )
