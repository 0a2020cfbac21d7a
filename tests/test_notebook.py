"""demos/tour.ipynb: stored without outputs, and executed top to bottom in a fresh kernel so that it never rots."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "demos" / "tour.ipynb"


def test_the_tour_is_stored_without_outputs():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert code, "the tour has no code"
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None, cell["id"]


def test_the_tour_runs_top_to_bottom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is absent; install the test extra")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is absent; install the test extra")
    kernelspec = pytest.importorskip("ipykernel.kernelspec", reason="ipykernel is absent; install the test extra")
    pytest.importorskip("matplotlib", reason="the tour plots with matplotlib (the 'demo' extra), which is absent")
    # A kernel spec named python3 that runs this interpreter, found before any other (JUPYTER_PATH comes first).
    kernelspec.write_kernel_spec(str(tmp_path / "kernels" / "python3"))
    spec = json.loads((tmp_path / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if any cell fails
    outputs = {cell["id"]: cell.get("outputs", []) for cell in notebook.cells}
    kinds = {cell_id: {kind for output in cell for kind in output.get("data", {})} for cell_id, cell in outputs.items()}
    assert "o = 0.7071" in outputs["tour-04"][0]["text"]
    assert "image/svg+xml" in kinds["tour-06"]  # the neuron's graph, inline
    assert "text/html" in kinds["tour-08"] and "text/html" in kinds["tour-12"]  # the lesson pages
    assert "0.698076" in "".join(output.get("text", "") for output in outputs["tour-10"])
    assert "image/png" in kinds["tour-15"]  # the decision boundary
