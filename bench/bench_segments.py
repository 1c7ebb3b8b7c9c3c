"""Time segments against one sequential pass on real clips: do the metrics agree?

For each clip: pose in one pass over the whole clip (1 worker) and split into time
segments (--workers N, default 2; one segment per worker), both --fast (one pass, so only
the segmentation differs); then the clip's screen on each, and the largest difference of
any degree metric (per-leg and bilateral medians, and every rep's values). Also prints the
wall time of both and the seams (where the cut fell, whether the same person was tracked).

Usage: python bench/bench_segments.py CLIP[:TEST] ... [--workers N]
(TEST defaults to squat; e.g. single_leg_squat_render_left_14.mp4:single-leg-squat)
"""

import argparse
import time
from pathlib import Path

from movescreen.errors import MovescreenError
from movescreen.pipeline import analyse_pose
from movescreen.pose import estimate_pose
from movescreen.pose.landmarker import PoseOptions
from movescreen.quiet import native_stderr_captured
from movescreen.results import ScreenResult


def degree_values(r: ScreenResult) -> dict[str, float]:
    out = {f"{side} {name}": m.median for side, leg in r.legs.items()
           for name, m in leg.metrics.items() if m.unit == "deg" and m.median is not None}
    out |= {f"both {name}": m.median for name, m in r.bilateral.items()
            if m.unit == "deg" and m.median is not None}
    for rep in r.reps:
        out |= {f"rep {rep.index} {name}": v for name, v in rep.metrics.items()
                if name.endswith("_deg") and v is not None}
        for side, values in rep.per_leg.items():
            out |= {f"rep {rep.index} {side} {name}": v for name, v in values.items()
                    if name.endswith("_deg") and v is not None}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="+")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    fast = PoseOptions(symmetric=False)
    for spec in args.clips:
        name, _, test = spec.partition(":")
        path = Path(name)
        with native_stderr_captured():
            t0 = time.perf_counter()
            whole = estimate_pose(path, options=fast, workers=1)
            t1 = time.perf_counter()
            split = estimate_pose(path, options=fast, workers=args.workers)
            t2 = time.perf_counter()
        seams = ", ".join(f"cut {s['t']:.2f} s same person {s['same_person']}"
                          for s in split.extra["seams"])
        head = (f"{path.name}: {split.extra['segments']} segments ({seams or 'none'}); "
                f"{whole.n_frames} frames, 1 pass {t1 - t0:.1f} s, segments {t2 - t1:.1f} s")
        try:
            a, b = analyse_pose(whole, test or "squat"), analyse_pose(split, test or "squat")
        except MovescreenError as exc:
            print(f"{head}; screen refused: {exc.message}")
            continue
        va, vb = degree_values(a), degree_values(b)
        common = sorted(va.keys() & vb.keys())
        worst = max(common, key=lambda k: abs(va[k] - vb[k]), default=None)
        diff = f"{abs(va[worst] - vb[worst]):.2f} deg ({worst})" if worst else "n/a"
        print(f"{head}; reps {len(a.reps)} vs {len(b.reps)}; {len(common)} degree values "
              f"(only one side: {len(va.keys() ^ vb.keys())}); largest difference {diff}")


if __name__ == "__main__":
    main()
