"""Helpers that write small media files for tests (bad inputs, synthetic and transformed clips)."""

from collections.abc import Iterable
from pathlib import Path

import av
import cv2
import numpy as np


def write_video(path: Path, frames: Iterable[np.ndarray], fps: int = 30, crf: int = 12,
                rotation: int = 0, keyframe_every: int | None = None) -> Path:
    """Encode RGB frames as H.264 mp4; ``rotation`` sets the display matrix (deg ccw)."""
    frames = iter(frames)
    first = next(frames)
    h, w = first.shape[:2]
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.options = {"crf": str(crf), "preset": "veryfast"}
        if keyframe_every:
            s.options |= {"g": str(keyframe_every), "keyint_min": str(keyframe_every)}
        if rotation:
            s.set_display_rotation(rotation)
        for img in (first, *frames):
            for p in s.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(img),
                                                         format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def transformed_clip(src: Path, dst: Path, fn, crf: int = 10) -> Path:
    """Re-encode ``src`` with ``fn`` applied to every RGB frame (e.g. a horizontal flip)."""
    with av.open(str(src)) as c:
        stream = c.streams.video[0]
        fps = int(round(float(stream.average_rate or 30)))
        frames = (fn(f.to_ndarray(format="rgb24")) for f in c.decode(stream))
        return write_video(dst, frames, fps=fps, crf=crf)


def write_audio_only(path: Path) -> Path:
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("aac", rate=44100)
        for i in range(40):
            f = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp",
                                           layout="mono")
            f.sample_rate, f.pts = 44100, i * 1024
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def write_png_named(path: Path) -> Path:
    ok, buf = cv2.imencode(".png", np.full((120, 160, 3), 90, np.uint8))
    assert ok
    path.write_bytes(buf.tobytes())
    return path


def blank_frames(n: int = 60, w: int = 320, h: int = 240) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [np.clip(200 + rng.normal(0, 3, (h, w, 3)), 0, 255).astype(np.uint8)
            for _ in range(n)]


def bad_inputs(folder: Path, good_clip: Path) -> dict[str, Path]:
    """Every kind of bad input a user can hand over, keyed by what is wrong with it."""
    folder.mkdir(parents=True, exist_ok=True)
    data = good_clip.read_bytes()
    files = {
        "missing": folder / "missing.mp4",
        "folder": folder / "a_folder.mp4",
        "empty": folder / "empty.mp4",
        "text": folder / "text.mp4",
        "image": folder / "image.mp4",
        "truncated_head": folder / "truncated_head.mp4",
        "truncated_tail": folder / "truncated_tail.mp4",
        "audio_only": folder / "audio_only.mp4",
        "no_person": folder / "no_person.mp4",
    }
    files["folder"].mkdir(exist_ok=True)
    files["empty"].write_bytes(b"")
    files["text"].write_text("this is not a video\n")
    write_png_named(files["image"])
    files["truncated_head"].write_bytes(data[: len(data) * 2 // 5])
    files["truncated_tail"].write_bytes(data[len(data) * 3 // 5:])
    write_audio_only(files["audio_only"])
    write_video(files["no_person"], blank_frames())
    return files


def cut_clip(src: Path, dst: Path, start_s: float, end_s: float, width: int | None = None,
             crf: int = 18) -> Path:
    """Re-encode the part of ``src`` between two times, optionally scaled to ``width``."""
    with av.open(str(src)) as c:
        stream = c.streams.video[0]
        fps = int(round(float(stream.average_rate or 30)))
        frames = []
        for f in c.decode(stream):
            if f.time is not None and start_s <= f.time < end_s:
                img = f.to_ndarray(format="rgb24")
                if width:
                    h = int(round(img.shape[0] * width / img.shape[1] / 2)) * 2
                    img = cv2.resize(img, (width, h), interpolation=cv2.INTER_AREA)
                frames.append(img)
    return write_video(dst, frames, fps=fps, crf=crf)
