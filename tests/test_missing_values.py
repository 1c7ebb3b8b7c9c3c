"""A value that cannot be measured is None with a reason, never NaN: in results.json, in the
terminal summary, in the report and in the rules' values."""

import io
import json
import math
from dataclasses import replace

import numpy as np
import pytest
from rich.console import Console

from movescreen.landmarks import L_KNEE, R_KNEE
from movescreen.pipeline import analyse_pose
from movescreen.pose.sequence import PoseSequence
from movescreen.results import MetricSummary, Rep
from movescreen.rules.merge import Source, merge_screen
from movescreen.summary import print_summary
from synthetic import double_leg_squat, phase, single_leg_squat


def _hide_at_bottoms(seq: PoseSequence, landmarks: tuple[int, ...], reps: int,
                     period: float = 3.0, pause: float = 0.6) -> PoseSequence:
    """The knees unseen for 0.6 s around each deepest point: longer than the gap filling."""
    s = phase(seq.t, reps, period, pause)
    vis = seq.visibility.copy()
    vis[np.ix_(s > 0.97, list(landmarks))] = 0.0
    return replace(seq, visibility=vis)


def _no_nan(obj: object) -> None:
    if isinstance(obj, float):
        assert math.isfinite(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            _no_nan(v)
    elif isinstance(obj, list):
        for v in obj:
            _no_nan(v)


def _printed(result) -> str:
    buf = io.StringIO()
    print_summary(Console(file=buf, width=160, color_system=None), result)
    return buf.getvalue()


@pytest.mark.parametrize(("seq", "test", "side"), [
    (_hide_at_bottoms(single_leg_squat(stance="left"), (L_KNEE,), 5), "single-leg-squat",
     "left"),
    (_hide_at_bottoms(double_leg_squat(), (L_KNEE, R_KNEE), 4), "squat", "left"),
])
def test_fppa_at_an_unseen_bottom_is_none_with_a_reason(seq, test, side):
    r = analyse_pose(seq, test)
    assert r.legs[side].reps_used > 0
    for rep in r.reps:
        values = rep.metrics if test == "single-leg-squat" else rep.per_leg[side]
        assert values["fppa_bottom_deg"] is None
    m = r.legs[side].metrics["fppa_bottom_deg"]
    assert m.median is None and m.worst is None and m.reason
    _no_nan(r.model_dump())
    assert "NaN" not in r.to_json() and "nan" not in _printed(r).lower()
    merged = merge_screen(test, [Source("a", r)], list(r.legs[side].metrics))
    assert all(v is None or not isinstance(v, float) or math.isfinite(v)
               for v in merged.values.values())


def test_the_schema_turns_a_stray_nan_into_none():
    rep = Rep(index=1, leg="both", t_start=0.0, t_bottom=1.0, t_end=2.0,
              metrics={"kasr_bottom": float("nan")}, per_leg={"left": {"fppa_peak_deg": np.nan}})
    assert rep.metrics["kasr_bottom"] is None and rep.per_leg["left"]["fppa_peak_deg"] is None
    m = MetricSummary(label="x", unit="deg", median=float("nan"), worst=float("inf"),
                      worst_rep=1, worst_t=1.0, n_reps=1)
    assert m.median is None and m.worst is None and m.reason
    assert "NaN" not in json.dumps(m.model_dump())
