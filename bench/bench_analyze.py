"""Speed and memory of `movescreen analyze` against the pose-inference-only bound.

Prints, for one clip, in the same run:
  - bound: a loop that only decodes (PyAV, RGB) and runs the landmarker (VIDEO mode) on
    every frame, one pass; and the same with two passes (picture + mirror);
  - analyze --fast (one pass) and analyze (default, picture + mirror): frames per second,
    the ratio against the matching bound, and the time spent after pose estimation;
  - peak resident memory of `movescreen analyze` on a 60 s 1080p clip made from the input.

Usage: python bench/bench_analyze.py [--clip CLIP] [--skip-memory]
(default clip: $MOVESCREEN_TEST_VIDEOS/squat_frontal_goblet_02.mp4, 1280x720)
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import cv2
import numpy as np

from movescreen.pipeline import Request, analyse_clip, analyse_pose
from movescreen.pose.landmarker import PoseOptions, _make_landmarker, _mp_image
from movescreen.pose.models import resolve_model
from movescreen.quiet import native_stderr_captured


def bare_loop(clip: Path, passes: int) -> tuple[int, float]:
    """Decode + landmarker only; returns (frames, seconds)."""
    model = resolve_model()
    marks = [_make_landmarker(model, True, 1, PoseOptions()) for _ in range(passes)]
    n, t0 = 0, time.perf_counter()
    with av.open(str(clip)) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        for frame in c.decode(s):
            rgb = frame.to_ndarray(format="rgb24")
            ts = int(round(frame.time * 1000))
            marks[0].detect_for_video(_mp_image(rgb), ts)
            if passes == 2:
                marks[1].detect_for_video(_mp_image(np.ascontiguousarray(rgb[:, ::-1])), ts)
            n += 1
    elapsed = time.perf_counter() - t0
    for m in marks:
        m.close()
    return n, elapsed


def analyze(clip: Path, symmetric: bool) -> tuple[int, float, float]:
    """The real pipeline; returns (frames, total seconds, seconds after pose)."""
    t0 = time.perf_counter()
    result = analyse_clip(Request(clip=clip, test="squat",
                                  pose_options=PoseOptions(symmetric=symmetric)))
    total = time.perf_counter() - t0
    t1 = time.perf_counter()
    analyse_pose(result.pose, "squat")
    after = time.perf_counter() - t1
    return result.pose.n_frames, total, after


def make_long_clip(src: Path, dst: Path, seconds: float = 60.0) -> Path:
    """Loop ``src``, upscaled to 1920x1080, into a ``seconds`` long H.264 clip."""
    with av.open(str(src)) as c:
        fps = int(round(float(c.streams.video[0].average_rate)))
    need = int(seconds * fps)
    written = 0
    with av.open(str(dst), "w") as out:
        s = out.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = 1920, 1080, "yuv420p"
        s.options = {"preset": "ultrafast", "crf": "23"}
        while written < need:
            with av.open(str(src)) as c:
                for f in c.decode(video=0):
                    img = cv2.resize(f.to_ndarray(format="rgb24"), (1920, 1080))
                    for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                        out.mux(p)
                    written += 1
                    if written >= need:
                        break
        for p in s.encode():
            out.mux(p)
    return dst


def peak_memory_mb(clip: Path) -> float:
    """Peak RSS of a separate `movescreen analyze` process on ``clip``."""
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run([sys.executable, "-m", "movescreen", "analyze", str(clip), "--test",
                        "squat", "--out", out], check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(before, after) / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("MOVESCREEN_TEST_VIDEOS", ".")) / "squat_frontal_goblet_02.mp4"
    ap.add_argument("--clip", type=Path, default=default)
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args()
    clip: Path = args.clip
    with av.open(str(clip)) as c:
        s = c.streams.video[0]
        print(f"clip: {clip.name} {s.codec_context.width}x{s.codec_context.height}, "
              f"{float(s.average_rate):.1f} fps, cores: {os.cpu_count()}")
    with native_stderr_captured():
        bare_loop(clip, 1)  # warm-up: model load, page cache
        n1, b1 = bare_loop(clip, 1)
        n2, b2 = bare_loop(clip, 2)
        nf, tf, af = analyze(clip, symmetric=False)
        ns, ts, as_ = analyze(clip, symmetric=True)
    print(f"bound, decode + landmarker, 1 pass : {n1 / b1:6.1f} fps")
    print(f"bound, decode + landmarker, 2 passes: {n2 / b2:6.1f} fps")
    print(f"analyze --fast (1 pass)            : {nf / tf:6.1f} fps  = {b1 / tf:.2f} x bound; "
          f"after pose: {af * 1000:.0f} ms ({af / tf:.1%})")
    print(f"analyze (default, picture + mirror): {ns / ts:6.1f} fps  = {b2 / ts:.2f} x 2-pass "
          f"bound, {b1 / ts:.2f} x 1-pass bound; after pose: {as_ * 1000:.0f} ms")
    if not args.skip_memory:
        with tempfile.TemporaryDirectory() as tmp:
            long_clip = make_long_clip(clip, Path(tmp) / "long_1080p.mp4")
            peak = peak_memory_mb(long_clip)
            print(f"peak memory, analyze on a 60 s 1920x1080 clip: {peak:.0f} MB")


if __name__ == "__main__":
    main()
