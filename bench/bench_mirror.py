"""Picture and mirror passes on real clips: do they track the same person, and how far apart?

For each clip: both passes (as `analyze` runs them), then how they were combined (frames
averaged, disagreeing, one pass only), the hip-centre offset between the passes (percent of
the standing height), and the clip's degree metrics from each pass alone and combined.

Usage: python bench/bench_mirror.py CLIP[:TEST] ... [--workers N]
"""

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

from movescreen.engine import make_executor
from movescreen.errors import MovescreenError
from movescreen.pipeline import analyse_pose
from movescreen.pose.estimate import assemble
from movescreen.pose.jobs import run_pose_job
from movescreen.pose.landmarker import PoseOptions
from movescreen.pose.models import resolve_model
from movescreen.pose.plan import plan_jobs
from movescreen.pose.stitch import CORE, body_heights, hip_centres
from movescreen.quiet import native_stderr_captured
from movescreen.video import probe

sys.path.insert(0, str(Path(__file__).parent))
from bench_segments import degree_values


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="+")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    opts, one = PoseOptions(), PoseOptions(symmetric=False)
    for spec in args.clips:
        name, _, test = spec.partition(":")
        path = Path(name)
        info = probe(path)
        jobs = plan_jobs(info, resolve_model(None), opts, args.workers)
        with native_stderr_captured(), make_executor(args.workers, len(jobs)) as ex:
            chunks = ex.map(run_pose_job, jobs)
        as_picture = [dataclasses.replace(c, job=dataclasses.replace(c.job, mirrored=False))
                      for c in chunks if c.job.mirrored]
        seqs = {"picture": assemble(path, info, one, [c for c in chunks if not c.job.mirrored]),
                "mirror": assemble(path, info, one, as_picture),
                "combined": assemble(path, info, opts, chunks)}
        p, m = seqs["picture"].image_xy, seqs["mirror"].image_xy
        standing = np.nanpercentile(body_heights(p, CORE), 90)
        off = np.linalg.norm(hip_centres(p) - hip_centres(m), axis=1) / standing * 100
        off = off[np.isfinite(off)]
        pct = " ".join(f"p{q} {np.percentile(off, q):.2f}" for q in (50, 90, 99, 100))
        print(f"{path.name}: {seqs['combined'].extra['mirror']}; hip offset % of standing "
              f"height: {pct}")
        try:
            values = {k: degree_values(analyse_pose(s, test or "squat")) for k, s in seqs.items()}
        except MovescreenError as exc:
            print(f"  screen refused: {exc.message}")
            continue
        keys = sorted(set.intersection(*(set(v) for v in values.values())))
        for key in (k for k in keys if not k.startswith("rep")):
            a, b, c = (values[t][key] for t in ("picture", "mirror", "combined"))
            print(f"  {key:34s} picture {a:7.2f}  mirror {b:7.2f}  combined {c:7.2f}  "
                  f"|picture-mirror| {abs(a - b):5.2f}")


if __name__ == "__main__":
    main()
