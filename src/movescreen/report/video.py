"""The annotated video: skeleton and live angle readouts burned into the clip (H.264 mp4)."""

from fractions import Fraction
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..errors import MovescreenError
from ..results import ScreenResult
from ..video import iter_frames, probe
from . import draw
from .plots import panel_series
from .sources import ClipSource

MAX_SIDE = 1280  # larger clips are scaled down (4K would be slow to encode and to send)


def _rep_at(r: ScreenResult, t: float, clip: str) -> str:
    for rep in r.reps:
        if (rep.clip is None or rep.clip.endswith(clip)) and rep.t_start <= t <= rep.t_end:
            return f"rep {rep.index} ({rep.leg})" + (" excluded" if rep.excluded else "")
    return ""


def write_annotated_video(r: ScreenResult, src: ClipSource, out: Path) -> Path:
    """Encode ``src``'s clip with overlays to ``out`` (atomically): one output frame per
    decoded source frame, yuv420p with even dimensions, ``+faststart`` for browsers."""
    import av
    import cv2

    if src.video is None or src.k is None or src.pose is None or src.standing is None:
        raise MovescreenError(f"{src.name}: {src.problem or 'clip or pose missing'}; the "
                              "annotated video needs the clip and pose.npz.")
    info = probe(src.video)
    k, xy = src.k, src.pose.xy
    s = min(1.0, MAX_SIDE / max(info.width, info.height))
    w, h = int(info.width * s) // 2 * 2, int(info.height * s) // 2 * 2
    scale = h / 900
    # pelvis and trunk relative to standing, as the report's time-series panels draw them
    rel = {a: {side: panel_series(r.test, k, src.standing, a, side)
               for side in ("left", "right")} for a in ("pelvis", "trunk")}
    rate = Fraction(round(r.clip.fps_measured * 1000), 1000) if r.clip.fps_measured else 30
    with (atomic_path(out) as tmp,
          av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as c):
        stream = c.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast"}
        for frame in iter_frames(info):
            i = min(frame.index, len(k.t) - 1)
            img = cv2.resize(frame.rgb, (w, h), interpolation=cv2.INTER_AREA)
            pts = xy[i] * np.array([w / info.width, h / info.height])
            width = max(1, int(round(h / 360)))
            draw.skeleton(img, pts, width)
            lines = [f"t {frame.t:5.2f} s  {_rep_at(r, frame.t, src.name)}"]
            for side in ("left", "right"):
                draw.leg_angle(img, pts, side, None, width, scale, label=False)
                f, p, tr = (float(k.fppa[side][i]), float(rel["pelvis"][side][i]),
                            float(rel["trunk"][side][i]))
                lines.append(f"{side[0].upper()}: FPPA {f:+4.0f}  pelvis {p:+4.0f}  "
                             f"trunk {tr:+4.0f} deg".replace("nan", "  -"))
            draw.panel(img, lines, [draw.WHITE, draw.SIDE_RGB["left"],
                                    draw.SIDE_RGB["right"]], 0.75 * scale)
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
            for packet in stream.encode(vf):
                c.mux(packet)
        for packet in stream.encode():
            c.mux(packet)
    return out


def frame_count(path: Path) -> int:
    """Frames a file really decodes to (for tests and checks)."""
    return sum(1 for _ in iter_frames(probe(path)))
