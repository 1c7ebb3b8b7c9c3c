"""frames.csv holds the numbers the screen saw: its own conditioning and camera-cut stretch."""

import csv
from dataclasses import replace

import numpy as np
import pytest

from movescreen.outputs import write_outputs
from movescreen.pipeline import Analysis, analyse_pose
from synthetic import W, jump_landing, single_leg_squat


def _rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _column(rows: list[dict[str, str]], name: str) -> np.ndarray:
    return np.array([float(r[name]) if r[name] else np.nan for r in rows])


def _zoomed_after(seq, t_cut: float, factor: float = 0.4):
    """The camera zooms out at ``t_cut``: every landmark scales about the picture's centre."""
    xy = seq.image_xy.copy()
    late = seq.t >= t_cut
    xy[late] = W / 2 + (xy[late] - W / 2) * factor
    return replace(seq, image_xy=xy)


@pytest.mark.parametrize(("test", "leg"), [("single-leg-hop", "left"),
                                           ("single-leg-hop", "right"),
                                           ("drop-landing", "left")])
def test_fppa_at_contact_in_frames_csv_is_the_landings_fppa_ic(tmp_path, test, leg):
    single = leg if test == "single-leg-hop" else None
    seq = jump_landing(single_leg=single, fppa_ic=4.0, fppa_peak=12.0, fps=60.0)
    r = analyse_pose(seq, test)
    write_outputs(Analysis(seq, r), tmp_path)
    rows = _rows(tmp_path / "frames.csv")
    t, fppa = _column(rows, "t_s"), _column(rows, f"fppa_{leg}_deg")
    used = [rep for rep in r.reps if not rep.excluded]
    assert used
    for rep in used:
        values = rep.per_leg[leg] if rep.per_leg else rep.metrics
        contact = rep.events["initial_contact"]
        # the landing interpolates between the frames around the (sub-frame) contact
        assert np.interp(contact, t, fppa) == pytest.approx(values["fppa_ic_deg"], abs=2e-3)


def test_frames_after_a_camera_cut_are_blank_as_the_screen_ignored_them(tmp_path):
    seq = _zoomed_after(jump_landing(single_leg="left", fps=60.0, settle_s=3.0), t_cut=3.5)
    r = analyse_pose(seq, "single-leg-hop")
    assert "camera_cut" in {f.code for f in r.quality}
    write_outputs(Analysis(seq, r), tmp_path)
    rows = _rows(tmp_path / "frames.csv")
    t, fppa = _column(rows, "t_s"), _column(rows, "fppa_left_deg")
    assert len(rows) == len(seq.t)
    assert np.all(np.isnan(fppa[t > 3.55])) and np.all(np.isfinite(fppa[t < 3.4]))


def test_a_squat_keeps_the_squat_conditioning(tmp_path):
    seq = single_leg_squat(stance="left")
    r = analyse_pose(seq, "single-leg-squat")
    write_outputs(Analysis(seq, r), tmp_path)
    rows = _rows(tmp_path / "frames.csv")
    fppa = _column(rows, "fppa_left_deg")
    assert np.nanmax(fppa) == pytest.approx(r.legs["left"].metrics["fppa_peak_deg"].worst,
                                            abs=2e-3)


@pytest.mark.parametrize("stance", ["left", "right"])
def test_knee_flexion_in_frames_csv_is_the_estimate_the_screen_reported(tmp_path, stance):
    """The column holds the flexion estimate the single-leg squat used (from the picture's
    foreshortening), not MediaPipe's 3D angle: its peak in each rep is the rep's
    knee_flexion_est_deg."""
    seq = single_leg_squat(stance=stance)
    r = analyse_pose(seq, "single-leg-squat")
    write_outputs(Analysis(seq, r), tmp_path)
    rows = _rows(tmp_path / "frames.csv")
    t, flex = _column(rows, "t_s"), _column(rows, f"knee_flexion_{stance}_est_deg")
    used = [rep for rep in r.reps if not rep.excluded]
    assert used
    for rep in used:
        window = (t >= rep.t_start) & (t <= rep.t_end)
        assert np.nanmax(flex[window]) == pytest.approx(rep.metrics["knee_flexion_est_deg"],
                                                        abs=2e-3)


def test_landings_filmed_from_the_front_leave_knee_flexion_blank(tmp_path):
    seq = jump_landing(fps=60.0)
    r = analyse_pose(seq, "drop-landing")
    assert r.view.view == "frontal"
    write_outputs(Analysis(seq, r), tmp_path)
    rows = _rows(tmp_path / "frames.csv")
    assert np.all(np.isnan(_column(rows, "knee_flexion_left_est_deg")))
    assert np.isfinite(_column(rows, "fppa_left_deg")).any()
