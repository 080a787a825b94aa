from __future__ import annotations

import ast
from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.testing import code as code_cell
from nb2prod.testing import nb

#: Calls that write a figure to a file (matplotlib, plotly, imageio-style).
_SAVES = frozenset({"savefig", "imsave", "write_image", "write_html"})


class InteractivePlotting(Rule):
    """
    ## What it does
    Flags `plt.show()` and `fig.show()` in notebooks that never save a figure
    (`savefig`, `write_image`, `write_html`). `%matplotlib inline` alone is fine.

    ## Why is this bad?
    The figures exist only as outputs stored in the notebook. Run as a script or a
    scheduled job, `show()` opens a window that blocks, or does nothing on a headless
    machine, and the plots are lost.

    ## Example
    ```python
    plt.plot(history["loss"])
    plt.show()
    ```

    Use instead:
    ```python
    plt.plot(history["loss"])
    plt.savefig(REPORT_DIR / "loss.png")
    ```
    """

    code = "NB404"
    name = "interactive-plotting"
    message = "figure is shown but the notebook never saves a figure to a file"

    valid = [
        # the notebook's own `show` helper is not matplotlib's
        Valid(nb("def show(ax):\n    ax.grid(True)", "show(ax)")),
        Valid("plt.plot(x)\nplt.savefig('loss.png')\nplt.show()"),
        Valid("%matplotlib inline\nplt.plot(x)"),
        Valid("fig = px.line(df)\nfig.write_html('trend.html')\nfig.show()"),
        Valid(nb("plt.show()", "plt.gcf().savefig('a.png')")),
    ]
    invalid = [
        Invalid("plt.plot(x)\nplt.show()", at=(0, 2, 0)),
        Invalid("# plt.savefig('a.png')\nfig.show()", at=(0, 2, 0)),
        Invalid(nb(code_cell("%matplotlib inline"), "plt.show()"), at=(1, 1, 0)),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if any(_saves_figure(ctx.nodes(parsed)) for parsed in ctx.parsed):
            return
        own = {f.name for facts in ctx.cell_facts() for f in facts.functions}
        for facts in ctx.cell_facts():
            for call in facts.plots:
                if (
                    call.kind == "show" and call.name not in own
                ):  # a `def show` of its own
                    yield ctx.finding(self, facts.index, call.line, call.column)


def _saves_figure(nodes: tuple[ast.AST, ...]) -> bool:
    return any(
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) in _SAVES
        for node in nodes
    )
