from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.reading.notebook import Output
from nb2prod.testing import code as code_cell
from nb2prod.testing import nb, stream

_PNG = {
    "output_type": "display_data",
    "data": {"image/png": "iVBORw0KGgo" * 60_000, "text/plain": "<Figure>"},
    "metadata": {},
}


class HeavyOutputs(Rule):
    """
    ## What it does
    Flags code cells whose stored outputs are larger than `max-output-kb` (500 KB by
    default): embedded images, interactive widgets, long logs, big HTML tables.

    ## Why is this bad?
    Outputs are stored in the `.ipynb` file, so every run rewrites them: the
    repository grows, diffs become unreadable and reviews slow down. Large outputs
    belong in files the code writes (or nowhere), and outputs are usually stripped
    before committing (nbstripout).

    ## Example
    ```python
    sns.pairplot(df)  # stores a 2 MB PNG in the notebook
    ```

    Use instead:
    ```python
    sns.pairplot(df).savefig(REPORT_DIR / "pairplot.png")
    ```
    """

    code = "NB405"
    name = "heavy-outputs"
    message = "stored outputs take {size} KB (limit {limit} KB)"

    valid = [Valid(nb(code_cell("df.head()", count=1, outputs=[stream("a b\n")])))]
    invalid = [
        Invalid(
            nb(code_cell("sns.pairplot(df)", count=1, outputs=[_PNG])),
            at=(0, 1, 0),
            message="stored outputs take 645 KB (limit 500 KB)",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        limit = ctx.settings.max_output_kb
        for cell in ctx.code_cells:
            size = sum(_size(output) for output in cell.outputs)
            if size > limit * 1024:
                yield ctx.finding(
                    self, cell.index, size=round(size / 1024), limit=limit
                )


def _size(output: Output) -> int:
    """Bytes of text the output stores: stream text, each MIME version, traceback."""
    parts = [output.text, *(text for _, text in output.data), *output.traceback]
    return sum(len(part.encode("utf-8")) for part in parts)
