from __future__ import annotations

from collections.abc import Iterator

from nb2prod.lint.context import RuleContext
from nb2prod.lint.rule import Finding, Invalid, Rule, Valid
from nb2prod.lint.rules.parsing._helpers import character_column, syntax_facts
from nb2prod.reading.magics import SyntaxKind


class TopLevelAwait(Rule):
    """
    ## What it does
    Flags `await`, `async for` and `async with` outside any function, at a cell's top
    level.

    ## Why is this bad?
    It works only because IPython runs cells in its own event loop (autoawait). The
    same code in a module or script is a `SyntaxError` ("'await' outside function"),
    so it cannot leave the notebook as it is; ruff exempts it in notebooks only.

    ## Example
    ```python
    response = await client.get(url)
    ```

    Use instead:
    ```python
    import asyncio

    async def fetch(url):
        return await client.get(url)

    response = asyncio.run(fetch(url))
    ```
    """

    code = "NB004"
    name = "top-level-await"
    message = (
        "top-level `{keyword}` runs only under IPython's autoawait; "
        "wrap it in `async def` and `asyncio.run`"
    )

    valid = [
        Valid("async def main():\n    await asyncio.sleep(1)"),
        Valid("asyncio.run(main())"),
    ]
    invalid = [
        Invalid("x = 1\nresponse = await client.get(url)", at=(0, 2, 11),
                message="top-level `await` runs only under IPython's autoawait; "
                "wrap it in `async def` and `asyncio.run`"),
        Invalid("async with session() as s:\n    pass", at=(0, 1, 0),
                message="top-level `async with` runs only under IPython's "
                "autoawait; wrap it in `async def` and `asyncio.run`"),
    ]  # fmt: skip

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for cell, fact in syntax_facts(ctx, SyntaxKind.TOP_LEVEL_AWAIT):
            line = fact.span.line
            column = character_column(ctx, cell, line, fact.span.column)
            words = fact.text.split()
            keyword = fact.name if fact.name != "async" else " ".join(words[:2])
            yield ctx.finding(self, cell, line, column, keyword=keyword)
