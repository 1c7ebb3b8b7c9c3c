"""Drawing the live picture: skeleton, knee and pelvis lines coloured against the norms, the
numbers, the rep counter, the fps and the guidance sentence (reuses report/draw.py)."""

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ..landmarks import LEGS, SIDES, Side
from ..report import draw
from .live_metrics import Live

GOOD = (40, 200, 90)
BAD = (230, 50, 50)
NEUTRAL = (200, 200, 200)
INFO = (255, 210, 60)


def flag_colour(flag: bool | None) -> tuple[int, int, int]:
    """Green within the norm, red beyond it, grey when there is no value or no norm."""
    return NEUTRAL if flag is None else (BAD if flag else GOOD)


@dataclass(frozen=True)
class Hud:
    """The text parts of one picture."""

    title: str  # e.g. "Single-leg squat - LEFT leg"
    state: str  # e.g. "GUIDE", "3", "RECORDING", "ANALYSING"
    message: str | None  # what the user should do now
    fps: float
    recording: bool


def _scale(img: NDArray[np.uint8]) -> tuple[float, int]:
    s = img.shape[0] / 720
    return max(0.45, 0.8 * s), max(1, int(round(2 * s)))


def _pelvis_line(img: NDArray[np.uint8], xy: NDArray[np.float64], colour: tuple[int, int, int],
                 width: int) -> None:
    a, b = xy[LEGS["left"].hip], xy[LEGS["right"].hip]
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return
    ext = (b - a) * 0.35
    p, q = a - ext, b + ext
    cv2.line(img, (int(p[0]), int(p[1])), (int(q[0]), int(q[1])), colour, width * 2,
             cv2.LINE_AA)


def _leg(img: NDArray[np.uint8], xy: NDArray[np.float64], side: Side, colour: tuple[int, int, int],
         width: int) -> None:
    pts = [xy[i] for i in (LEGS[side].hip, LEGS[side].knee, LEGS[side].ankle)]
    if not all(np.all(np.isfinite(p)) for p in pts):
        return
    ip = [(int(p[0]), int(p[1])) for p in pts]
    cv2.line(img, ip[0], ip[1], colour, width * 3, cv2.LINE_AA)
    cv2.line(img, ip[1], ip[2], colour, width * 3, cv2.LINE_AA)
    cv2.circle(img, ip[1], width * 5, colour, -1, cv2.LINE_AA)
    cv2.circle(img, ip[1], width * 5, draw.WHITE, max(1, width // 2), cv2.LINE_AA)


def render(img: NDArray[np.uint8], xy: NDArray[np.float64] | None, live: Live | None,
           stance: Side | None, hud: Hud) -> NDArray[np.uint8]:
    """Draw on ``img`` (RGB, modified in place) and return it."""
    scale, width = _scale(img)
    if xy is not None:
        draw.skeleton(img, xy, width)
        if live is not None:
            legs = (stance,) if stance else SIDES
            for s in legs:
                _leg(img, xy, s, flag_colour(live.fppa_flag[s]), width)
            if stance:
                _pelvis_line(img, xy, flag_colour(live.drop_flag), width)
    lines, colours = [hud.title, f"{hud.state}"], [draw.WHITE, INFO]
    if live is not None:
        for s in ((stance,) if stance else SIDES):
            v = live.fppa[s]
            lines.append(f"{s[0].upper()} knee FPPA {v:+5.1f} deg" if np.isfinite(v)
                         else f"{s[0].upper()} knee FPPA   -")
            colours.append(flag_colour(live.fppa_flag[s]))
        if stance:
            d = live.pelvic_drop
            lines.append(f"Pelvic drop {d:+5.1f} deg" if np.isfinite(d) else "Pelvic drop   -")
            colours.append(flag_colour(live.drop_flag))
        lines.append(f"Reps {live.reps}")
        colours.append(draw.WHITE)
    lines.append(f"{hud.fps:4.1f} fps")
    colours.append(NEUTRAL)
    draw.panel(img, lines, colours, scale)
    if hud.recording:
        cv2.circle(img, (img.shape[1] - int(30 * scale) - 10, int(30 * scale) + 10),
                   int(14 * scale) + 2, BAD, -1, cv2.LINE_AA)
    if hud.message:
        _banner(img, hud.message, scale)
    return img


def _banner(img: NDArray[np.uint8], message: str, scale: float) -> None:
    """The guidance sentence on a dark strip at the bottom, wrapped to the picture's width."""
    th = max(1, int(round(2 * scale)))
    words, rows, row = message.split(), [], ""
    for w in words:
        trial = f"{row} {w}".strip()
        if cv2.getTextSize(trial, cv2.FONT_HERSHEY_SIMPLEX, scale, th)[0][0] > img.shape[1] - 30:
            rows.append(row)
            row = w
        else:
            row = trial
    rows.append(row)
    step = cv2.getTextSize("Ag", cv2.FONT_HERSHEY_SIMPLEX, scale, th)[0][1] + int(14 * scale) + 2
    top = img.shape[0] - step * len(rows) - 10
    region = img[top:]
    region[:] = (region * 0.3).astype(np.uint8)
    for j, r in enumerate(rows):
        draw.text(img, r, (15, top + step * (j + 1) - 4), scale, INFO)
