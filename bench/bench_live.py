"""Speed of `movescreen live` at 640x480 with the overlay drawn: processing rate and the delay
from frame capture to overlay drawn.

A 640x480 copy of the clip (centre-cropped to 4:3) stands in for the webcam. For each pose
model (the bundled full model; heavy when `movescreen models download heavy` has been run) the
whole live loop runs headless - pose, One Euro filter, guidance, preview metrics, overlay,
recording the set - twice:
  - rate: every frame, as fast as possible (frames per second after a 1 s warm-up), beside
    the pose tracker alone on the same frames (the bound);
  - delay: the clip paced in real time as a camera would deliver it (frames dropped when
    processing is slower); capture-to-drawn delay median and 95th percentile.
The set's analysis afterwards is not timed (it is `movescreen analyze`'s own benchmark).

Usage: flock /work/cpu.lock python bench/bench_live.py [--clip CLIP] [--models full heavy]
(default clip: the committed sample_videos/squat_frontal_goblet.mp4)
"""

import argparse
import tempfile
import time
from pathlib import Path

import av
import cv2
import numpy as np

from movescreen.errors import MovescreenError
from movescreen.live.camera import FileCamera
from movescreen.live.session import LiveRequest, LiveSession
from movescreen.pose.models import resolve_model
from movescreen.quiet import native_stderr_captured

REPO = Path(__file__).resolve().parent.parent


def make_vga(clip: Path, out: Path) -> Path:
    """A 640x480 copy of ``clip`` (centre crop to 4:3, same timestamps)."""
    with av.open(str(clip)) as src, av.open(str(out), "w") as dst:
        s_in = src.streams.video[0]
        s_out = dst.add_stream("libx264", rate=s_in.average_rate)
        s_out.width, s_out.height, s_out.pix_fmt = 640, 480, "yuv420p"
        s_out.options = {"crf": "18", "preset": "fast"}
        for frame in src.decode(s_in):
            rgb = frame.to_ndarray(format="rgb24")
            h, w = rgb.shape[:2]
            cw = min(w, h * 4 // 3)
            x0 = (w - cw) // 2
            small = cv2.resize(rgb[:, x0:x0 + cw], (640, 480), interpolation=cv2.INTER_AREA)
            vf = av.VideoFrame.from_ndarray(small, format="rgb24")
            vf.pts, vf.time_base = frame.pts, frame.time_base
            for p in s_out.encode(vf):
                dst.mux(p)
        for p in s_out.encode():
            dst.mux(p)
    return out


def pose_only(clip: Path, model: str | None) -> float:
    """The bound: frames per second of the live pose tracker alone (decoding not timed)."""
    from movescreen.pose.landmarker import PoseOptions, PoseTracker
    from movescreen.video import iter_frames, probe

    info = probe(clip)
    opts = PoseOptions(symmetric=False, full_frame_max_side=640, crop_max_side=640)
    spent, n = 0.0, 0
    with native_stderr_captured(), PoseTracker(resolve_model(model), info.width, info.height,
                                               opts) as tracker:
        for frame in iter_frames(info):
            t0 = time.perf_counter()
            tracker.process(frame)
            if frame.t >= 1.0:  # after the warm-up, as for the live loop
                spent += time.perf_counter() - t0
                n += 1
    return n / spent


def run(clip: Path, model: str | None, realtime: bool, out: Path):
    req = LiveRequest(test="squat", legs=(None,), out=out, reps=1000, countdown_s=0.0,
                      hold_s=0.0, model=model, analyse=False)
    source = FileCamera(clip, realtime=realtime)
    with native_stderr_captured():
        result = LiveSession(req, source, None, lambda s: None).run()
    return result.stats, source.dropped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", type=Path, default=REPO / "sample_videos" /
                    "squat_frontal_goblet.mp4")
    ap.add_argument("--models", nargs="+", default=["full", "heavy"])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vga = make_vga(args.clip, Path(tmp) / "vga.mp4")
        print(f"clip: {args.clip.name} as 640x480, {FileCamera(vga).width}x"
              f"{FileCamera(vga).height}")
        for name in args.models:
            spec = None if name == "full" else name
            try:
                resolve_model(spec)
            except MovescreenError as exc:
                print(f"{name}: skipped ({exc.message})")
                continue
            stats, _ = run(vga, spec, False, Path(tmp) / f"rate-{name}")
            ft = np.array(stats.frame_times)
            steady = ft[ft >= ft[0] + 1.0]
            rate = (len(steady) - 1) / (steady[-1] - steady[0])
            stats_rt, dropped = run(vga, spec, True, Path(tmp) / f"rt-{name}")
            d = np.array(stats_rt.delays_s[30:]) * 1000
            bound = pose_only(vga, spec)
            print(f"{name}: {rate:.1f} fps processing ({len(ft)} frames, every frame; pose "
                  f"tracker alone {bound:.1f} fps); "
                  f"real-time: {len(stats_rt.delays_s)} frames drawn, {dropped} dropped, "
                  f"capture-to-overlay delay median {np.median(d):.0f} ms, "
                  f"p95 {np.percentile(d, 95):.0f} ms")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"(bench took {time.perf_counter() - t0:.0f} s)")
