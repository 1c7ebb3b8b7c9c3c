"""Cost and output of the per-picture measurements (camera shift, picture change) per clip.

For each clip: milliseconds per frame spent in MotionMeter.measure (decoding excluded), the
effective picture rate from near-duplicate pictures, and the camera's travel (px) and the
background points' spread (px). The person's box comes from a pose file if one is given
(``--poses DIR`` holding <clip stem>.npz), else the whole picture is used.

Usage: python bench/bench_frame_motion.py CLIP [CLIP ...] [--poses DIR]
"""

import argparse
import time
from pathlib import Path

import numpy as np

from movescreen.frame_motion import CHANGE, MotionMeter, camera_path, effective_rate
from movescreen.pose import PoseSequence
from movescreen.video import iter_frames, probe


def run(clip: Path, poses: Path | None) -> None:
    info = probe(clip)
    boxes = None
    if poses is not None and (poses / f"{clip.stem}.npz").is_file():
        xy = PoseSequence.load(poses / f"{clip.stem}.npz").image_xy
        boxes = [None if not np.isfinite(p).all() else
                 (*np.nanmin(p, axis=0), *np.nanmax(p, axis=0)) for p in xy]
    meter = MotionMeter(info.width, info.height)
    rows, spent, t = [], 0.0, []
    for i, frame in enumerate(iter_frames(info)):
        box = boxes[i] if boxes is not None and i < len(boxes) else None
        t0 = time.perf_counter()
        rows.append(meter.measure(frame.rgb, box))
        spent += time.perf_counter() - t0
        t.append(frame.t)
    m = np.array(rows)
    fps = (len(t) - 1) / (t[-1] - t[0])
    eff = effective_rate(fps, m[:, CHANGE])
    path = camera_path(m)
    eff_s = "unknown" if eff is None else f"{eff[0]:.1f} ({eff[1]} repeats)"
    cam = ("unknown" if path is None else
           f"travel {path.travel_px:.1f} px, spread {path.spread_px:.2f} px, "
           f"measured {path.measured:.0%}")
    print(f"{clip.name}: {info.width}x{info.height}, {len(t)} frames at {fps:.2f}/s; "
          f"{1000 * spent / len(t):.2f} ms/frame; effective {eff_s}; camera {cam}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("clips", nargs="+", type=Path)
    ap.add_argument("--poses", type=Path)
    a = ap.parse_args()
    for clip in a.clips:
        run(clip, a.poses)


if __name__ == "__main__":
    main()
