"""The athlete's history as small inline SVG charts: each metric across re-tests, and the
training phase over time. Coordinates only; the template draws and escapes."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..store.models import Metric, PlanRecord, ScreenSession

W, H, PAD = 320, 120, 24


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    points: list[tuple[float, float, str, str]]  # x, y, label (date), value text

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in self.points)


def _scale(values: Sequence[float]) -> list[float]:
    lo, hi = min(values), max(values)
    if hi == lo:
        return [H / 2 for _ in values]
    span = hi - lo
    return [H - PAD - (v - lo) / span * (H - 2 * PAD) for v in values]


def _xs(n: int) -> list[float]:
    if n == 1:
        return [W / 2]
    return [PAD + i * (W - 2 * PAD) / (n - 1) for i in range(n)]


def metric_charts(rows: Sequence[tuple[ScreenSession, Metric]]) -> list[Chart]:
    """One chart per (test, metric, leg): the median of each session, in date order."""
    series: dict[tuple[str, str, str], dict[int, tuple[str, float, str]]] = defaultdict(dict)
    for session, m in rows:
        if m.median is None:
            continue
        label = session.date or session.created.date().isoformat()
        series[(session.test, m.metric, m.leg)][session.id] = (label, m.median, m.unit)
    charts = []
    for (test, metric, leg), points in sorted(series.items()):
        ordered = list(points.values())
        ys = _scale([v for _, v, _ in ordered])
        xs = _xs(len(ordered))
        unit = ordered[0][2]
        charts.append(Chart(f"{test} · {metric} · {leg}", unit,
                            [(x, y, lbl, f"{v:.1f}")
                             for x, y, (lbl, v, _) in zip(xs, ys, ordered, strict=True)]))
    return charts


def phase_chart(plans: Sequence[PlanRecord]) -> Chart | None:
    """The phase (0-4) of each stored plan, oldest first."""
    if not plans:
        return None
    xs = _xs(len(plans))
    ys = [H - PAD - p.phase / 4 * (H - 2 * PAD) for p in plans]
    return Chart("training phase", "phase",
                 [(x, y, p.created.date().isoformat(), str(p.phase))
                  for x, y, p in zip(xs, ys, plans, strict=True)])
