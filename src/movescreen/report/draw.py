"""Drawing a skeleton, the hip-knee-ankle lines and the knee angle on an RGB picture (cv2)."""

import cv2
import numpy as np
from numpy.typing import NDArray

from ..landmarks import LEGS, Side

# skeleton segments (MediaPipe indices): trunk, arms, legs, feet
BONES = ((11, 12), (11, 23), (12, 24), (23, 24), (11, 13), (13, 15), (12, 14), (14, 16),
         (23, 25), (25, 27), (24, 26), (26, 28), (27, 29), (29, 31), (27, 31), (28, 30),
         (30, 32), (28, 32))
SIDE_RGB: dict[Side, tuple[int, int, int]] = {"left": (30, 120, 255), "right": (255, 140, 0)}
WHITE = (255, 255, 255)


def _pt(xy: NDArray[np.float64]) -> tuple[int, int] | None:
    return (int(round(xy[0])), int(round(xy[1]))) if np.all(np.isfinite(xy)) else None


def text(img: NDArray[np.uint8], s: str, org: tuple[int, int], scale: float,
         colour: tuple[int, int, int] = WHITE) -> None:
    """Text with a dark outline, readable on any background."""
    th = max(1, int(round(2 * scale)))
    cv2.putText(img, s, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), th + 3, cv2.LINE_AA)
    cv2.putText(img, s, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, th, cv2.LINE_AA)


def skeleton(img: NDArray[np.uint8], xy: NDArray[np.float64], width: int) -> None:
    """Thin white bones and joints of the whole body."""
    for colour, extra in (((20, 20, 20), 2), ((245, 245, 245), 0)):  # dark edge, light core
        for a, b in BONES:
            pa, pb = _pt(xy[a]), _pt(xy[b])
            if pa and pb:
                cv2.line(img, pa, pb, colour, width + extra, cv2.LINE_AA)
    for i in (11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32):
        p = _pt(xy[i])
        if p:
            cv2.circle(img, p, width + 1, (255, 255, 255), -1, cv2.LINE_AA)


def leg_angle(img: NDArray[np.uint8], xy: NDArray[np.float64], side: Side, fppa: float | None,
              width: int, scale: float, label: bool = True) -> None:
    """Hip-knee-ankle lines of one leg in its colour, the thigh line extended past the knee
    (dashed) so the deviation shows, and the FPPA written beside the knee."""
    leg = LEGS[side]
    hip, knee, ankle = (_pt(xy[i]) for i in (leg.hip, leg.knee, leg.ankle))
    if not (hip and knee and ankle):
        return
    col = SIDE_RGB[side]
    cv2.line(img, hip, knee, col, width * 2, cv2.LINE_AA)
    cv2.line(img, knee, ankle, col, width * 2, cv2.LINE_AA)
    h, k = np.array(hip, float), np.array(knee, float)
    shin = np.linalg.norm(np.array(ankle, float) - k)
    direction = (k - h) / max(np.linalg.norm(k - h), 1e-6)
    for j in range(0, 10, 2):  # dashed extension of the thigh line, as long as the shin
        a = k + direction * shin * j / 10
        b = k + direction * shin * (j + 1) / 10
        cv2.line(img, _pt(a), _pt(b), WHITE, width, cv2.LINE_AA)  # type: ignore[arg-type]
    for p in (hip, knee, ankle):
        cv2.circle(img, p, width * 3, col, -1, cv2.LINE_AA)
        cv2.circle(img, p, width * 3, WHITE, max(1, width // 2), cv2.LINE_AA)
    if label and fppa is not None and np.isfinite(fppa):
        # a label box in the top corner on the leg's side of the picture: never overlapping
        mid = (xy[LEGS["left"].hip, 0] + xy[LEGS["right"].hip, 0]) / 2
        dx = 1 if knee[0] >= mid else -1
        tag(img, f"{'L' if side == 'left' else 'R'} FPPA {fppa:+.0f} deg",
            (img.shape[1] - 4 if dx > 0 else 4, 4), -dx, scale, col)

def tag(img: NDArray[np.uint8], s: str, at: tuple[int, int], dx: int, scale: float,
        colour: tuple[int, int, int]) -> None:
    """White text on a filled box of ``colour``, its top at ``at[1]``, extending right (dx=1)
    or left (dx=-1) of ``at[0]``."""
    th = max(1, int(round(2 * scale)))
    (tw, tht), base = cv2.getTextSize(s, cv2.FONT_HERSHEY_SIMPLEX, scale, th)
    pad = int(6 * scale) + 2
    x = at[0] if dx > 0 else at[0] - tw - 2 * pad
    x = int(np.clip(x, 0, max(0, img.shape[1] - tw - 2 * pad)))
    y = int(np.clip(at[1], 0, max(0, img.shape[0] - tht - 2 * pad - base)))
    cv2.rectangle(img, (x, y), (x + tw + 2 * pad, y + tht + base + 2 * pad), colour, -1)
    cv2.putText(img, s, (x + pad, y + pad + tht), cv2.FONT_HERSHEY_SIMPLEX, scale, WHITE, th,
                cv2.LINE_AA)


def panel(img: NDArray[np.uint8], lines: list[str], colours: list[tuple[int, int, int]],
          scale: float) -> None:
    """Lines of text on a dark, half-transparent panel in the top-left corner."""
    th = max(1, int(round(2 * scale)))
    sizes = [cv2.getTextSize(s, cv2.FONT_HERSHEY_SIMPLEX, scale, th)[0] for s in lines]
    pad, step = int(10 * scale) + 2, max(h for _, h in sizes) + int(14 * scale) + 2
    w = min(img.shape[1], max(tw for tw, _ in sizes) + 2 * pad)
    h = min(img.shape[0], step * len(lines) + pad)
    region = img[:h, :w]
    region[:] = (region * 0.35).astype(np.uint8)
    for j, (s, colour) in enumerate(zip(lines, colours, strict=False)):
        cv2.putText(img, s, (pad, pad + step * j + sizes[j][1]), cv2.FONT_HERSHEY_SIMPLEX,
                    scale, _light(colour), th, cv2.LINE_AA)


def _light(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """A lighter tint of ``colour``, readable on a dark panel."""
    return tuple(int(c + (255 - c) * 0.35) for c in colour)  # type: ignore[return-value]
