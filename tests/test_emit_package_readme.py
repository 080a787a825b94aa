"""The generated package's README: the notebook's own introduction (never invented),
settings, secrets by variable name only, the steps with inputs and outputs, valid
markdown tables."""

from __future__ import annotations

from nb2prod.convert import convert_notebook
from nb2prod.planning.introduction import LIMIT
from nb2prod.testing import code, md, notebook

SECRET = "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"
NOTEBOOK = notebook(
    md(
        "# Sales | forecast\n\n"
        "Forecast <b>weekly</b> sales. ![chart](chart.png) See [docs](http://x.org).\n\n"
        "---"
    ),
    code(f"RATE = 0.2\nAPI_KEY = '{SECRET}'\nprices = [1, 2, 3]"),
    md("## Totals"),
    code("total = sum(prices) * (1 + RATE)\nprint(total)"),
    md("## Report"),
    code("report = f'{total:.2f}'\nprint(report, API_KEY[:2])"),
    path="sales.ipynb",
)


def _readme(model) -> str:  # type: ignore[no-untyped-def]
    return convert_notebook(model).package["README.md"]


def _tables(text: str) -> list[list[list[str]]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables + ([current] if current else [])


def test_introduction_comes_from_the_notebook_without_html_or_images():
    text = _readme(NOTEBOOK)
    assert text.startswith("# Sales \\| forecast\n\nForecast weekly sales. See docs.\n")
    assert "<b>" not in text and "chart.png" not in text


def test_no_markdown_means_no_invented_summary():
    text = _readme(notebook("x = 1\nprint(x)", path="bare.ipynb"))
    first, second = text.split("\n\n")[:2]
    assert first == "# bare"
    assert second.startswith("A Python package converted by nb2prod")


def test_long_introduction_is_cut_at_a_sentence():
    sentence = "This notebook studies how prices move over a long period of time. "
    long = notebook(md("# T\n\n" + sentence * 20), "x = 1", path="long.ipynb")
    summary = _readme(long).split("\n\n")[1]
    assert len(summary) <= LIMIT
    assert summary.endswith("time.")


def test_steps_settings_and_secrets():
    text = _readme(NOTEBOOK)
    tables = _tables(text)
    assert all(len({len(row) for row in table}) == 1 for table in tables)
    steps = next(t for t in tables if t[0][0] == "Step")
    names = [row[0] for row in steps[2:]]
    assert names == ["`totals.totals`", "`report.prepare_report`"]
    totals, report = steps[2:]
    assert totals[1:3] == ["Totals", "`RATE`"]
    assert totals[3] == "`API_KEY`, `total`"  # the secret is read from the environment
    assert totals[4] == "2, 4"  # notebook cells, numbered from 1
    assert report[3] == "`report`" and "`total`" in report[2]
    settings = next(t for t in tables if t[0][0] == "Setting")
    assert settings[2][:2] == ["`RATE`", "`0.2`"]
    assert "`API_KEY`" in text and SECRET not in text
    assert "`API_KEY`" not in {row[0] for row in settings}  # a secret is no setting


def test_no_generated_file_holds_the_secret():
    files = convert_notebook(NOTEBOOK).package
    assert [path for path, text in files.items() if SECRET in text] == []


def test_readme_is_deterministic():
    assert _readme(NOTEBOOK) == _readme(NOTEBOOK)


def test_introduction_skips_code_blocks_tables_and_later_sections():
    model = notebook(
        md(
            "# T\n\nIntro text.\n\n```python\nx = 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |"
        ),
        md("## Part one\n\nNot the introduction."),
        "x = 1",
        path="t.ipynb",
    )
    assert _readme(model).split("\n\n")[1] == "Intro text."


def test_titles_with_emoji_and_quotes_give_valid_toml_and_python():
    """A title like "Fine-tuning with 🤗 Transformers" once became a `\\ud83e` escape,
    which TOML refuses (pip then cannot install the package)."""
    from nb2prod.settings import toml_parser

    tomllib = toml_parser()

    title = 'Fine-tuning with 🤗 "Transformers" \\ tabs\there'
    package = convert_notebook(notebook(md(f"# {title}"), code("print(1)"))).package
    data = tomllib.loads(package["pyproject.toml"])
    assert data["project"]["description"] == title
    main = next(text for path, text in package.items() if path.endswith("__main__.py"))
    compile(main, "__main__.py", "exec")
    assert "🤗" in main
