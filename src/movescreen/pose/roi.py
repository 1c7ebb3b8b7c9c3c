"""Boxes in frame pixels: the crop that is fed to the landmarker, and body extents."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Box:
    """An axis-aligned box [x0, x1) x [y0, y1) in frame pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @classmethod
    def full(cls, width: int, height: int) -> "Box":
        return cls(0.0, 0.0, float(width), float(height))

    @classmethod
    def around(cls, points: NDArray[np.float64]) -> "Box":
        """Bounding box of the finite (x, y) rows of ``points``."""
        pts = points[np.all(np.isfinite(points), axis=1)]
        return cls(float(pts[:, 0].min()), float(pts[:, 1].min()),
                   float(pts[:, 0].max()), float(pts[:, 1].max()))

    def contains(self, other: "Box", margin: float = 0.0) -> bool:
        """True if ``other`` lies inside this box shrunk by ``margin`` (a fraction of size)."""
        mx, my = margin * self.w, margin * self.h
        return (other.x0 >= self.x0 + mx and other.x1 <= self.x1 - mx
                and other.y0 >= self.y0 + my and other.y1 <= self.y1 - my)

    def iou(self, other: "Box") -> float:
        ix = max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))
        iy = max(0.0, min(self.y1, other.y1) - max(self.y0, other.y0))
        inter = ix * iy
        union = self.w * self.h + other.w * other.h - inter
        return inter / union if union > 0 else 0.0

    def clamp_to(self, width: int, height: int) -> "Box":
        """Shift (and if needed shrink) the box so it lies inside the frame."""
        w, h = min(self.w, float(width)), min(self.h, float(height))
        x0 = min(max(self.cx - w / 2, 0.0), width - w)
        y0 = min(max(self.cy - h / 2, 0.0), height - h)
        return Box(x0, y0, x0 + w, y0 + h)

    def pixel_slices(self) -> tuple[slice, slice]:
        """Row and column slices of this box into an image array."""
        return (slice(int(round(self.y0)), int(round(self.y1))),
                slice(int(round(self.x0)), int(round(self.x1))))


def square_around(body: Box, scale: float, width: int, height: int) -> Box:
    """A square of side ``scale`` x the body's larger extent, centred on it, inside the frame."""
    side = scale * max(body.w, body.h)
    return Box(body.cx - side / 2, body.cy - side / 2,
               body.cx + side / 2, body.cy + side / 2).clamp_to(width, height)


def tiles(width: int, height: int, fraction: float) -> list[Box]:
    """Overlapping square tiles of side ``fraction`` x frame height, stepping by half a tile."""
    side = min(fraction * height, float(width))
    step = side / 2
    xs = np.arange(0.0, max(width - side, 0.0) + 1.0, step)
    ys = np.arange(0.0, max(height - side, 0.0) + 1.0, step)
    if xs[-1] + side < width:
        xs = np.append(xs, width - side)
    if ys[-1] + side < height:
        ys = np.append(ys, height - side)
    return [Box(float(x), float(y), float(x + side), float(y + side)) for y in ys for x in xs]
