"""Per-clip figures on the development clips: pose coverage, view, reps found vs the manifest.

Usage: python bench/clip_report.py [--fast] [CLIP_NAME ...]
Reads $MOVESCREEN_TEST_VIDEOS/manifest.json; prints one row per clip.
"""

import argparse
import json
import os
import time
from pathlib import Path

from movescreen.errors import MovescreenError
from movescreen.pipeline import analyse_pose
from movescreen.pose import estimate_pose
from movescreen.pose.landmarker import PoseOptions
from movescreen.quiet import native_stderr_captured

DEFAULT = ["squat_frontal_bodyweight_01.mp4", "squat_frontal_goblet_02.mp4",
           "squat_frontal_webcam_overlay_03.mp4", "squat_frontal_goblet_short_04.mp4",
           "squat_sagittal_bodyweight_05.mp4", "squat_oblique_bodyweight_06.mp4",
           "squat_oblique_barbell_lowlight_13.mp4", "single_leg_squat_render_left_14.mp4"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", default=DEFAULT)
    ap.add_argument("--fast", action="store_true")
    args = ap.parse_args()
    folder = Path(os.environ.get("MOVESCREEN_TEST_VIDEOS", "."))
    manifest = {e["file"]: e for e in json.loads((folder / "manifest.json").read_text())}
    print(f"{'clip':40} {'frames':>6} {'pose':>6} {'view':>9} {'reps':>4} {'manif.':>6} "
          f"{'legs':>10} {'fps':>5}")
    for name in args.clips:
        entry = manifest[name]
        test = "single-leg-squat" if "single_leg" in name else "squat"
        t0 = time.perf_counter()
        try:
            with native_stderr_captured():
                seq = estimate_pose(folder / name, options=PoseOptions(symmetric=not args.fast))
            r = analyse_pose(seq, test)
        except MovescreenError as exc:
            print(f"{name:40} error: {exc.message}")
            continue
        fps = seq.n_frames / (time.perf_counter() - t0)
        legs = ",".join(sorted({rep.leg for rep in r.reps if not rep.excluded})) or "-"
        print(f"{name:40} {seq.n_frames:>6} {seq.has_pose.mean():>6.1%} {r.view.view:>9} "
              f"{len(r.reps):>4} {entry['reps']!s:>6} {legs:>10} {fps:>5.1f}")


if __name__ == "__main__":
    main()
