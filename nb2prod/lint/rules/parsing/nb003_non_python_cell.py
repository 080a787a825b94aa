from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.parsing._helpers import syntax_facts
from nb2prod.reading.magics import SyntaxKind
from nb2prod.testing import nb

_SHOWN = {
    "shell": "shell commands",
    "html": "HTML",
    "javascript": "JavaScript",
    "latex": "LaTeX",
    "markdown": "Markdown",
    "svg": "SVG",
    "sql": "SQL",
    "r": "R code",
    "perl": "Perl",
    "ruby": "Ruby",
    "cython": "Cython",
    "text": "a file's text",
    "other": "non-Python code",
}


class NonPythonCell(Rule):
    """
    ## What it does
    Flags code cells that start with a cell magic whose body is not Python:
    `%%bash`, `%%sh`, `%%html`, `%%javascript`, `%%sql`, `%%writefile`, `%%latex`...

    ## Why is this bad?
    The cell is shell, markup or a file's text hidden in a Python notebook: linters
    skip it (ruff drops every cell magic outside a short Python list), converters
    cannot turn it into a module, and it runs only in an IPython kernel.

    ## Example
    ```python
    %%bash
    mkdir -p data
    curl -o data/train.csv https://example.com/train.csv
    ```

    Use instead:
    ```python
    from pathlib import Path
    from urllib.request import urlretrieve

    Path("data").mkdir(exist_ok=True)
    urlretrieve("https://example.com/train.csv", "data/train.csv")
    ```
    """

    code = "NB003"
    name = "non-python-cell"
    message = "`%%{name}` cell holds {language}, not Python"

    valid = [Valid("%%time\nmodel.fit(X, y)"), Valid("%%capture\n!pip install x")]
    invalid = [
        Invalid(nb("x = 1", "\n%%bash\nls -l"), at=(1, 2, 0),
                message="`%%bash` cell holds shell commands, not Python"),
        Invalid("%%writefile app.py\nprint('hi')"),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for cell, fact in syntax_facts(ctx, SyntaxKind.CELL_MAGIC):
            language = fact.body_language or "other"
            if language == "python":
                continue
            yield ctx.finding(
                self,
                cell,
                fact.span.line,
                fact.span.column,
                name=fact.name,
                language=_SHOWN.get(language, language),
            )
