"""Writing an analysis to disk: results.json, a per-frame CSV, and the PoseSequence file.

Each file is written atomically and results.json last, so a folder with a results.json always
holds a complete analysis.
"""

import csv
from pathlib import Path

import numpy as np

from .atomic import atomic_open, atomic_write_text
from .landmarks import NAMES, SIDES
from .pipeline import Analysis, screen_pose
from .pose.sequence import PoseSequence
from .results import ScreenResult
from .screens.common import frame_knee_flexion

RESULTS = "results.json"
FRAMES = "frames.csv"
POSE = "pose.npz"


def frame_columns() -> list[str]:
    cols = ["frame", "t_s", "has_pose"]
    for s in SIDES:
        cols += [f"fppa_{s}_deg", f"knee_flexion_{s}_est_deg", f"pelvis_{s}_deg",
                 f"trunk_toward_{s}_deg", f"knee_medial_of_foot_{s}_px"]
    for name in NAMES:
        cols += [f"{name}_x", f"{name}_y", f"{name}_visibility"]
    return cols


def write_frames_csv(seq: PoseSequence, result: ScreenResult, path: Path) -> None:
    """Per-frame landmarks (pixels) and angles (degrees), one row per frame, conditioned as
    the result's screen conditioned them (frames it left out, after a camera cut, are blank);
    knee flexion is the estimate that screen used (blank where it uses none)."""
    pose, k = screen_pose(seq, result.test)
    flexion = frame_knee_flexion(k, result)
    has = seq.has_pose
    per_side = [np.column_stack((k.fppa[s], flexion[s], k.pelvis[s], k.trunk[s],
                                 k.knee_medial_of_foot_px[s])) for s in SIDES]
    lm = np.concatenate((pose.xy, np.nan_to_num(seq.visibility, nan=0.0)[..., None]), axis=2)
    body = np.column_stack((*per_side, lm.reshape(len(seq.t), -1)))
    with atomic_open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(frame_columns())
        for i in range(len(seq.t)):
            vals = ["" if not np.isfinite(v) else f"{v:.3f}" for v in body[i]]
            w.writerow([i, f"{seq.t[i]:.4f}", int(has[i]), *vals])


def write_outputs(analysis: Analysis, out_dir: Path) -> dict[str, Path]:
    """Write the three outputs into ``out_dir``; returns their paths."""
    out_dir = Path(out_dir)
    paths = {"pose": out_dir / POSE, "frames": out_dir / FRAMES, "results": out_dir / RESULTS}
    analysis.pose.save(paths["pose"])
    write_frames_csv(analysis.pose, analysis.result, paths["frames"])
    atomic_write_text(paths["results"], analysis.result.to_json())
    return paths
