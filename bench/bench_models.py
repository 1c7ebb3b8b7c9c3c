"""The bundled pose models (full, heavy) side by side on the development clips.

Per clip, model and mode prints: frames, pose coverage (fraction of frames with a pose), the
reps or landings the clip's screen found (all / used) against the manifest's count, frames
per second of pose estimation (decode + person search + tracking + landmarker), and, for the
symmetric mode, the mirror agreement: the mean absolute difference between the knee FPPA of
the picture pass and of the mirror pass (deg, left and right knee, frames where both passes
see hip, knee and ankle with visibility >= 0.5). That difference is what a single-pass run
would wrongly read as left-right asymmetry; the symmetric mode averages it away.

Modes: ``single`` = ``PoseOptions(symmetric=False)`` (``--fast``), ``symmetric`` = the
default two passes. ``--pose-cache DIR`` takes the full model's symmetric coverage and reps
from saved ``<clip stem>.npz`` sequences instead of running it (no fps or mirror figure then).

Usage: python bench/bench_models.py [--models full heavy] [--modes single symmetric]
                                    [--pose-cache DIR] [CLIP_NAME ...]
(clips from $MOVESCREEN_TEST_VIDEOS, default all in its manifest.json; CPU heavy)
"""

import argparse
import json
import os
import time
from pathlib import Path
from unittest import mock

import numpy as np
from numpy.typing import NDArray

from movescreen.errors import MovescreenError
from movescreen.geometry import fppa, medial_sign, to_leg_frame
from movescreen.landmarks import L_ANKLE, L_HIP, L_KNEE, R_ANKLE, R_HIP, R_KNEE
from movescreen.pipeline import analyse_pose
from movescreen.pose import PoseSequence, estimate_pose, landmarker
from movescreen.pose.landmarker import Detection, PoseOptions, PoseTracker
from movescreen.pose.models import resolve_model
from movescreen.pose.roi import Box
from movescreen.quiet import native_stderr_captured
from movescreen.results import TestName

LEGS = {"left": (L_HIP, L_KNEE, L_ANKLE, R_HIP), "right": (R_HIP, R_KNEE, R_ANKLE, L_HIP)}


def screen_for(name: str) -> TestName:
    """The screen each development clip is analysed with (as in tests/test_clips.py)."""
    if "hop" in name or "single_leg_cmj" in name:
        return "single-leg-hop"
    if "jump_landing" in name:
        return "drop-landing"
    if name.startswith("squat_"):
        return "squat"
    return "single-leg-squat"


