"""The history charts' coordinates, on rows of known values."""

from datetime import UTC, datetime

from movescreen.store.models import Metric, PlanRecord, ScreenSession
from movescreen.web.history import PAD, H, W, metric_charts, phase_chart


def _row(sid: int, date: str, metric: str, leg: str, median: float | None):
    return (ScreenSession(id=sid, athlete_id=1, test="squat", date=date),
            Metric(clip_id=sid, leg=leg, metric=metric, unit="deg", median=median,
                   worst=median, n_reps=3))


def test_each_metric_and_leg_is_a_series_in_date_order() -> None:
    rows = [_row(1, "2026-01-05", "fppa_peak_deg", "left", 10.0),
            _row(1, "2026-01-05", "fppa_peak_deg", "right", 4.0),
            _row(2, "2026-02-05", "fppa_peak_deg", "left", 6.0),
            _row(3, "2026-03-05", "fppa_peak_deg", "left", 8.0),
            _row(3, "2026-03-05", "depth_pct", "both", None)]  # no value: no point
    charts = {c.title: c for c in metric_charts(rows)}
    assert set(charts) == {"squat · fppa_peak_deg · left", "squat · fppa_peak_deg · right"}
    left = charts["squat · fppa_peak_deg · left"]
    assert [(x, y) for x, y, _, _ in left.points] == [
        (PAD, H - PAD - (H - 2 * PAD)),  # the largest value at the top
        (W / 2, H - PAD),  # the smallest at the bottom
        (W - PAD, H - PAD - 0.5 * (H - 2 * PAD))]
    assert [lbl for _, _, lbl, _ in left.points] == ["2026-01-05", "2026-02-05", "2026-03-05"]
    assert [v for *_, v in left.points] == ["10.0", "6.0", "8.0"]
    assert left.unit == "deg" and left.polyline.startswith(f"{PAD:.1f},{PAD:.1f} ")
    right = charts["squat · fppa_peak_deg · right"]
    assert [(x, y) for x, y, _, _ in right.points] == [(W / 2, H / 2)]  # one value: centred


def test_phase_chart_places_phases_0_to_4() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    plans = [PlanRecord(phase=p, created=when) for p in (0, 2, 4)]
    chart = phase_chart(plans)
    assert chart is not None
    assert [y for _, y, _, _ in chart.points] == [H - PAD, H / 2, PAD]
    assert phase_chart([]) is None


def test_elapsed_reads_naive_times_as_utc() -> None:
    from datetime import timedelta

    from movescreen.web.app import elapsed

    now = datetime.now(UTC)
    assert elapsed(None) == ""
    assert elapsed(now - timedelta(seconds=42)) in ("42 s", "43 s")
    assert elapsed((now - timedelta(minutes=5)).replace(tzinfo=None)) == "5 min"
