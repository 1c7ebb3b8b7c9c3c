"""Open a video file and stream its frames as RGB arrays with the decoder's real timestamps.

Frames are never all held in memory: :func:`iter_frames` yields one at a time, and
:func:`prefetch` decodes ahead on a thread through a small bounded queue.
"""

import hashlib
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import av
import numpy as np
from numpy.typing import NDArray

from .errors import MovescreenError

_IMAGE_FORMATS = ("image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "gif",
                  "tiff_pipe", "apng", "mjpeg")
T = TypeVar("T")


@dataclass(frozen=True)
class VideoInfo:
    """Container facts known before decoding. ``width``/``height`` are as displayed."""

    path: Path
    container: str
    codec: str
    width: int
    height: int
    rotation_deg: int
    fps_nominal: float | None
    duration_s: float | None
    frames_declared: int | None
    first_frame_s: float = 0.0  # container time of the first frame (where t = 0)


@dataclass(frozen=True)
class Frame:
    """One decoded picture: RGB uint8 (H, W, 3), C-contiguous, already rotated for display."""

    index: int
    t: float
    rgb: NDArray[np.uint8]
    repeat: bool


def _bad(path: Path, what: str) -> MovescreenError:
    return MovescreenError(f"{path}: {what}")


def check_path(path: Path) -> Path:
    """Raise a clear error unless ``path`` is an existing, non-empty file."""
    path = Path(path)
    if not path.exists():
        raise _bad(path, "no such file; check the spelling, or give the full path to the clip.")
    if path.is_dir():
        raise _bad(path, "is a folder; give one video file (mp4, mov, avi, webm or mkv).")
    if path.stat().st_size == 0:
        raise _bad(path, "is empty (0 bytes); copy or export the clip again.")
    return path


def probe(path: Path) -> VideoInfo:
    """Open ``path`` and describe its first video stream, or raise a clear error."""
    path = check_path(path)
    try:
        container = av.open(str(path))
    except (av.FFmpegError, UnicodeDecodeError, ValueError):
        raise _bad(path, "could not be read as a video (not a video file, or damaged/"
                         "truncated); export it again as mp4 (H.264).") from None
    with container:
        fmt = container.format.name
        if not container.streams.video:
            kind = "audio only" if container.streams.audio else "no video stream"
            raise _bad(path, f"has no video stream ({kind}); record a video of the movement.")
        if any(f in fmt.split(",") for f in _IMAGE_FORMATS):
            raise _bad(path, "is a still image, not a video; record a video of the movement.")
        stream = container.streams.video[0]
        cc = stream.codec_context
        rotation, first = _first_frame(container, stream)
        w, h = cc.width, cc.height
        if rotation % 180:
            w, h = h, w
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration:
            duration = container.duration / 1e6
        rate = stream.average_rate or stream.guessed_rate
        return VideoInfo(
            path=path,
            container=fmt,
            codec=cc.name,
            width=int(w),
            height=int(h),
            rotation_deg=rotation,
            fps_nominal=float(rate) if rate else None,
            duration_s=duration,
            frames_declared=int(stream.frames) if stream.frames else None,
            first_frame_s=first,
        )


def _first_frame(container: av.container.InputContainer, stream: av.VideoStream
                 ) -> tuple[int, float]:
    """Display rotation of the stream (degrees counter-clockwise) and time of its first frame."""
    try:
        for frame in container.decode(stream):
            return _round_rotation(frame.rotation), float(frame.time or 0.0)
    except av.FFmpegError:
        return 0, 0.0
    return 0, 0.0


def _round_rotation(deg: float) -> int:
    return int(round(deg / 90.0)) * 90 % 360


def iter_frames(info: VideoInfo, start_s: float = 0.0, end_s: float | None = None,
                threads: bool = True) -> Iterator[Frame]:
    """Decode the frames of ``info.path`` in order, those with ``start_s <= t < end_s``.

    Timestamps come from each frame's pts (seconds since the clip's first frame); a frame
    without a pts gets the previous one plus the nominal interval. A segment that starts
    later seeks to the keyframe before ``start_s`` and decodes forward from there.
    ``index`` counts from the first frame yielded. ``threads=False`` decodes on this thread
    only (when other jobs already keep every core busy, FFmpeg's frame threads only add
    contention). Raises :class:`MovescreenError` if the
    file stops decoding early (truncated).
    """
    path = info.path
    step = 1.0 / info.fps_nominal if info.fps_nominal else 1.0 / 30.0
    t0: float | None = info.first_frame_s if start_s > 0 else None
    last_t = -np.inf
    prev_small: NDArray[np.uint8] | None = None
    index = 0
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO" if threads else "NONE"
            if start_s > 0 and stream.time_base is not None:
                container.seek(int((info.first_frame_s + start_s) / stream.time_base),
                               stream=stream, backward=True)
            for frame in container.decode(stream):
                t_abs = frame.time
                if t_abs is None:
                    t_abs = (last_t + step) if np.isfinite(last_t) else 0.0
                if t0 is None:
                    t0 = t_abs
                t = t_abs - t0
                if t <= last_t:  # duplicate or out-of-order timestamp: keep time strictly rising
                    t = last_t + 1e-4
                if end_s is not None and t >= end_s:
                    return
                if t < start_s:
                    last_t = t
                    continue
                rgb = frame.to_ndarray(format="rgb24")
                k = _round_rotation(frame.rotation) // 90
                if k:
                    rgb = np.ascontiguousarray(np.rot90(rgb, k=k))
                small = rgb[::16, ::16]
                repeat = prev_small is not None and np.array_equal(small, prev_small)
                prev_small = small.copy()
                yield Frame(index=index, t=t, rgb=rgb, repeat=repeat)
                last_t = t
                index += 1
    except av.FFmpegError as exc:
        if index == 0:
            raise _bad(path, f"no frame could be decoded ({exc}); export the clip again.") from None
        raise _bad(path, f"stopped decoding after {index} frames ({last_t:.1f} s): the file "
                         "is damaged or truncated; copy or export it again.") from None
    if index == 0:
        raise _bad(path, "contains no video frames; record the movement again.")
    if end_s is not None:
        return
    declared = info.duration_s
    if declared and declared - last_t > max(0.5, 0.1 * declared):
        raise _bad(path, f"is truncated: the container says {declared:.1f} s but only "
                         f"{last_t:.1f} s could be decoded; copy or export it again.")


def prefetch(items: Iterable[T], depth: int = 4) -> Iterator[T]:
    """Iterate ``items`` on a background thread, at most ``depth`` items ahead.

    Exceptions raised while producing items are re-raised in the consumer. Stopping early
    (closing the generator) stops the producer.
    """
    q: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(("item", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(("done", None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            q.put(("error", exc))

    thread = threading.Thread(target=produce, name="movescreen-decode", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "item":
                yield value  # type: ignore[misc]
            elif kind == "error":
                raise value  # type: ignore[misc]
            else:
                return
    finally:
        stop.set()
        while thread.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