class MirrorRecordingTracker(PoseTracker):
    """The symmetric tracker, also keeping each frame's picture and mirror pass."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.passes: list[tuple[Detection, Detection]] = []

    def _infer(self, img: NDArray[np.uint8], box: Box) -> Detection | None:
        """As PoseTracker._infer with symmetric=True, recording both passes."""
        if self._video is None:
            self._video = landmarker._make_landmarker(self.model, True, 1, self.opts)
            self._mirror = landmarker._make_landmarker(self.model, True, 1, self.opts)
        dets = landmarker._detections(
            self._video.detect_for_video(landmarker._mp_image(img), self._ts_ms), box)
        flipped = np.ascontiguousarray(img[:, ::-1])
        mdets = landmarker._detections(
            self._mirror.detect_for_video(landmarker._mp_image(flipped), self._ts_ms), box,
            mirrored=True)
        if not dets or not mdets:
            return (dets or mdets or [None])[0]
        a, b = dets[0], mdets[0]
        self.passes.append((a, b))
        return Detection((a.xy + b.xy) / 2, (a.world + b.world) / 2,
                         (a.visibility + b.visibility) / 2, (a.presence + b.presence) / 2)


def mirror_gap(passes: list[tuple[Detection, Detection]]) -> dict[str, float]:
    """Mean |FPPA(picture) - FPPA(mirror)| per knee, in degrees, over well-seen frames."""
    if not passes:
        return {"left": float("nan"), "right": float("nan"), "frames": 0}
    pic = np.stack([a.xy for a, _ in passes])
    mir = np.stack([b.xy for _, b in passes])
    vis = np.minimum(np.stack([a.visibility for a, _ in passes]),
                     np.stack([b.visibility for _, b in passes]))
    out: dict[str, float] = {}
    for leg, (hip, knee, ankle, other) in LEGS.items():
        sign = medial_sign(pic[:, hip], pic[:, other])
        seen = np.all(vis[:, [hip, knee, ankle]] >= 0.5, axis=1)
        angles = [fppa(*(to_leg_frame(xy[:, j], sign) for j in (hip, knee, ankle)))
                  for xy in (pic, mir)]
        gap = np.abs(angles[0] - angles[1])[seen]
        out[leg] = float(np.mean(gap)) if gap.size else float("nan")
        out[f"{leg}_frames"] = int(gap.size)
    return out


def run(clip: Path, model: str, mode: str) -> tuple[PoseSequence, float, dict[str, float]]:
    """Estimate pose; returns the sequence, frames per second and the mirror gap."""
    bundle = resolve_model(model)
    options = PoseOptions(symmetric=mode == "symmetric")
    trackers: list[MirrorRecordingTracker] = []

    def make(*args: object, **kwargs: object) -> MirrorRecordingTracker:
        trackers.append(MirrorRecordingTracker(*args, **kwargs))
        return trackers[-1]

    t0 = time.perf_counter()
    with native_stderr_captured():
        if mode == "symmetric":
            with mock.patch.object(landmarker, "PoseTracker", make):
                seq = estimate_pose(clip, bundle, options)
        else:
            seq = estimate_pose(clip, bundle, options)
    fps = seq.n_frames / (time.perf_counter() - t0)
    return seq, fps, mirror_gap(trackers[0].passes) if trackers else {}


def row(name: str, model: str, mode: str, seq: PoseSequence, fps: float | None,
        gap: dict[str, float], manifest_reps: object) -> dict[str, object]:
    """Analyse the sequence with the clip's screen; one printable/JSON row."""
    r = analyse_pose(seq, screen_for(name))
    return {"clip": name, "model": model, "mode": mode, "frames": seq.n_frames,
            "coverage": float(seq.has_pose.mean()), "reps": len(r.reps),
            "used": sum(not rep.excluded for rep in r.reps), "manifest": manifest_reps,
            "fps": fps, "mirror_left": gap.get("left"), "mirror_right": gap.get("right")}


def show(rec: dict[str, object]) -> None:
    def num(v: object, fmt: str) -> str:
        return "-" if v is None or (isinstance(v, float) and np.isnan(v)) else format(v, fmt)

    print(f"{rec['clip']:40} {rec['model']:6} {rec['mode']:9} {rec['frames']:>6} "
          f"{rec['coverage']:>6.1%} {rec['reps']:>4} {rec['used']:>4} "
          f"{rec['manifest']!s:>6} {num(rec['fps'], '.1f'):>6} "
          f"{num(rec['mirror_left'], '.2f'):>6} {num(rec['mirror_right'], '.2f'):>6}",
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*")
    ap.add_argument("--models", nargs="+", default=["full", "heavy"])
    ap.add_argument("--modes", nargs="+", default=["single", "symmetric"],
                    choices=["single", "symmetric"])
    ap.add_argument("--pose-cache", type=Path,
                    help="saved full-model symmetric sequences (<clip stem>.npz) to use")
    ap.add_argument("--json", type=Path, help="also append every row as JSON lines here")
    args = ap.parse_args()
    folder = Path(os.environ.get("MOVESCREEN_TEST_VIDEOS", "."))
    manifest = {e["file"]: e for e in json.loads((folder / "manifest.json").read_text())}
    print(f"{'clip':40} {'model':6} {'mode':9} {'frames':>6} {'pose':>6} {'reps':>4} "
          f"{'used':>4} {'manif.':>6} {'fps':>6} {'mirL':>6} {'mirR':>6}")
    for name in args.clips or list(manifest):
        for model in args.models:
            for mode in args.modes:
                cached = (args.pose_cache / f"{Path(name).stem}.npz"
                          if args.pose_cache else None)
                try:
                    if model == "full" and mode == "symmetric" and cached and cached.is_file():
                        seq, fps, gap = PoseSequence.load(cached), None, {}
                    else:
                        seq, fps, gap = run(folder / name, model, mode)
                    rec = row(name, model, mode, seq, fps, gap, manifest[name].get("reps"))
                except MovescreenError as exc:
                    print(f"{name:40} {model:6} {mode:9} error: {exc.message}", flush=True)
                    continue
                show(rec)
                if args.json:
                    with args.json.open("a", encoding="utf-8") as fh:
                        fh.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
