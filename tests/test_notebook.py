"""The notebook model: what real files contain is read, typed and kept immutable."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2prod.errors import NotebookReadError
from nb2prod.reading.notebook import CellKind, notebook_from_json, read_notebook
from nb2prod.testing import code, md, nb, result, stream, write_nb

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_cells_keep_kind_source_count_outputs_tags_and_id(tmp_path):
    document = nb(
        md(["# Churn\n", "\n", "Analysis."]),
        code("print('hi')", count=3, outputs=[stream("hi\n")], tags=["parameters"]),
        code(["x = 1\n", "x"], count=4, outputs=[result("1", 4)]),
    )
    document["cells"][1]["id"] = "abc-123"
    notebook = read_notebook(write_nb(tmp_path / "a.ipynb", document))
    markdown, printing, displaying = notebook.cells
    assert markdown.kind is CellKind.MARKDOWN
    assert markdown.source == "# Churn\n\nAnalysis."
    assert markdown.execution_count is None
    assert (printing.execution_count, printing.tags, printing.id) == (
        3,
        ("parameters",),
        "abc-123",
    )
    assert printing.outputs[0].output_type == "stream"
    assert printing.outputs[0].text == "hi\n"
    assert displaying.source == "x = 1\nx"
    assert displaying.outputs[0].get("text/plain") == "1"
    assert displaying.outputs[0].execution_count == 4
    assert [cell.index for cell in notebook.cells] == [0, 1, 2]


def test_model_is_immutable():
    notebook = notebook_from_json(nb("x = 1"))
    with pytest.raises(AttributeError):
        notebook.cells[0].source = "y = 2"  # type: ignore[misc]
    assert isinstance(notebook.cells, tuple)


def test_metadata_gives_kernel_language_and_python_version():
    notebook = notebook_from_json(nb("x = 1"), "m.ipynb")
    assert notebook.kernel.name == "python3"
    assert notebook.kernel.language == "python"
    assert notebook.python_version == "3.11.7"
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)


def test_missing_metadata_is_assumed_python():
    notebook = notebook_from_json(nb("x = 1", metadata={}))
    assert notebook.kernel.language is None
    assert notebook.python_version is None
    assert len(notebook.code_cells) == 1


def test_missing_ids_and_unknown_cell_types_are_tolerated():
    document = nb("x = 1")
    document["cells"].append(
        {"cell_type": "heading", "level": 2, "source": "Old", "metadata": {}}
    )
    notebook = notebook_from_json(document)
    assert notebook.cells[0].id is None
    assert notebook.cells[1].kind is CellKind.RAW
    assert notebook.cells[1].original_type == "heading"
    assert notebook.cells[1].source == "Old"


def test_attachments_and_widget_metadata_are_tolerated():
    document = nb(md("![img](attachment:plot.png)"), "x = 1")
    document["cells"][0]["attachments"] = {"plot.png": {"image/png": "iVBORw0KGgo="}}
    document["metadata"]["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}
    }
    notebook = notebook_from_json(document)
    assert notebook.cells[0].attachments == ("plot.png",)


def test_rich_outputs_are_flattened_to_text_per_mime_type():
    widget = {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "application/vnd.jupyter.widget-view+json": {
                "model_id": "a1",
                "version_major": 2,
            },
            "text/html": ["<b>", "bold</b>"],
            "text/plain": "bold",
        },
    }
    error = {
        "output_type": "error",
        "ename": "NameError",
        "evalue": "name 'y' is not defined",
        "traceback": ["\u001b[0;31mNameError\u001b[0m"],
    }
    cell = notebook_from_json(nb(code("y", count=1, outputs=[widget, error]))).cells[0]
    shown, failed = cell.outputs
    assert shown.get("text/html") == "<b>bold</b>"
    assert shown.get("application/vnd.jupyter.widget-view+json") == (
        '{"model_id": "a1", "version_major": 2}'
    )
    assert shown.get("image/png") is None
    assert (failed.ename, failed.evalue) == ("NameError", "name 'y' is not defined")
    assert len(failed.traceback) == 1


def test_execution_count_of_wrong_type_is_read_as_none():
    document = nb(code("x = 1", count=None))
    document["cells"][0]["execution_count"] = "7"
    assert notebook_from_json(document).cells[0].execution_count is None


def test_line_count_counts_python_lines():
    notebook = notebook_from_json(nb("a = 1\nb = 2\n", "", "x = '\x0c'\r\ny = 2"))
    assert [cell.line_count for cell in notebook.cells] == [2, 0, 2]


def test_nbformat3_is_upgraded_with_outputs_and_headings():
    notebook = read_notebook(FIXTURES / "nbformat3_worksheets.ipynb")
    assert notebook.upgraded_from == 3
    assert notebook.nbformat == 4
    heading, plotting, printing, notes = notebook.cells
    assert (heading.kind, heading.source) == (CellKind.MARKDOWN, "# Old notebook")
    assert plotting.source.startswith("%matplotlib inline\n")
    assert plotting.execution_count == 1
    assert plotting.outputs[0].output_type == "execute_result"
    assert plotting.outputs[0].get("text/plain") == "array([0, 1, 2])"
    assert printing.outputs[0].name == "stdout"
    assert notes.source == "Some *notes*."


def test_nbformat3_upgrade_is_deterministic():
    first = read_notebook(FIXTURES / "nbformat3_worksheets.ipynb")
    second = read_notebook(FIXTURES / "nbformat3_worksheets.ipynb")
    assert first == second
    assert all(cell.id is None for cell in first.cells)


def test_nbformat3_without_worksheets_is_rejected():
    with pytest.raises(NotebookReadError, match='nbformat 3 without "worksheets"'):
        notebook_from_json(
            {"nbformat": 3, "nbformat_minor": 0, "metadata": {}}, "old.ipynb"
        )


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.ipynb"
    path.write_bytes(
        b"\xef\xbb\xbf" + write_nb(tmp_path / "x.ipynb", nb("x = 1")).read_bytes()
    )
    assert read_notebook(path).cells[0].source == "x = 1"


def test_reading_never_writes(tmp_path):
    path = write_nb(tmp_path / "a.ipynb", nb("x = 1", md("# t")))
    before = path.read_bytes(), path.stat().st_mtime_ns
    read_notebook(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ipynb"]
