"""Write the raw camera frames of a set to an H.264 clip with their real timestamps.

The clip is written beside its final name and renamed onto it when closed (also when the user
quits mid-set, so what was recorded is kept); a crash leaves only a ``.part`` file, never a
half-written clip under the real name. Timestamps are the capture times, in milliseconds, so
the offline analysis sees the true (possibly variable) frame rate. Encoding runs on a thread
(through a bounded queue), overlapping the pose inference of the next pictures.
"""

import os
import queue
import threading
from fractions import Fraction
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

MS = Fraction(1, 1000)


class Recorder:
    """One clip being recorded; use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path, width: int, height: int, nominal_fps: float = 30.0) -> None:
        import av

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = self.path.with_name(f".{self.path.name}.part")
        # H.264 4:2:0 needs even sizes; an odd edge row/column is dropped
        self.width, self.height = width - width % 2, height - height % 2
        self._container = av.open(str(self._tmp), "w", format="mp4")
        stream = self._container.add_stream("libx264", rate=max(1, round(nominal_fps)))
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, "yuv420p"
        stream.time_base = MS
        stream.codec_context.time_base = MS
        stream.options = {"crf": "18", "preset": "ultrafast"}
        self._stream = stream
        self._t0: float | None = None
        self._last_pts = -1
        self.frames = 0
        self._queue: queue.Queue[tuple[NDArray[np.uint8], int] | None] = queue.Queue(maxsize=64)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._encode, name="movescreen-record",
                                        daemon=True)
        self._thread.start()

    def _encode(self) -> None:
        import av

        ended = False
        try:
            while (item := self._queue.get()) is not None:
                img, pts = item
                frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                frame.pts, frame.time_base = pts, MS
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
            ended = True
            for packet in self._stream.encode():
                self._container.mux(packet)
        except BaseException as exc:  # handed to close(), which re-raises it
            self._error = exc
            while not ended and self._queue.get() is not None:  # keep write() from blocking
                pass

    def write(self, rgb: NDArray[np.uint8], t: float) -> None:
        """Add one picture captured at ``t`` seconds (any origin; the clip starts at 0)."""
        if self._t0 is None:
            self._t0 = t
        pts = max(self._last_pts + 1, int(round((t - self._t0) * 1000)))
        self._queue.put((np.ascontiguousarray(rgb[:self.height, :self.width]), pts))
        self._last_pts = pts
        self.frames += 1

    def close(self) -> Path | None:
        """Finish the clip and move it to its name; None (and nothing kept) if it is empty."""
        if self._container is None:
            return self.path if self.path.exists() else None
        try:
            self._queue.put(None)
            self._thread.join()
            if self._error is not None:
                raise self._error
        finally:
            self._container.close()
            self._container = None
        if self.frames == 0:
            self._tmp.unlink(missing_ok=True)
            return None
        os.replace(self._tmp, self.path)
        return self.path

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
