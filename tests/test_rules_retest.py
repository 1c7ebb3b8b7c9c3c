"""Re-tests: progression past the previous phase needs the limiting metric to pass and to
improve by more than its smallest detectable difference (SDD)."""

import pytest
from results_factory import PASSING, results_for

from movescreen.rules import AthleteFacts, Plan, load_rules, recommend
from movescreen.rules.plan import PLAN_SCHEMA_VERSION
from movescreen.rules.progression import improvement

FEMALE = AthleteFacts(sex="female", pain=0)


@pytest.fixture(scope="module")
def ruleset():
    return load_rules()


def plan(ruleset, changes, previous=None, athlete=FEMALE, **kw) -> Plan:
    return recommend(results_for({**PASSING, **changes}, **kw), athlete, ruleset,
                     previous=previous)


def test_improvement_direction():
    assert improvement(16.0, 7.0, "higher") == 9.0
    assert improvement(45.0, 62.0, "lower") == 17.0
    assert improvement(-6.0, 2.0, "abs") == 4.0
    assert improvement(7.0, 16.0, "higher") == -9.0


def test_pass_without_a_real_change_holds(ruleset):
    before = plan(ruleset, {"sls.left.fppa_peak_deg": 16.0})
    assert before.phase == 1 and before.limiting[0].value == 16.0
    after = plan(ruleset, {"sls.left.fppa_peak_deg": 12.0}, previous=before)  # passes (<= 13)
    assert after.progression is not None
    assert after.progression.computed_phase == 4
    assert after.progression.decision == "hold" and after.phase == 1
    assert any("not more than the smallest detectable difference" in r
               for r in after.progression.reasons)
    assert after.phase_reasons == after.progression.reasons
    # the baseline is kept, and the held rule's exercises continue
    assert [(lim.rule, lim.value) for lim in after.limiting] == [("sls-fppa/left", 16.0)]
    assert "sls-fppa/left" in next(e for e in after.exercises if e.id == "clamshell").reasons
    assert "baseline 16 deg" in next(e for e in after.exercises if e.id == "clamshell"
                                     ).earned_by[0]


def test_real_change_that_passes_progresses(ruleset):
    before = plan(ruleset, {"sls.left.fppa_peak_deg": 16.0})
    after = plan(ruleset, {"sls.left.fppa_peak_deg": 7.0}, previous=before)
    assert after.progression.decision == "progress"
    assert after.phase == 4
    assert any("improved by 9 deg, SDD 8 deg" in r and "now met" in r
               for r in after.progression.reasons)


def test_baseline_carries_through_a_held_plan(ruleset):
    first = plan(ruleset, {"sls.left.fppa_peak_deg": 16.0})
    held = plan(ruleset, {"sls.left.fppa_peak_deg": 12.0}, previous=first)
    assert held.phase == 1
    # 7.5 is only 4.5 better than 12, but 8.5 better than the baseline 16
    later = plan(ruleset, {"sls.left.fppa_peak_deg": 7.5}, previous=held)
    assert later.progression.decision == "progress" and later.phase == 4


def test_still_failing_stays(ruleset):
    before = plan(ruleset, {"sls.left.fppa_peak_deg": 16.0})
    after = plan(ruleset, {"sls.left.fppa_peak_deg": 14.0}, previous=before)
    assert after.phase == 1 and after.progression.decision == "same"


def test_getting_worse_regresses(ruleset):
    before = plan(ruleset, {"sls.right.knee_flexion_est_deg": 50.0})
    assert before.phase == 2
    after = plan(ruleset, {"sls.right.knee_flexion_est_deg": 50.0,
                           "sls.right.pelvic_drop_deg": 9.0}, previous=before)
    assert after.phase == 1 and after.progression.decision == "regress"


@pytest.mark.parametrize(("now", "decision"), [(62.0, "progress"), (58.0, "same")])
def test_lower_is_worse_metric(ruleset, now, decision):
    before = plan(ruleset, {"sls.right.knee_flexion_est_deg": 45.0})
    after = plan(ruleset, {"sls.right.knee_flexion_est_deg": now}, previous=before)
    assert after.progression.decision == decision


