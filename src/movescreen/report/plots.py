"""Time-series and trend plots as PNG bytes (matplotlib, Agg backend, imported lazily)."""

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..catalog import MetricDef
from ..kinematics import Kinematics
from ..results import ScreenResult
from ..rules.limits import Limits
from ..screens.single_leg_squat import pelvis_curve
from .model import LANDINGS, fmt
from .sources import ClipSource

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SIDE_HEX = {"left": "#1e78ff", "right": "#ff8c00"}
# per screen: the metric whose norm shades each panel (None: no norm drawn)
BAND_METRIC = {
    "single-leg-squat": ("fppa_peak_deg", "pelvic_drop_deg", "trunk_lean_deg"),
    "squat": (None, None, None),
    "single-leg-hop": ("fppa_landing_peak_deg", "pelvic_drop_ic_deg", "trunk_lean_ic_deg"),
    "drop-landing": ("fppa_landing_peak_deg", "pelvic_drop_ic_deg", "trunk_lean_ic_deg"),
}
PANELS = (("fppa", "Knee FPPA (°)\n+ = knee inside"),
          ("pelvis", "Pelvic drop (°)\nvs standing"),
          ("trunk", "Trunk lean (°)\nvs standing"))


def _figure(w: float, h: float, rows: int) -> tuple["Figure", list]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=110, layout="constrained")
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


def _png(fig: "Figure") -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def panel_series(test: str, k: Kinematics, standing: NDArray[np.intp], attr: str,
                 side: str) -> NDArray[np.float64]:
    """One leg's curve in a time-series panel: FPPA as measured; pelvis and trunk relative to
    standing, the pelvis of a single-leg squat on the slow part its pelvic drop is read from."""
    y = np.asarray(getattr(k, attr)[side], float)
    if attr == "fppa":
        return y
    if attr == "pelvis" and test == "single-leg-squat":
        y = pelvis_curve(k.t, y)
    return y - np.nanmedian(y[standing]) if np.any(np.isfinite(y[standing])) else y * np.nan


def time_series(r: ScreenResult, src: ClipSource, catalog: dict[str, MetricDef],
                limits: Limits) -> bytes | None:
    """FPPA, pelvic drop and trunk lean of both legs over the clip; reps shaded, norms banded.

    Each leg's line is bold inside its own reps (single-leg screens) and faint elsewhere.
    """
    k, sf = src.k, src.standing
    if k is None or sf is None:
        return None
    fig, axes = _figure(7.6, 5.4, 3)
    reps = [x for x in r.reps if x.clip is None or x.clip.endswith(src.name)]
    landing = r.test in LANDINGS
    for ax, (attr, title), band in zip(axes, PANELS, BAND_METRIC[r.test], strict=True):
        lo, hi = np.inf, -np.inf
        for side in ("left", "right"):
            y = panel_series(r.test, k, sf, attr, side)
            own = np.zeros(len(y), bool)
            for rep in reps:
                if rep.leg in (side, "both"):
                    own |= (k.t >= rep.t_start) & (k.t <= rep.t_end)
            ax.plot(k.t, y, color=SIDE_HEX[side], lw=0.8, alpha=0.35)
            ax.plot(k.t, np.where(own, y, np.nan), color=SIDE_HEX[side], lw=2,
                    label=f"{side} leg")
            scope = y[own] if np.any(np.isfinite(y[own])) else y  # faint parts may spike
            if np.any(np.isfinite(scope)):
                lo, hi = min(lo, np.nanmin(scope)), max(hi, np.nanmax(scope))
        d = catalog.get(band) if band else None
        lim = limits.get(r.test, band) if band else None
        limit = lim.value if lim is not None else None
        if not np.isfinite(lo):
            lo, hi = -1.0, 1.0
        if limit is not None and d is not None and lim is not None and lim.above:
            lo, hi = min(lo, -2.0), max(hi, limit + 2.0)
            ax.axhspan(lo - 100, limit, color="#2e9d4f", alpha=0.10, lw=0)
            ax.axhline(limit, color="#2e9d4f", lw=1, ls="--")
            ax.text(0.995, limit, f" normal up to {fmt(limit, d.unit)}", color="#1f7a3a",
                    fontsize=7, va="bottom", ha="right", transform=ax.get_yaxis_transform())
        pad = 0.08 * max(hi - lo, 1.0)
        ax.set_ylim(lo - pad, hi + pad)
        for rep in reps:
            ax.axvspan(rep.t_start, rep.t_end, color="#888888", alpha=0.08 if not rep.excluded
                       else 0.02, lw=0)
            ax.axvline(rep.t_start, color="#999999", lw=0.6)
            ax.axvline(rep.t_end, color="#999999", lw=0.6)
            mark = rep.events.get("initial_contact") if landing else rep.t_bottom
            if mark is not None:
                ax.axvline(mark, color="#555555", lw=0.6, ls=":")
            if attr == "fppa":
                ax.text((rep.t_start + rep.t_end) / 2, 1.0, f"#{rep.index}"
                        + (" excl." if rep.excluded else ""), transform=ax.get_xaxis_transform(),
                        ha="center", va="bottom", fontsize=7, color="#555555")
        ax.set_ylabel(title, fontsize=7.5)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.25, lw=0.5)
    axes[0].legend(loc="upper left", fontsize=7, ncols=2, frameon=False)
    axes[-1].set_xlabel("time (s) · grey = reps, dotted = " + ("initial contact" if landing
                                                               else "deepest point"),
                        fontsize=7.5)
    return _png(fig)


def trends(series: Sequence[tuple[str, str, list[tuple[str, float | None]]]],
           sdd: dict[str, float]) -> bytes | None:
    """One small panel per (metric label, unit) with a line per leg over the session dates.

    ``series``: (label, side, [(date, value), ...]); ``sdd``: label -> smallest real change.
    """
    labels = list(dict.fromkeys(label for label, _, _ in series))
    if not labels:
        return None
    fig, axes = _figure(7.6, 1.7 * len(labels) + 0.4, len(labels))
    for ax, label in zip(axes, labels, strict=True):
        for lab, side, pts in series:
            if lab != label:
                continue
            xs = [d for d, v in pts if v is not None]
            ys = [v for _, v in pts if v is not None]
            ax.plot(xs, ys, "o-", color=SIDE_HEX.get(side, "#444444"), label=side, lw=1.6)
        note = f" (real change > {sdd[label]:g})" if label in sdd else ""
        ax.set_title(label + note, fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.25, lw=0.5)
        ax.legend(fontsize=7, frameon=False, loc="best")
    return _png(fig)
