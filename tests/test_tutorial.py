"""examples/tutorial.ipynb runs top to bottom in a real Jupyter kernel (nbclient, ipykernel), and is kept
in the repository without outputs."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from tests.conftest import EXAMPLES

TUTORIAL = EXAMPLES / "tutorial.ipynb"


def test_the_tutorial_is_stored_without_outputs():
    notebook = nbformat.read(TUTORIAL, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_the_tutorial_runs_top_to_bottom():
    notebook = nbformat.read(TUTORIAL, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    text = "".join(output.get("text", "") for output in outputs)
    assert "report.html" in text and "leak_fraction" in text
    shown = [output for output in outputs if "application/vnd.plotly.v1+json" in output.get("data", {})]
    assert shown, "the plotly figure was not displayed"