def test_lower_is_worse_metric_small_gain_holds(ruleset):
    before = plan(ruleset, {"sls.right.knee_flexion_est_deg": 55.0})
    after = plan(ruleset, {"sls.right.knee_flexion_est_deg": 62.0}, previous=before)
    assert after.progression.decision == "hold" and after.phase == 2  # 7 <= SDD 10


def test_count_metric_any_passing_improvement(ruleset):
    before = plan(ruleset, {"sls.left.balance_lost_reps": 2})
    after = plan(ruleset, {"sls.left.balance_lost_reps": 0}, previous=before)
    assert after.progression.decision == "progress"


def test_every_limit_must_earn_it(ruleset):
    before = plan(ruleset, {"sls.left.fppa_peak_deg": 16.0, "sls.right.pelvic_drop_deg": 6.0})
    assert {lim.rule for lim in before.limiting} == {"sls-fppa/left", "sls-pelvic-drop/right"}
    after = plan(ruleset, {"sls.left.fppa_peak_deg": 5.0, "sls.right.pelvic_drop_deg": 4.0},
                 previous=before)  # FPPA improved 11 (> 8); pelvic drop only 2 (<= 3)
    assert after.progression.decision == "hold"
    assert [lim.rule for lim in after.limiting] == ["sls-pelvic-drop/right"]


def test_from_pain_needs_no_sdd(ruleset):
    before = plan(ruleset, {}, athlete=AthleteFacts(sex="female", pain=7))
    assert before.phase == 0 and before.limiting[0].metric is None
    after = plan(ruleset, {}, previous=before)
    assert after.progression.decision == "progress" and after.phase == 4


def test_from_not_assessed_needs_no_sdd(ruleset):
    before = plan(ruleset, {}, omit=["landing"])
    assert before.phase == 3 and all(lim.status == "not assessed" for lim in before.limiting)
    after = plan(ruleset, {}, previous=before)
    assert after.phase == 4 and after.progression.decision == "progress"


def test_plan_json_round_trip(ruleset):
    p = plan(ruleset, {"sls.left.fppa_peak_deg": 16.0})
    again = Plan.from_json(p.to_json())
    assert again == p
    assert again.schema_version == PLAN_SCHEMA_VERSION


def _with_interval(results, metric: str, side: str, half: float):
    """The results with a 95% interval of +-``half`` around one per-leg median."""
    out = []
    for r in results:
        if r.test != "single-leg-squat":
            out.append(r)
            continue
        m = r.legs[side].metrics[metric]
        legs = dict(r.legs)
        legs[side] = r.legs[side].model_copy(update={"metrics": {
            **r.legs[side].metrics,
            metric: m.model_copy(update={"ci_low": m.median - half, "ci_high": m.median + half})}})
        out.append(r.model_copy(update={"legs": legs}))
    return out


@pytest.mark.parametrize(("half", "decision", "decider"), [
    (3.0, "progress", "the SDD decides"),  # own: hypot(3, 3) = 4.2 < SDD 8
    (7.0, "hold", "the own variability decides"),  # own: hypot(7, 7) = 9.9 > the 9 gained
])
def test_own_variability_can_decide_a_retest(ruleset, half, decision, decider):
    name = "sls.left.fppa_peak_deg"
    before = recommend(_with_interval(results_for({**PASSING, name: 16.0}), "fppa_peak_deg",
                                      "left", half), FEMALE, ruleset)
    assert before.limiting[0].spread == pytest.approx(half)
    after = recommend(_with_interval(results_for({**PASSING, name: 7.0}), "fppa_peak_deg",
                                     "left", half), FEMALE, ruleset, previous=before)
    assert after.progression is not None and after.progression.decision == decision
    reason = next(r for r in after.progression.reasons if r.startswith("sls-fppa/left"))
    assert decider in reason and "improved by 9 deg, SDD 8 deg" in reason
    if decision == "hold":
        assert "what the athlete's own rep-to-rep variability allows" in reason


def test_without_intervals_the_sdd_decides(ruleset):
    before = plan(ruleset, {"sls.left.fppa_peak_deg": 16.0})
    assert before.limiting[0].spread is None
    after = plan(ruleset, {"sls.left.fppa_peak_deg": 7.0}, previous=before)
    reason = next(r for r in after.progression.reasons if r.startswith("sls-fppa/left"))
    assert "own variability unknown; the SDD decides" in reason
