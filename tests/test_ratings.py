"""Crossley 2011 and LESS-style ratings: exact grades at the thresholds, reasons, monotonicity."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from results_factory import screen

from movescreen.ratings import rate
from movescreen.ratings.crossley import CRITERIA, rate_leg
from movescreen.ratings.grades import ORDER
from movescreen.ratings.less import score
from movescreen.ratings.thresholds import packaged_thresholds
from movescreen.rules import load_rules

T = packaged_thresholds()
GOOD = {"fppa_peak_deg": 4.0, "fppa_change_deg": 4.0, "pelvic_drop_deg": 1.0,
        "trunk_lean_deg": 2.0, "knee_over_foot": -0.02, "knee_flexion_est_deg": 65.0,
        "depth_pct": 20.0, "tempo_s": 2.0}
# per metric: the direction in which it gets worse, and a range crossing every threshold
CROSSLEY_RANGES = {"fppa_peak_deg": ("higher", -5.0, 25.0),
                   "fppa_change_deg": ("higher", -5.0, 25.0),
                   "pelvic_drop_deg": ("higher", -2.0, 10.0),
                   "trunk_lean_deg": ("higher", -5.0, 15.0),
                   "knee_over_foot": ("higher", -0.1, 0.15),
                   "knee_flexion_est_deg": ("lower", 20.0, 90.0),
                   "depth_pct": ("lower", 5.0, 30.0), "tempo_s": ("lower", 0.3, 3.0)}
LESS_RANGES = {"knee_over_foot_ic": ("higher", -0.2, 0.2),
               "trunk_lean_ic_deg": ("abs", -20.0, 20.0),
               "fppa_landing_peak_deg": ("higher", -5.0, 25.0),
               "knee_flexion_ic_deg": ("lower", 5.0, 50.0),
               "knee_flexion_excursion_deg": ("lower", 20.0, 90.0)}


def test_thresholds_are_the_rules_files():
    rules = load_rules()
    assert {k: v for k, v in rules.thresholds_for("unknown").items() if k in T} == T
    assert packaged_thresholds("female")["crossley_knee_fppa_poor"] == 13.0
    assert packaged_thresholds("male")["crossley_knee_fppa_poor"] == 9.0


def test_all_good():
    r = rate_leg(GOOD, 0, 5, T)
    assert r.overall == "good" and list(r.criteria) == list(CRITERIA)
    assert all(c.rating == "good" and c.reasons for c in r.criteria.values())


@pytest.mark.parametrize(("metric", "value", "criterion", "grade"), [
    ("fppa_peak_deg", 7.0, "knee_joint", "good"), ("fppa_peak_deg", 7.1, "knee_joint", "fair"),
    ("fppa_peak_deg", 11.0, "knee_joint", "fair"), ("fppa_peak_deg", 11.1, "knee_joint", "poor"),
    ("knee_over_foot", 0.01, "knee_joint", "fair"), ("knee_over_foot", 0.06, "knee_joint", "poor"),
    ("knee_flexion_est_deg", 59.0, "knee_joint", "fair"),
    ("knee_flexion_est_deg", 44.0, "knee_joint", "poor"),
    ("pelvic_drop_deg", 3.0, "pelvis_in_space", "good"),
    ("pelvic_drop_deg", 4.0, "pelvis_in_space", "fair"),
    ("pelvic_drop_deg", 5.5, "pelvis_in_space", "poor"),
    ("trunk_lean_deg", 6.0, "trunk_posture", "fair"),
    ("trunk_lean_deg", 10.5, "trunk_posture", "poor"),
    ("fppa_change_deg", 9.0, "hip_joint", "fair"), ("fppa_change_deg", 14.0, "hip_joint", "poor"),
    ("tempo_s", 1.2, "overall_impression", "fair"),
    ("tempo_s", 0.8, "overall_impression", "poor"),
])
def test_grade_at_the_thresholds(metric, value, criterion, grade):
    r = rate_leg({**GOOD, metric: value}, 0, 5, T)
    assert r.criteria[criterion].rating == grade
    others = [c.rating for k, c in r.criteria.items() if k != criterion]
    assert others == ["good"] * 4
    assert r.overall == grade
    assert any(line.startswith(f"{grade}:") for line in r.criteria[criterion].reasons)


@pytest.mark.parametrize(("lost", "grade"), [(0, "good"), (1, "fair"), (2, "poor"), (4, "poor")])
def test_balance_losses(lost, grade):
    c = rate_leg(GOOD, lost, 5, T).criteria["overall_impression"]
    assert c.rating == grade and f"in {lost} of 5 reps" in c.reasons[0]


def test_missing_metrics_are_said_and_depth_falls_back_to_hip_drop():
    values = {**GOOD, "knee_flexion_est_deg": None, "depth_pct": 8.0, "trunk_lean_deg": None}
    r = rate_leg(values, None, 5, T, {"trunk_lean_deg": "not measurable from this view"})
    assert r.criteria["knee_joint"].rating == "poor"
    assert any("hip drop 8%" in x for x in r.criteria["knee_joint"].reasons)
    trunk = r.criteria["trunk_posture"]
    assert trunk.rating is None
    assert "trunk lean: not measurable from this view" in trunk.reasons
    assert "balance: not judged" in r.criteria["overall_impression"].reasons


def test_no_usable_rep_is_not_rated():
    r = rate_leg(GOOD, 0, 0, T)
    assert r.overall is None
    assert all(c.rating is None and c.reasons == ["no usable rep on this leg"]
               for c in r.criteria.values())


def _worse(worse: str, v: float, step: float) -> float:
    if worse == "higher":
        return v + step
    if worse == "lower":
        return v - step
    return v + step if v >= 0 else v - step  # abs: further from zero


@settings(max_examples=300, deadline=None)
@given(data=st.data(), lost=st.integers(0, 5))
def test_crossley_worsening_never_improves_a_criterion(data, lost):
    values = {m: data.draw(st.none() | st.floats(lo, hi), label=m)
              for m, (_, lo, hi) in CROSSLEY_RANGES.items()}
    metric = data.draw(st.sampled_from([*CROSSLEY_RANGES, "balance"]), label="worsen")
    step = data.draw(st.floats(0.0, 20.0), label="step")
    before = rate_leg(values, lost, 5, T)
    if metric == "balance":
        after = rate_leg(values, lost + max(1, int(step)), 5, T)
    else:
        if values[metric] is None:
            return
        worse = {**values, metric: _worse(CROSSLEY_RANGES[metric][0], values[metric], step)}
        after = rate_leg(worse, lost, 5, T)
    for key in CRITERIA:
        b, a = before.criteria[key].rating, after.criteria[key].rating
        assert (b is None) == (a is None)
        if b is not None:
            assert ORDER[a] >= ORDER[b], (key, metric, b, a)  # type: ignore[index]
    if before.overall is not None:
        assert ORDER[after.overall] >= ORDER[before.overall]  # type: ignore[index]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), view=st.sampled_from(["frontal", "sagittal"]),
       single=st.booleans())
def test_less_worsening_never_lowers_the_errors(data, view, single):
    def leg(name: str) -> dict:
        return {m: data.draw(st.none() | st.floats(lo, hi), label=f"{name}.{m}")
                for m, (_, lo, hi) in LESS_RANGES.items()}

    legs = [("left", leg("left"), {})] + ([] if single else [("right", leg("right"), {})])
    metric = data.draw(st.sampled_from(list(LESS_RANGES)), label="worsen")
    step = data.draw(st.floats(0.0, 30.0), label="step")
    before = score(legs, view, single, T)
    name, vals, why = legs[0]
    if vals[metric] is None:
        return
    worse = {**vals, metric: _worse(LESS_RANGES[metric][0], vals[metric], step)}
    after = score([(name, worse, why), *legs[1:]], view, single, T)
    for b, a in zip(before.items, after.items, strict=True):
        assert (b.points is None) == (a.points is None)
        if b.points is not None:
            assert a.points >= b.points, (b.key, metric)  # type: ignore[operator]
    assert after.errors_scored >= before.errors_scored


LANDING_GOOD = {"fppa_landing_peak_deg": 5.0, "knee_over_foot_ic": -0.05,
                "knee_flexion_ic_deg": 35.0, "knee_flexion_excursion_deg": 65.0}


def test_less_items_from_a_drop_landing():
    r = screen("drop-landing", {f"{s}.{k}": v for s in ("left", "right")
                                for k, v in LANDING_GOOD.items()}
               | {"right.knee_over_foot_ic": 0.05, "left.knee_flexion_excursion_deg": 50.0})
    s = rate(r).less["both"]  # type: ignore[union-attr]
    points = {i.key: i.points for i in s.items}
    assert points["knee_valgus_ic"] == 1  # the right knee is inside the toe
    assert points["knee_valgus_displacement"] == 0 and points["knee_flexion_ic"] == 0
    assert points["knee_flexion_displacement"] == 0
    assert points["joint_displacement"] == 1  # 50 deg: average
    assert points["overall_impression"] is None and points["stance_wide"] is None
    assert s.n_items == 17 and s.n_scored == 5 and s.errors_scored == 2
    assert s.total is None and s.band is None  # 12 unscored items could add up to 14
    assert "5 of 17 items" in s.summary and "at least 14" in s.summary
    reasons = {i.key: i.reason for i in s.items}
    assert "right: knee 0.05 leg lengths inside" in reasons["knee_valgus_ic"]
    assert reasons["stance_wide"] == "not measured by the landing screen"


def test_less_band_only_when_the_unscored_items_cannot_change_it():
    legs = [("left", {"knee_over_foot_ic": 0.1, "trunk_lean_ic_deg": 15.0,
                      "fppa_landing_peak_deg": 20.0, "knee_flexion_ic_deg": 10.0,
                      "knee_flexion_excursion_deg": 30.0}, {})]
    s = score(legs, "frontal", True, T)
    assert s.errors_scored == 1 + 1 + 1 + 1 + 1 + 2  # every scored item at its worst
    assert s.total is None and s.band == "poor" and "whatever the unscored" in s.summary
    full = {**T, "less_min_items": 6}
    assert score(legs, "frontal", True, full).total == 7


def test_single_leg_hop_is_scored_per_leg_without_bilateral_items():
    r = screen("single-leg-hop", {f"left.{k}": v for k, v in LANDING_GOOD.items()},
               sides=["left"])
    ratings = rate(r)
    assert ratings is not None and list(ratings.less) == ["left"]
    keys = {i.key for i in ratings.less["left"].items}
    assert ratings.less["left"].n_items == 14
    assert not keys & {"stance_wide", "stance_narrow", "asymmetric_contact"}


def test_squat_has_no_rating():
    assert rate(screen("squat", {"left.fppa_peak_deg": 3.0})) is None


def test_rules_can_use_the_crossley_rating(tmp_path):
    from results_factory import PASSING, results_for

    from movescreen.rules import AthleteFacts, recommend

    clinic = tmp_path / "clinic.toml"
    clinic.write_text('[[rules]]\nid = "sls-crossley-knee"\nenabled = true\n')
    rules = load_rules(clinic)
    inside = recommend(results_for({**PASSING, "sls.left.knee_over_foot": 0.06}),
                       AthleteFacts(pain=0), rules)
    assert inside.phase == 1 and {f.id for f in inside.fired} == {"sls-crossley-knee/left"}
    # the rating is redone with the athlete's sex: FPPA 12 is poor for unknown sex (> 11),
    # only fair for a woman (<= 13)
    fppa = results_for({**PASSING, "sls.right.fppa_peak_deg": 12.0})
    unknown = recommend(fppa, AthleteFacts(pain=0), rules)
    female = recommend(fppa, AthleteFacts(sex="female", pain=0), rules)
    assert "sls-crossley-knee/right" in {f.id for f in unknown.fired}
    assert female.phase == 4 and not female.fired
    assert load_rules().leaves["landing.less.band"].kind == "text"


def test_session_rerates_with_the_athletes_sex():
    from movescreen.rules import AthleteFacts
    from movescreen.service import rerate

    r = screen("single-leg-squat", {"left.fppa_peak_deg": 12.0})
    assert r.ratings.crossley["left"].criteria["knee_joint"].rating == "poor"  # type: ignore[union-attr]
    again = rerate(r, AthleteFacts(sex="female"), None)
    assert again.ratings.crossley["left"].criteria["knee_joint"].rating == "fair"  # type: ignore[union-attr]
    assert again.ratings.thresholds_source == "rules in force, sex female"  # type: ignore[union-attr]


def test_mirror_swaps_the_legs_and_keeps_the_grades():
    from movescreen.pipeline import analyse_pose
    from synthetic import single_leg_squat

    a = analyse_pose(single_leg_squat(stance="left"), "single-leg-squat").ratings
    b = analyse_pose(single_leg_squat(stance="right"), "single-leg-squat").ratings
    assert a is not None and b is not None
    assert a.crossley["left"] == b.crossley["right"]
    assert a.crossley["right"].overall is None and b.crossley["left"].overall is None
    # FPPA 14 (> 11): knee poor; pelvic drop 6 (> 5): pelvis poor; trunk lean 8: fair
    grades = {k: c.rating for k, c in a.crossley["left"].criteria.items()}
    assert grades["knee_joint"] == "poor" and grades["pelvis_in_space"] == "poor"
    assert grades["trunk_posture"] == "fair"
