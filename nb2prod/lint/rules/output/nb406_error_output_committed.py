from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import CLEAR_OUTPUTS, Finding, Fix, Invalid, Rule, Valid
from nb2prod.testing import code as code_cell
from nb2prod.testing import nb, stream

#: The cell tag Jupyter and nbval use for a cell that raises on purpose.
_EXPECTED = "raises-exception"

_ERROR = {
    "output_type": "error",
    "ename": "KeyError",
    "evalue": "'price'",
    "traceback": ["KeyError: 'price'"],
}


class ErrorOutputCommitted(Rule):
    """
    ## What it does
    Flags code cells whose stored outputs include an error (a traceback).

    ## Why is this bad?
    The notebook was saved in a broken state: either the cell does not work, or the
    outputs below it came from a different run than the code shows.

    ## Example
    ```python
    df["price"].mean()   # stored output: KeyError: 'price'
    ```

    Use instead:
    ```python
    # Fix the cell, or clear its output, then restart and run all before committing.
    # `nb2prod lint --fix` clears the outputs of such cells.
    ```
    """

    code = "NB406"
    name = "error-output-committed"
    message = "stored output is an error: {ename}: {evalue}"
    fix_action = CLEAR_OUTPUTS

    valid = [
        Valid(nb(code_cell("print(1)", count=1, outputs=[stream("1\n")]))),
        Valid(nb(code_cell("1 / 0", count=1, outputs=[_ERROR], tags=[_EXPECTED]))),
    ]
    invalid = [
        Invalid(
            nb(code_cell("df['price'].mean()", count=3, outputs=[_ERROR])),
            at=(0, 1, 0),
            message="stored output is an error: KeyError: 'price'",
        )
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for cell in ctx.code_cells:
            if _EXPECTED in cell.tags:
                continue  # the author shows the error on purpose (Jupyter's own tag)
            for output in cell.outputs:
                if output.output_type == "error":
                    evalue = (output.evalue or "").strip().splitlines()
                    yield ctx.finding(
                        self,
                        cell.index,
                        fix=Fix(
                            "clear the cell's outputs", cell.index, None, CLEAR_OUTPUTS
                        ),
                        ename=output.ename or "error",
                        evalue=evalue[0][:120] if evalue else "",
                    )
                    break
