"""Where live frames come from: a webcam (index), a stream (URL), or a video file that plays
at its own timestamps as a camera would.

Every source yields :class:`movescreen.video.Frame` (RGB, contiguous) with ``t`` in seconds
since the source started: capture time for a camera, the decoder's timestamp for a file. A
file is paced in real time: when processing is slower than the clip, frames are dropped, as a
camera would drop them, so a file exercises the same code as a camera.
"""

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import MovescreenError
from ..video import Frame, iter_frames, prefetch, probe


class Source(Protocol):
    """A live source of frames; close it when done.

    ``t0`` is the monotonic clock reading at which the source's time 0 falls (set when
    :meth:`frames` starts), so ``time.monotonic() - t0 - frame.t`` is how old a frame is.
    """

    width: int
    height: int
    description: str
    t0: float
    dropped: int

    def frames(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...


def _is_url(spec: str) -> bool:
    return "://" in spec


def open_source(spec: str, realtime: bool = True) -> Source:
    """A camera index (``0``), a stream URL (``rtsp://…``, ``http://…``) or a video file.

    Raises MovescreenError with one sentence when it cannot be opened.
    """
    spec = spec.strip()
    if spec.isdigit() or _is_url(spec):
        return CvCamera(spec)
    path = Path(spec)
    if not path.exists():
        raise MovescreenError(
            f"--camera {spec}: no such camera or file; give a camera number (0 for the first "
            "webcam), a stream URL, or the path of a video file.")
    return FileCamera(path, realtime)


class CvCamera:
    """A webcam or network stream through OpenCV; timestamps are capture times.

    A thread keeps reading so that only the newest picture is handed on: a slow consumer sees
    fresh pictures (older ones are dropped), not a growing backlog in the driver's buffer.
    """

    def __init__(self, spec: str, width: int = 640, height: int = 480) -> None:
        import cv2

        self.description = f"camera {spec}" if spec.isdigit() else spec
        index_or_url: int | str = int(spec) if spec.isdigit() else spec
        cap = cv2.VideoCapture(index_or_url)
        if spec.isdigit() and cap.isOpened():
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        ok, first = cap.read() if cap.isOpened() else (False, None)
        if not ok or first is None:
            cap.release()
            what = ("no camera with that number is connected (or another program is using "
                    "it); plug one in, close other camera apps, or try another number"
                    if spec.isdigit() else
                    "the stream could not be opened; check the URL and that the camera is on "
                    "the network")
            raise MovescreenError(f"Could not open {self.description}: {what}.")
        self._cap = cap
        self.height, self.width = first.shape[:2]
        self.t0 = time.monotonic()
        self._latest: tuple[float, np.ndarray] | None = None
        self._new = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.dropped = 0

    def _grab(self) -> None:
        while not self._stop.is_set():
            ok, bgr = self._cap.read()
            t = time.monotonic() - self.t0
            with self._new:
                if not ok:
                    self._latest = None
                    self._stop.set()
                else:
                    if self._latest is not None:
                        self.dropped += 1
                    self._latest = (t, bgr)
                self._new.notify_all()

    def frames(self) -> Iterator[Frame]:
        import cv2

        self.t0 = time.monotonic()
        self._thread = threading.Thread(target=self._grab, name="camera", daemon=True)
        self._thread.start()
        index = 0
        while True:
            with self._new:
                while self._latest is None and not self._stop.is_set():
                    self._new.wait(timeout=1.0)
                got, self._latest = self._latest, None
            if got is None:
                return
            t, bgr = got
            rgb = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            yield Frame(index, t, rgb, False)
            index += 1

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._cap.release()


class FileCamera:
    """A video file standing in for a camera, played at its own timestamps.

    ``realtime=False`` yields every frame as fast as it is asked for (no drops): for tests
    and benchmarks that need every frame.
    """

    def __init__(self, path: Path, realtime: bool = True) -> None:
        self._info = probe(path)
        self.width, self.height = self._info.width, self._info.height
        self.description = str(path)
        self.realtime = realtime
        self.dropped = 0
        self.t0 = time.monotonic()

    def frames(self) -> Iterator[Frame]:
        decoded = prefetch(iter_frames(self._info))  # decoding overlaps the pose inference
        if not self.realtime:
            self.t0 = time.monotonic()
            yield from decoded
            return
        start = self.t0 = time.monotonic()
        nxt = next(decoded, None)
        while nxt is not None:
            now = time.monotonic() - start
            if nxt.t > now:  # the camera has not taken this picture yet
                time.sleep(nxt.t - now)
                now = nxt.t
            latest, nxt = nxt, next(decoded, None)
            while nxt is not None and nxt.t <= now:  # newer pictures already taken: the
                self.dropped += 1  # older ones are lost, as with a busy camera
                latest, nxt = nxt, next(decoded, None)
            yield latest

    def close(self) -> None:
        pass
