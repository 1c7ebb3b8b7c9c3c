"""Stills: the worst rep of each leg at its deepest point, cropped to the body and annotated."""

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..errors import MovescreenError
from ..video import iter_frames, probe
from . import draw
from .model import StillRequest
from .sources import ClipSource, frame_index

STILL_HEIGHT = 520


@dataclass(frozen=True)
class Still:
    caption: str
    sides: tuple[str, ...]
    jpeg: bytes | None  # None: show ``placeholder`` instead
    placeholder: str = ""


def body_box(xy: NDArray[np.float64], shape: tuple[int, ...], margin: float = 0.12,
             min_aspect: float = 0.62) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the landmarks' box with a margin, widened to ``min_aspect``."""
    pts = xy[np.all(np.isfinite(xy), axis=1)]
    h, w = shape[:2]
    if len(pts) < 4:
        return 0, 0, w, h
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    pad = margin * max(y1 - y0, 1.0)
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - 1.6 * pad, y1 + pad
    if (x1 - x0) < min_aspect * (y1 - y0):
        cx, half = (x0 + x1) / 2, min_aspect * (y1 - y0) / 2
        x0, x1 = cx - half, cx + half
    return (int(max(0, x0)), int(max(0, y0)), int(min(w, x1)), int(min(h, y1)))


def annotate(rgb: NDArray[np.uint8], xy: NDArray[np.float64], fppa: dict[str, float | None],
             sides: tuple[str, ...], height: int = STILL_HEIGHT,
             label: bool = True) -> NDArray[np.uint8]:
    """Crop around the body, scale to ``height`` and draw skeleton, leg lines and angles."""
    x0, y0, x1, y1 = body_box(xy, rgb.shape)
    crop = rgb[y0:y1, x0:x1]
    s = height / max(crop.shape[0], 1)
    img = cv2.resize(crop, (max(2, int(crop.shape[1] * s)), height),
                     interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    pts = (xy - np.array([x0, y0])) * s
    width = max(1, int(round(height / 260)))
    draw.skeleton(img, pts, width)
    for side in sides:
        draw.leg_angle(img, pts, side, fppa.get(side), width, height / 700, label)  # type: ignore[arg-type]
    return img


def _jpeg(rgb: NDArray[np.uint8]) -> bytes:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:  # pragma: no cover - cv2 always encodes a valid array
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


def _frames_at(src: ClipSource, times: list[float]) -> dict[float, NDArray[np.uint8]]:
    """Decode the clip once, keeping the frames nearest ``times`` (by the pose's time base)."""
    assert src.k is not None and src.video is not None
    wanted = {frame_index(src.k.t, t): t for t in times}
    out: dict[float, NDArray[np.uint8]] = {}
    for frame in iter_frames(probe(src.video)):
        if frame.index in wanted:
            out[wanted[frame.index]] = frame.rgb
            if len(out) == len(wanted):
                break
    return out


def make_stills(requests: list[StillRequest], sources: list[ClipSource],
                label: bool = True) -> list[Still]:
    """One annotated still per request; a placeholder (never an exception) when impossible.

    ``label=False`` draws the leg lines without the FPPA number (deep bilateral squats).
    """
    out: list[Still] = []
    by_name = {s.name: s for s in sources}
    grouped: dict[str, list[StillRequest]] = {}
    for req in requests:
        name = req.clip.split("/")[-1] if req.clip else sources[0].name
        grouped.setdefault(name, []).append(req)
    for name, reqs in grouped.items():
        src = by_name.get(name)
        frames: dict[float, NDArray[np.uint8]] = {}
        problem = src.problem if src else f"clip {name} is not part of these results"
        if src is not None and src.k is not None and src.video is not None:
            try:
                frames = _frames_at(src, [r.t for r in reqs])
            except MovescreenError as exc:
                problem = exc.message
        for req in reqs:
            rgb = frames.get(req.t)
            if rgb is None or src is None or src.pose is None or src.k is None:
                out.append(Still(req.caption, req.sides, None, problem or "frame not decoded"))
                continue
            i = frame_index(src.k.t, req.t)
            fppa = {s: float(src.k.fppa[s][i]) for s in req.sides}  # type: ignore[index]
            img = annotate(rgb, src.pose.xy[i], fppa, req.sides, label=label)
            out.append(Still(req.caption, req.sides, _jpeg(img)))
    return out
