"""The worked-example notebook runs end to end on real outputs (so it never rots)."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from typer.testing import CliRunner

from movescreen.cli import app

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "worked_example.ipynb"


def test_worked_example_notebook_executes(videos, tmp_path, monkeypatch):
    out = tmp_path / "res"
    clip = videos / "squat_frontal_goblet_short_04.mp4"
    result = CliRunner().invoke(app, ["analyze", str(clip), "--test", "squat", "--out", str(out)])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("MOVESCREEN_EXAMPLE", str(out))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "squat: squat_frontal_goblet_short_04.mp4, 30 frames, 1 reps" in text
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plot was drawn
