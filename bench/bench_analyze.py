"""Speed and memory of `movescreen analyze` against the pose-inference-only bound.

Prints, for one clip, in the same run and for each model given:
  - bound: a loop that only decodes (PyAV, RGB) and runs the landmarker (VIDEO mode) on
    every frame in one process, one pass; the same with two passes (picture + mirror);
    and decoding alone (what decoding the clip again in a second worker costs);
    and two 1-pass loops side by side on two threads (what two cores give for two
    independent passes on this machine: the ceiling of any 2-worker figure);
  - analyze --fast (one pass) and analyze (default, picture + mirror) with 1 and 2 (or
    --workers) workers (threads; with --processes also the process pool): frames per second
    and the ratio against the 1-pass bound;
  - memory of `analyze` on a 60 s 1080p clip made from the input, all workers together:
    peak RSS per process (main and each worker), and the peak of the summed PSS (shared
    library pages counted once), sampled every 0.1 s.

Usage: python bench/bench_analyze.py [--clip CLIP] [--model M ...] [--workers N ...]
       [--skip-memory] [--skip-speed]
(default clip: $MOVESCREEN_TEST_VIDEOS/squat_frontal_goblet_02.mp4, 1280x720; default
model: the bundled full model; --model also takes lite/full/heavy or a .task file)
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import av
import cv2

from movescreen.engine import ProcessExecutor
from movescreen.pipeline import Request, analyse_clip
from movescreen.pose.jobs import peak_rss_mb
from movescreen.pose.landmarker import PoseOptions, _make_landmarker, _mp_image
from movescreen.pose.models import ModelBundle, resolve_model
from movescreen.quiet import native_stderr_captured


def bare_loop(clip: Path, model: ModelBundle, passes: int, decode_threads: str = "AUTO"
              ) -> tuple[int, float]:
    """Decode + landmarker only, in this process; returns (frames, seconds)."""
    marks = [_make_landmarker(model, True, 1, PoseOptions()) for _ in range(passes)]
    n, t0 = 0, time.perf_counter()
    with av.open(str(clip)) as c:
        s = c.streams.video[0]
        s.thread_type = decode_threads
        for frame in c.decode(s):
            rgb = frame.to_ndarray(format="rgb24")
            ts = int(round(frame.time * 1000))
            marks[0].detect_for_video(_mp_image(rgb), ts)
            if passes == 2:
                marks[1].detect_for_video(_mp_image(cv2.flip(rgb, 1)), ts)
            n += 1
    elapsed = time.perf_counter() - t0
    for m in marks:
        m.close()
    return n, elapsed


def bare_loops_side_by_side(clip: Path, model: ModelBundle) -> tuple[int, float]:
    """Two 1-pass bare loops at once on two threads; returns (frames of both, seconds)."""
    out: list[tuple[int, float]] = []
    t0 = time.perf_counter()
    threads = [threading.Thread(target=lambda: out.append(bare_loop(clip, model, 1, "NONE")))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(n for n, _ in out), time.perf_counter() - t0


def decode_only(clip: Path) -> tuple[int, float, float]:
    """Decode to RGB only; returns (frames, wall seconds, CPU seconds)."""
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    with av.open(str(clip)) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        for frame in c.decode(s):
            frame.to_ndarray(format="rgb24")
            n += 1
    return n, time.perf_counter() - t0, time.process_time() - c0


def _busy_cpu_s() -> float:
    """CPU seconds all processes on the machine have used (from /proc/stat)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def analyze(clip: Path, model: ModelBundle, symmetric: bool, workers: int,
            processes: bool = False) -> tuple[int, float, dict]:
    """The real pipeline; returns (frames, seconds, the pose's run record). The record gets
    ``other_cpu_s``: CPU time that other processes on the machine took meanwhile.
    ``processes``: run the pose jobs on a pool of processes instead of threads."""
    busy0, own0, t0 = _busy_cpu_s(), _own_cpu_s(), time.perf_counter()
    req = Request(clip=clip, test="squat", model=model.path, workers=workers,
                  pose_options=PoseOptions(symmetric=symmetric))
    if processes and workers > 1:
        with ProcessExecutor(workers) as pool:
            result = analyse_clip(req, executor=pool)
    else:
        result = analyse_clip(req)
    seconds = time.perf_counter() - t0
    other = (_busy_cpu_s() - busy0) - (_own_cpu_s() - own0)
    return result.pose.n_frames, seconds, {**result.pose.extra, "other_cpu_s": other}


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


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def memory_child(clip: Path, model: str, workers: int, symmetric: bool, processes: bool
                 ) -> None:
    """Run one analysis in this process and print its memory figures as JSON."""
    peak_pss = [0.0]
    stop = threading.Event()

    def sample() -> None:
        me = os.getpid()
        while not stop.wait(0.1):
            peak_pss[0] = max(peak_pss[0], sum(_pss_mb(p) for p in (me, *_children(me))))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with native_stderr_captured():
        _, seconds, extra = analyze(clip, resolve_model(model), symmetric, workers, processes)
    stop.set()
    sampler.join()
    main_peak = peak_rss_mb()
    print(json.dumps({"main_peak_rss_mb": main_peak, "seconds": seconds,
                      "jobs": extra["jobs"], "peak_total_pss_mb": peak_pss[0]}))


