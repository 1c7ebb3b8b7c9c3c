"""Knee flexion estimate against MediaPipe's 3D angle on the development clips, per rep and leg.

Usage: python bench/flexion_clips.py [--poses DIR] [CLIP_STEM ...]
With --poses, reads DIR/<clip stem>.npz (saved PoseSequences) instead of running pose inference
on $MOVESCREEN_TEST_VIDEOS/<clip>. Prints, for the squat-type clips: each rep's deepest knee
flexion estimate with its +- uncertainty and the 3D world-landmark angle's peak in the same rep,
FPPA at 45/60 deg, and the single-leg squat's pelvic drop with its measurement noise.
"""

import argparse
import json
import os
from pathlib import Path

import numpy as np

from movescreen.pipeline import analyse_pose
from movescreen.pose import PoseSequence, estimate_pose
from movescreen.screens.common import Overrides, prepare

SQUATS = {"single_leg_squat_render_left_14": "single-leg-squat"}


def _test(stem: str) -> str | None:
    if any(w in stem for w in ("hop", "jump", "cmj", "balance")):
        return None
    return SQUATS.get(stem, "single-leg-squat" if stem.startswith("single_leg") else "squat")


def _f(x: float | None) -> str:
    return "    -" if x is None else f"{x:5.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*")
    ap.add_argument("--poses", type=Path)
    args = ap.parse_args()
    folder = Path(os.environ.get("MOVESCREEN_TEST_VIDEOS", "."))
    stems = args.clips or [Path(e["file"]).stem for e in
                           json.loads((folder / "manifest.json").read_text())]
    for stem in stems:
        test = _test(stem)
        if test is None:
            continue
        seq = (PoseSequence.load(args.poses / f"{stem}.npz") if args.poses
               else estimate_pose(next(folder.glob(f"{stem}.*"))))
        r = analyse_pose(seq, test)
        p = prepare(seq, Overrides())
        print(f"{stem} [{test}, {r.view.view}]")
        print("  rep leg    flexion (+-)  3D peak  FPPA@45 FPPA@60")
        for rep, w in zip(r.reps, p.reps, strict=True):
            legs = rep.per_leg or ({rep.leg: rep.metrics} if rep.leg != "both" else {})
            for side, m in legs.items():
                unc = rep.uncertainty.get("knee_flexion_est_deg",
                                          rep.uncertainty.get(f"{side}.knee_flexion_est_deg"))
                world = p.k.knee_flexion[side][w.start:w.end + 1]
                peak3d = float(np.nanmax(world)) if np.any(np.isfinite(world)) else None
                print(f"  {rep.index:3d} {side:5s} {_f(m.get('knee_flexion_est_deg'))} "
                      f"({_f(unc)})  {_f(peak3d)}    {_f(m.get('fppa_at_45_deg'))}   "
                      f"{_f(m.get('fppa_at_60_deg'))}" + ("  excluded" if rep.excluded else ""))
        for side, leg in r.legs.items():
            drop = leg.metrics.get("pelvic_drop_deg")
            if drop is not None and drop.noise is not None:
                print(f"  pelvic drop {side}: median {drop.median:.1f}, noise +-{drop.noise:.1f}, "
                      f"within noise {drop.within_noise}")


if __name__ == "__main__":
    main()
