"""One Euro filter (Casiez, Roussel & Vogel 2012): low-lag smoothing of live landmarks.

Slow movement is smoothed hard (little jitter), fast movement lightly (little lag): the cutoff
frequency rises with the filtered speed. Works on arrays of any shape; NaN entries (a landmark
not seen) pass through and restart that entry's filter.
"""

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def _alpha(cutoff_hz: Array | float, dt: float) -> Array:
    tau = 1.0 / (2.0 * np.pi * np.asarray(cutoff_hz, dtype=np.float64))
    return 1.0 / (1.0 + tau / dt)


@dataclass
class OneEuroFilter:
    """Filter state for one array-valued signal sampled at irregular times."""

    min_cutoff_hz: float = 1.5
    beta: float = 0.02
    d_cutoff_hz: float = 1.0
    _x: Array | None = field(default=None, repr=False)
    _dx: Array | None = field(default=None, repr=False)
    _t: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.min_cutoff_hz <= 0 or self.d_cutoff_hz <= 0 or self.beta < 0:
            raise ValueError("cutoff frequencies must be > 0 and beta >= 0")

    def reset(self) -> None:
        self._x = self._dx = self._t = None

    def __call__(self, t: float, x: Array) -> Array:
        """The filtered value of ``x`` observed at time ``t`` (seconds, increasing)."""
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or self._t is None or self._x.shape != x.shape or t <= self._t:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        prev, prev_dx = self._x, self._dx
        fresh = ~np.isfinite(prev)  # no history for this entry: start from the observation
        prev = np.where(fresh, x, prev)
        dx = (x - prev) / dt
        dx_hat = prev_dx + _alpha(self.d_cutoff_hz, dt) * (dx - prev_dx)
        dx_hat = np.where(np.isfinite(dx_hat), dx_hat, 0.0)
        cutoff = self.min_cutoff_hz + self.beta * np.abs(dx_hat)
        x_hat = prev + _alpha(cutoff, dt) * (x - prev)
        self._x, self._dx, self._t = x_hat, dx_hat, t
        return x_hat.copy()