def memory(clip: Path, model: ModelBundle, workers: int, symmetric: bool, processes: bool
           ) -> dict:
    out = subprocess.run([sys.executable, __file__, "--memory-child", str(clip), "--model",
                          str(model.path), "--workers", str(workers)]
                         + ([] if symmetric else ["--fast"])
                         + (["--processes"] if processes else []),
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("MOVESCREEN_TEST_VIDEOS", ".")) / "squat_frontal_goblet_02.mp4"
    ap.add_argument("--clip", type=Path, default=default)
    ap.add_argument("--model", action="append", help="repeatable [default: bundled full]")
    ap.add_argument("--workers", type=int, action="append",
                    help="repeatable [default: 1 and 2]")
    ap.add_argument("--processes", action="store_true",
                    help="also run the pose jobs on a pool of processes (the old engine)")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--fast", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.model[0], args.workers[0], not args.fast,
                     args.processes)
        return
    clip: Path = args.clip
    models = [resolve_model(m) for m in (args.model or [None])]
    worker_counts = args.workers or [1, 2]
    with av.open(str(clip)) as c:
        s = c.streams.video[0]
        print(f"clip: {clip.name} {s.codec_context.width}x{s.codec_context.height}, "
              f"{float(s.average_rate):.1f} fps, cores: {os.cpu_count()}")
    nd, wd, cd = decode_only(clip)
    print(f"decode only (RGB): {nd / wd:6.1f} fps, {cd / nd * 1000:.1f} ms CPU per frame")
    engines = [False, True] if args.processes else [False]
    for model in [] if args.skip_speed else models:
        print(f"\nmodel: {model.name}")
        with native_stderr_captured():
            bare_loop(clip, model, 1)  # warm-up: model load, page cache
            n1, b1 = bare_loop(clip, model, 1)
            n2, b2 = bare_loop(clip, model, 2)
            n3, b3 = bare_loops_side_by_side(clip, model)
            runs = {(sym, w, proc): analyze(clip, model, sym, w, proc)
                    for w in worker_counts for sym in (False, True) for proc in engines
                    if not (proc and w < 2)}
        print(f"  bound, decode + landmarker, 1 pass  : {n1 / b1:6.1f} fps ({b1:.1f} s, "
              f"{cd / b1:.0%} of it decoding)")
        print(f"  bound, decode + landmarker, 2 passes: {n2 / b2:6.1f} fps = "
              f"{b1 / b2:.2f} x 1-pass bound")
        print(f"  two 1-pass loops side by side (2 threads): {n3 / b3:6.1f} fps = "
              f"{b1 * n3 / n1 / b3:.2f} x 1-pass bound (this machine's 2-core ceiling; "
              f"{b1 * n3 / n1 / b3 / 2:.2f} x for two passes of one clip)")
        for (sym, w, proc), (n, sec, extra) in runs.items():
            what = "analyze (default, picture + mirror)" if sym else "analyze --fast (one pass)"
            if w > 1:
                what += ", processes" if proc else ", threads"
            jobs = ", ".join(f"{j['pass']} {j['start_s']:.1f}-"
                             f"{'end' if j['end_s'] is None else format(j['end_s'], '.1f')} s"
                             for j in extra["jobs"])
            print(f"  {what:47s} {w} worker(s): {n / sec:6.1f} fps = {b1 / sec:.2f} x 1-pass "
                  f"bound ({sec:.1f} s; jobs: {jobs}; other processes on the machine used "
                  f"{max(extra['other_cpu_s'], 0.0):.1f} CPU s meanwhile)")
            print("    per job wall / CPU s: " + ", ".join(
                f"{j['pass']} {j['wall_s']:.1f} / {j['cpu_s']:.1f}" for j in extra["jobs"]))
            if "mirror" in extra:
                print(f"    mirror pass: {extra['mirror']}")
    if not args.skip_memory:
        with tempfile.TemporaryDirectory() as tmp:
            long_clip = make_long_clip(clip, Path(tmp) / "long_1080p.mp4")
            for model in models:
                for w in worker_counts:
                    for sym in (True, False):
                        for proc in engines if w > 1 else [False]:
                            m = memory(long_clip, model, w, sym, proc)
                            how = ("" if w < 2 else
                                   " (process pool)" if proc else " (threads, one process)")
                            line = (f"memory, 60 s 1920x1080, {model.name}, "
                                    f"{'default' if sym else '--fast'}, {w} worker(s){how}: "
                                    f"main process {m['main_peak_rss_mb']:.0f} MB peak RSS")
                            if proc:
                                per = ", ".join(f"{j['pass']} {j['peak_rss_mb']:.0f}"
                                                for j in m["jobs"])
                                line += f"; per worker process peak RSS: {per}"
                            print(f"{line}; peak of summed PSS (all processes) "
                                  f"{m['peak_total_pss_mb']:.0f} MB; {m['seconds']:.0f} s")


if __name__ == "__main__":
    main()
