"""Throughput and memory of `movescreen batch` (local and Ray) against the bare loop.

Prints, in the same run, on short squat clips cut from the development clips:
  - bound: one process that decodes and runs the landmarker (one pass, VIDEO mode) on every
    frame of every clip, one clip after another (the single-pass bare loop);
  - batch --fast with 1 and with 2 local workers, and with --engine ray (2 workers):
    frames per second over the whole batch (wall clock, start-up included) and the ratio
    against the bound;
  - the parent's peak memory on 20 and on 200 clips (it should not grow with the number of
    clips), and the peak memory of one worker.

Usage: python bench/bench_batch.py [--clips 24] [--many 200] [--skip-ray] [--skip-memory]
(needs MOVESCREEN_TEST_VIDEOS; run it under `flock /work/cpu.lock` on a shared machine)
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import av
import numpy as np

from movescreen.pose.landmarker import PoseOptions, _make_landmarker, _mp_image
from movescreen.pose.models import resolve_model
from movescreen.quiet import native_stderr_captured

SOURCES = ("squat_frontal_goblet_02.mp4", "squat_frontal_bodyweight_01.mp4",
           "squat_frontal_webcam_overlay_03.mp4")


def cut(src: Path, dst: Path, start: float, seconds: float, width: int, tint: int) -> int:
    """Re-encode ``seconds`` of ``src`` from ``start``, scaled to ``width``; ``tint`` makes each
    copy's bytes distinct (a different content hash). Returns the number of frames."""
    import cv2

    n = 0
    with av.open(str(src)) as c, av.open(str(dst), "w") as out:
        fps = int(round(float(c.streams.video[0].average_rate)))
        s = out.add_stream("libx264", rate=fps)
        s.pix_fmt, s.options = "yuv420p", {"preset": "veryfast", "crf": "18"}
        for f in c.decode(video=0):
            if f.time is None or f.time < start:
                continue
            if f.time >= start + seconds:
                break
            img = f.to_ndarray(format="rgb24")
            h = int(round(img.shape[0] * width / img.shape[1] / 2)) * 2
            img = cv2.resize(img, (width, h), interpolation=cv2.INTER_AREA)
            img[0, 0] = tint % 256
            if n == 0:
                s.width, s.height = width, h
            for p in s.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(img), "rgb24")):
                out.mux(p)
            n += 1
        for p in s.encode():
            out.mux(p)
    return n


def make_clips(videos: Path, folder: Path, count: int, seconds: float, width: int) -> int:
    """``count`` distinct clips in ``folder/<athlete>/squat/``; returns the total frames."""
    total = 0
    for i in range(count):
        src = videos / SOURCES[i % len(SOURCES)]
        dst = folder / f"athlete{i % 5}" / "squat" / f"clip{i:03d}.mp4"
        dst.parent.mkdir(parents=True, exist_ok=True)
        total += cut(src, dst, 0.0, seconds, width, i)
    return total


def bare_loop(clips: list[Path]) -> tuple[int, float]:
    """Decode + one landmarker pass per frame, clip after clip, in this process."""
    model = resolve_model()
    n, t0 = 0, time.perf_counter()
    for clip in clips:
        mark = _make_landmarker(model, True, 1, PoseOptions())
        with av.open(str(clip)) as c:
            for frame in c.decode(video=0):
                mark.detect_for_video(_mp_image(frame.to_ndarray(format="rgb24")),
                                      int(round(frame.time * 1000)))
                n += 1
        mark.close()
    return n, time.perf_counter() - t0


def _peak_rss_sampler(pid: int, out: list[float], stop: threading.Event) -> None:
    """Largest VmRSS (MB) of ``pid`` seen while it runs (its children are not counted)."""
    while not stop.is_set():
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out.append(int(line.split()[1]) / 1024)
        except (OSError, ValueError):
            pass
        time.sleep(0.05)


def batch(inputs: Path, out: Path, *args: str) -> tuple[float, float, str]:
    """Run `movescreen batch`; returns (seconds, parent peak RSS MB, its stderr)."""
    env = {**os.environ, "COLUMNS": "200"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "movescreen", "batch", str(inputs), "--out",
                             str(out), "--fast", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    seen: list[float] = []
    stop = threading.Event()
    sampler = threading.Thread(target=_peak_rss_sampler, args=(proc.pid, seen, stop))
    sampler.start()
    _, err = proc.communicate()
    stop.set()
    sampler.join()
    return time.perf_counter() - t0, max(seen, default=0.0), err


def worker_peak(stderr: str) -> str:
    line = next((ln for ln in stderr.splitlines() if "peak worker memory" in ln), "")
    return line.split("peak worker memory", 1)[-1].strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=24)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--many", type=int, default=200)
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args()
    videos = Path(os.environ["MOVESCREEN_TEST_VIDEOS"])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        frames = make_clips(videos, tmp / "in", args.clips, args.seconds, args.width)
        clips = sorted((tmp / "in").rglob("*.mp4"))
        print(f"{len(clips)} clips, {frames} frames ({args.seconds:g} s each, "
              f"{args.width} px wide), cores: {os.cpu_count()}")
        with native_stderr_captured():
            bare_loop(clips[:1])  # warm-up
            n, bare_s = bare_loop(clips)
        bound = n / bare_s
        print(f"bound, single-pass bare loop       : {bound:6.1f} frames/s")
        runs = [("batch --workers 1", ["--workers", "1"]),
                ("batch --workers 2", ["--workers", "2"])]
        if not args.skip_ray:
            runs.append(("batch --engine ray --workers 2", ["--engine", "ray", "--workers", "2"]))
        for name, extra in runs:
            out = tmp / f"out-{len(extra)}-{extra[-1]}-{extra[1]}"
            secs, parent, err = batch(tmp / "in", out, *extra)
            print(f"{name:35s}: {frames / secs:6.1f} frames/s = {frames / secs / bound:.2f} x "
                  f"bound ({secs:.1f} s); parent peak {parent:.0f} MB; worker peak "
                  f"{worker_peak(err)}")
            shutil.rmtree(out)
        if not args.skip_memory:
            for count in (20, args.many):
                folder = tmp / f"many{count}"
                make_clips(videos, folder, count, 2.5, 320)
                secs, parent, err = batch(folder, tmp / f"out-many{count}", "--workers", "2")
                print(f"{count:4d} clips of 2.5 s at 320 px: parent peak {parent:.0f} MB, "
                      f"worker peak {worker_peak(err)}, {secs:.1f} s")
    print(f"(this process: peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
          " MB)")


if __name__ == "__main__":
    main()
