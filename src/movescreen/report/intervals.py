"""How sure each median is, drawn: 95% interval per leg, published SEM, flag threshold."""

from ..catalog import MetricDef
from ..results import ScreenResult
from ..rules.limits import Limits
from .plots import SIDE_HEX, _png

UNIT = "deg"  # one axis: the angle metrics


def interval_plot(r: ScreenResult, catalog: dict[str, MetricDef], limits: Limits
                  ) -> bytes | None:
    """Angle metrics with a median interval: one row per metric, a point and bar per leg.

    The thick bar is the 95% bootstrap interval of the median over reps; the thin grey bar is
    ± the published between-day SEM around the median; the red tick is the flag threshold.
    """
    rows = []
    for name, d in catalog.items():
        if d.unit != UNIT:
            continue
        legs = {s: leg.metrics[name] for s, leg in r.legs.items() if name in leg.metrics
                and leg.metrics[name].ci_low is not None}
        if legs:
            rows.append((d, legs))
    if not rows:
        return None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.6, 0.45 * len(rows) + 1.0), dpi=110, layout="constrained")
    ax = fig.subplots()
    for i, (d, legs) in enumerate(rows):
        for side, m in legs.items():
            y = i + (-0.15 if side == "left" else 0.15)
            if m.sem_published is not None and m.median is not None:
                ax.plot([m.median - m.sem_published, m.median + m.sem_published], [y, y],
                        color="#9e9e9e", lw=1, zorder=1)
            ax.plot([m.ci_low, m.ci_high], [y, y], color=SIDE_HEX[side], lw=4,
                    solid_capstyle="butt", alpha=0.6, zorder=2)
            ax.plot([m.median], [y], "o", color=SIDE_HEX[side], ms=5, zorder=3,
                    label=f"{side} leg" if i == 0 else None)
        limit = limits.get(r.test, d.name)  # the rules in force, for the athlete's sex
        if limit is not None:
            ax.plot([limit.value, limit.value], [i - 0.35, i + 0.35], color="#c62828", lw=1.5,
                    ls="--")
    ax.set_yticks(range(len(rows)), [d.label for d, _ in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("degrees · dot = median · bar = 95% interval over reps · grey = ± published "
                  "SEM · red dashes = flag", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return _png(fig)
