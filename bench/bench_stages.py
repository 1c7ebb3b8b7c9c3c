"""Time of the event and metric stages against pose inference, per clip.

For each clip: seconds spent decoding + estimating pose, seconds spent on everything after it
(conditioning, events, metrics: `analyse_pose`), and that share of the total. The target for
the hop and landing screens is < 5%.

Usage: python bench/bench_stages.py [--fast] [CLIP_NAME:TEST ...]
(clips from $MOVESCREEN_TEST_VIDEOS; default: the landing clips and two squat clips)
"""

import argparse
import os
import time
from pathlib import Path

from movescreen.pipeline import analyse_pose
from movescreen.pose import estimate_pose
from movescreen.pose.landmarker import PoseOptions
from movescreen.quiet import native_stderr_captured

DEFAULT = [
    "cmj_jump_landing_frontal_11.mp4:drop-landing",
    "vertical_jump_landing_frontal_12.mp4:drop-landing",
    "single_leg_hop_quadrant_frontal_10.mp4:single-leg-hop",
    "single_leg_cmj_render_left_15.mp4:single-leg-hop",
    "squat_frontal_goblet_02.mp4:squat",
    "single_leg_squat_render_left_14.mp4:single-leg-squat",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("items", nargs="*", default=DEFAULT)
    ap.add_argument("--fast", action="store_true", help="one landmarker pass per frame")
    args = ap.parse_args()
    folder = Path(os.environ.get("MOVESCREEN_TEST_VIDEOS", "."))
    print(f"{'clip':42} {'test':17} {'frames':>6} {'pose s':>7} {'after s':>8} {'share':>6}")
    for item in args.items:
        name, test = item.split(":")
        t0 = time.perf_counter()
        with native_stderr_captured():
            seq = estimate_pose(folder / name, options=PoseOptions(symmetric=not args.fast))
        t1 = time.perf_counter()
        analyse_pose(seq, test)  # type: ignore[arg-type]
        t2 = time.perf_counter()
        pose_s, after_s = t1 - t0, t2 - t1
        print(f"{name:42} {test:17} {seq.n_frames:>6} {pose_s:>7.1f} {after_s:>8.3f} "
              f"{after_s / (pose_s + after_s):>6.1%}")


if __name__ == "__main__":
    main()
