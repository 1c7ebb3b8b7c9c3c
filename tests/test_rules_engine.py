"""Table-driven tests of the default rules: every gate and exercise trigger, both legs."""

from typing import Any

import pytest
from results_factory import PASSING, SIDES, error_flag, results_for

from movescreen.rules import AthleteFacts, Plan, load_rules, recommend
from movescreen.rules.schema import Sex


@pytest.fixture(scope="module")
def ruleset():
    return load_rules()


def plan_for(ruleset, changes: dict[str, Any], sex: Sex = "unknown", pain: int | None = 0,
             **kw) -> Plan:
    facts = {k: kw.pop(k) for k in ("pain_sharp", "pain_persistent", "swelling") if k in kw}
    return recommend(results_for({**PASSING, **changes}, **kw),
                     AthleteFacts(sex=sex, pain=pain, **facts), ruleset)


def fired_ids(plan: Plan) -> set[str]:
    return {f.id for f in plan.fired}


def test_baseline_passes_every_gate(ruleset):
    plan = plan_for(ruleset, {})
    assert plan.phase == 4
    assert plan.phase_reasons == ["every gate passed"]
    assert not plan.fired and not plan.not_assessed and not plan.instructions
    assert [e.id for e in plan.exercises] == ["small-hops", "box-hops"]


# (rule, per-leg metric or None, failing value, phase, exercises prescribed for it)
PER_LEG = [
    ("sls-fppa", "sls.{side}.fppa_peak_deg", 11.5, 1,
     ["clamshell", "side-lying-leg-lift", "lateral-band-walk", "terminal-knee-extension"]),
    ("sls-pelvic-drop", "sls.{side}.pelvic_drop_deg", 5.5, 1,
     ["glute-bridge", "single-leg-glute-bridge", "side-lying-leg-lift", "lateral-band-walk"]),
    ("sls-trunk-lean", "sls.{side}.trunk_lean_deg", 10.5, 1,
     ["side-lying-leg-lift", "single-leg-stand"]),
    ("sls-balance", "sls.{side}.balance_lost_reps", 1, 1, ["single-leg-stand"]),
    ("sls-few-reps", "sls.{side}.reps_used", 4, 1, ["single-leg-stand", "bodyweight-squat"]),
    ("sls-depth", "sls.{side}.knee_flexion_est_deg", 55.0, 2,
     ["bodyweight-squat", "split-squat"]),
    ("sls-tempo-down", "sls.{side}.descent_s", 0.8, 2, ["split-squat", "step-up"]),
    ("sls-tempo-up", "sls.{side}.ascent_s", 0.8, 2, ["split-squat", "step-up"]),
    ("landing-knee-flexion-ic", "landing.{side}.knee_flexion_ic_deg", 25.0, 3,
     ["jump-squat", "small-hops"]),
    ("landing-stiff", "landing.{side}.knee_flexion_excursion_deg", 40.0, 3,
     ["jump-squat", "small-hops"]),
    ("landing-fppa", "landing.{side}.fppa_landing_peak_deg", 11.0, 3,
     ["small-hops", "lateral-lunge"]),
    ("hop-fppa", "hop.{side}.fppa_landing_peak_deg", 11.0, 3, ["small-hops", "lateral-lunge"]),
    ("hop-knee-flexion-ic", "hop.{side}.knee_flexion_ic_deg", 25.0, 3, ["small-hops"]),
    ("hop-tts", "hop.{side}.tts_video_s", 2.5, 3, ["small-hops"]),
]


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize(("rule", "metric", "value", "phase", "exercises"), PER_LEG,
                         ids=[r[0] for r in PER_LEG])
def test_per_leg_gate(ruleset, rule, metric, value, phase, exercises, side):
    other = "right" if side == "left" else "left"
    plan = plan_for(ruleset, {metric.format(side=side): value})
    assert plan.phase == phase
    assert fired_ids(plan) == {f"{rule}/{side}"}  # the other leg's rule does not fire
    assert f"{rule}/{other}" not in fired_ids(plan)
    assert [lim.rule for lim in plan.limiting] == [f"{rule}/{side}"]
    fired = plan.fired[0]
    assert fired.side == side and fired.gate
    assert any(v.name == metric.format(side=side) and v.value == value for v in fired.values)
    assert fired.retest and fired.sdd is not None
    by_id = {e.id: e for e in plan.exercises}
    for e in exercises:
        assert f"{rule}/{side}" in by_id[e].reasons
        assert side in by_id[e].sides
        assert by_id[e].earned_by and by_id[e].earned_by[0].startswith("re-test:")


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize(("rule", "metric", "value", "phase", "exercises"), PER_LEG,
                         ids=[r[0] for r in PER_LEG])
def test_per_leg_gate_passes_at_the_threshold(ruleset, rule, metric, value, phase, exercises,
                                              side):
    """The value just on the passing side of the threshold does not fire."""
    passing = {"sls-fppa": 11.0, "sls-pelvic-drop": 5.0, "sls-trunk-lean": 10.0,
               "sls-balance": 0, "sls-few-reps": 5, "sls-depth": 60.0, "sls-tempo-down": 1.0,
               "sls-tempo-up": 1.0,
               "landing-knee-flexion-ic": 30.0, "landing-stiff": 45.0, "landing-fppa": 10.5,
               "hop-fppa": 10.5, "hop-knee-flexion-ic": 30.0, "hop-tts": 2.0}[rule]
    plan = plan_for(ruleset, {metric.format(side=side): passing})
    assert plan.phase == 4 and not plan.fired


# bilateral gates: (rule, changes, phase, exercises)
BILATERAL = [
    ("sls-asymmetry", {"sls.left.fppa_peak_deg": 2.0, "sls.right.fppa_peak_deg": 10.5}, 2,
     ["step-up", "single-leg-rdl"]),
    ("sls-asymmetry", {"sls.left.fppa_peak_deg": 10.5, "sls.right.fppa_peak_deg": 2.0}, 2,
     ["step-up", "single-leg-rdl"]),
    ("hop-lsi", {"hop.lsi_hop_distance_pct": 85.0}, 3, ["lateral-lunge", "small-hops"]),
]


@pytest.mark.parametrize(("rule", "changes", "phase", "exercises"), BILATERAL)
def test_bilateral_gate(ruleset, rule, changes, phase, exercises):
    plan = plan_for(ruleset, changes)
    assert plan.phase == phase
    assert fired_ids(plan) == {rule}
    for e in exercises:
        assert rule in next(x for x in plan.exercises if x.id == e).reasons


# exercise triggers that do not gate: the phase stays 4
ADVICE = [
    ("squat-knees-in", {"squat.kasr_bottom": 0.9}, ["clamshell", "lateral-band-walk",
                                                   "bodyweight-squat"]),
    ("hop-lsi-jump", {"hop.lsi_jump_height_pct": 80.0}, ["small-hops"]),
]


@pytest.mark.parametrize(("rule", "changes", "exercises"), ADVICE)
def test_advice_trigger(ruleset, rule, changes, exercises):
    plan = plan_for(ruleset, changes)
    assert plan.phase == 4
    assert fired_ids(plan) == {rule}
    assert not plan.fired[0].gate
    for e in exercises:
        assert rule in next(x for x in plan.exercises if x.id == e).reasons


@pytest.mark.parametrize(("sex", "value", "fires"), [
    ("female", 13.0, False), ("female", 13.5, True), ("male", 9.0, False),
    ("male", 9.5, True), ("unknown", 11.0, False), ("unknown", 11.5, True)])
@pytest.mark.parametrize("side", SIDES)
def test_sls_fppa_threshold_by_sex(ruleset, sex, value, fires, side):
    plan = plan_for(ruleset, {f"sls.{side}.fppa_peak_deg": value}, sex=sex)
    assert (f"sls-fppa/{side}" in fired_ids(plan)) is fires
    if fires:
        t = plan.fired[0].thresholds[0]
        assert t.name == "threshold.sls_fppa" and t.value == {"female": 13.0, "male": 9.0,
                                                              "unknown": 11.0}[sex]
        assert "Herrington 2014" in (t.source or "") and sex in t.label


@pytest.mark.parametrize(("sex", "value", "fires"), [
    ("female", 13.0, False), ("female", 13.5, True), ("male", 8.0, False), ("male", 8.5, True)])
def test_landing_fppa_threshold_by_sex(ruleset, sex, value, fires):
    plan = plan_for(ruleset, {"landing.right.fppa_landing_peak_deg": value}, sex=sex)
    assert ("landing-fppa/right" in fired_ids(plan)) is fires


# ------------------------------------------------------------------ phase 0


@pytest.mark.parametrize("fact", ["pain_sharp", "pain_persistent", "swelling"])
def test_pain_flags_stop_whatever_the_metrics(ruleset, fact):
    plan = plan_for(ruleset, {}, **{fact: True})
    assert plan.phase == 0
    assert "pain-flags" in fired_ids(plan)
    assert plan.instructions[0].startswith("Stop and see a physical therapist")
    assert plan.exercises == []


@pytest.mark.parametrize(("pain", "phase"), [(0, 4), (3, 4), (4, 0), (10, 0)])
def test_pain_level(ruleset, pain, phase):
    plan = plan_for(ruleset, {"sls.left.fppa_peak_deg": 20.0}, pain=pain)
    assert plan.phase == min(phase, 1)
    assert ("pain-level" in fired_ids(plan)) is (phase == 0)


def test_pain_beats_unusable_and_failed_gates(ruleset):
    plan = plan_for(ruleset, {"sls.left.fppa_peak_deg": 20.0}, pain_sharp=True,
                    flags={"sls": [error_flag()]})
    assert plan.phase == 0
    assert plan.instructions[0].startswith("Stop and see a physical therapist")
    assert any(i.startswith("Re-record the single-leg squat") for i in plan.instructions)


def test_pain_not_reported_is_named(ruleset):
    plan = plan_for(ruleset, {}, pain=None)
    assert plan.phase == 4
    assert any(c.startswith("pain not reported") for c in plan.caveats)
    assert [n.id for n in plan.not_assessed] == ["pain-level"]


def test_unusable_sls_asks_to_re_record_with_the_flag(ruleset):
    plan = plan_for(ruleset, {}, flags={"sls": [error_flag()]})
    assert plan.phase == 0
    assert "sls-unusable" in fired_ids(plan)
    assert "film from the front" in plan.instructions[0]
    assert plan.exercises == []
    # its metrics are not assessed, never passed
    assert {n.id for n in plan.not_assessed} >= {"sls-fppa/left", "sls-fppa/right"}


@pytest.mark.parametrize("prefix", ["landing", "hop"])
def test_unusable_landing_or_hop_caps_at_3(ruleset, prefix):
    plan = plan_for(ruleset, {}, flags={prefix: [error_flag()]})
    assert plan.phase == 3
    assert f"{prefix}-unusable" in fired_ids(plan)
    assert any(i.startswith("Re-record the") and "film from the front" in i
               for i in plan.instructions)


def test_unusable_squat_is_advice_only(ruleset):
    plan = plan_for(ruleset, {}, flags={"squat": [error_flag()]})
    assert plan.phase == 4
    assert "squat-unusable" in fired_ids(plan)
    assert any(i.startswith("Re-record the squat") for i in plan.instructions)


# ------------------------------------------------------------------ missing screens


def test_no_sls_screen_caps_at_1_and_says_so(ruleset):
    plan = plan_for(ruleset, {}, omit=["sls"])
    assert plan.phase == 1
    assert "no single-leg squat screen: phases 1-2 not assessed" in plan.phase_reasons
    assert "no single-leg squat screen: phases 1-2 not assessed" in plan.caveats
    assert all(lim.status == "not assessed" for lim in plan.limiting)
    assert {e.id for e in plan.exercises} == {"glute-bridge", "single-leg-stand"}


@pytest.mark.parametrize(("omit", "label"), [(["landing"], "drop landing"),
                                             (["hop"], "single-leg hop")])
def test_no_landing_or_hop_screen_stops_at_3(ruleset, omit, label):
    plan = plan_for(ruleset, {}, omit=omit)
    assert plan.phase == 3
    assert f"no {label} screen: phases 3-4 not assessed" in plan.phase_reasons
    assert not plan.fired


def test_only_sls_passing_gives_3_not_4(ruleset):
    plan = plan_for(ruleset, {}, omit=["landing", "hop", "squat"])
    assert plan.phase == 3
    assert "no squat screen: its exercise triggers not assessed" in plan.caveats


def test_failed_gate_before_a_missing_screen_wins(ruleset):
    plan = plan_for(ruleset, {"sls.right.pelvic_drop_deg": 8.0}, omit=["landing", "hop"])
    assert plan.phase == 1
    assert [lim.rule for lim in plan.limiting] == ["sls-pelvic-drop/right"]


def test_null_metric_is_not_assessed_and_caps(ruleset):
    plan = plan_for(ruleset, {"landing.left.knee_flexion_ic_deg": None})
    assert plan.phase == 3
    missing = next(n for n in plan.not_assessed if n.id == "landing-knee-flexion-ic/left")
    assert missing.caps_phase
    assert missing.missing == ["landing.left.knee_flexion_ic_deg: not measurable from this view"]


def test_one_leg_recorded_other_leg_not_assessed(ruleset):
    results = [r for r in results_for(PASSING, split=["sls"]) if r.clip.file != "sls-right.mp4"]
    plan = recommend(results, AthleteFacts(pain=0), ruleset)
    assert plan.phase == 1
    gaps = {n.id: n.missing for n in plan.not_assessed}
    assert gaps["sls-fppa/right"] == [
        "sls.right.fppa_peak_deg: right leg not recorded in the single-leg squat screen"]
    assert "sls-fppa/left" not in gaps


# ------------------------------------------------------------------ merging


def test_left_and_right_clips_merge(ruleset):
    changes = {"sls.right.fppa_peak_deg": 12.0}  # > 11, and < 8 deg from the left leg
    merged = recommend(results_for({**PASSING, **changes}, split=["sls"]),
                       AthleteFacts(pain=0), ruleset)
    single = plan_for(ruleset, changes)
    assert merged.phase == single.phase == 1
    assert fired_ids(merged) == fired_ids(single) == {"sls-fppa/right"}
    assert len([i for i in merged.inputs if i.test == "single-leg-squat"]) == 2


def test_same_leg_twice_takes_more_used_reps_with_a_caveat(ruleset):
    from results_factory import screen
    rel = {k.split(".", 1)[1]: v for k, v in PASSING.items() if k.startswith("sls.")}
    good = screen("single-leg-squat", {**rel, "left.reps_used": 5}, name="good")
    worse = screen("single-leg-squat", {**rel, "left.reps_used": 3,
                                        "left.fppa_peak_deg": 20.0}, sides=["left"],
                   name="worse")
    others = [r for r in results_for(PASSING) if r.test != "single-leg-squat"]
    for order in ([good, worse], [worse, good]):
        plan = recommend([*order, *others], AthleteFacts(pain=0), ruleset)
        assert plan.phase == 4  # the 5-rep clip (FPPA 5) wins, not the 3-rep one (FPPA 20)
        assert any("2 clips have left-leg reps" in c and "used good.mp4" in c
                   for c in plan.caveats)


def test_metric_missing_in_one_clip_comes_from_the_other(ruleset):
    from results_factory import screen
    rel = {k.split(".", 1)[1]: v for k, v in PASSING.items() if k.startswith("landing.")}
    frontal = screen("drop-landing", {**rel, "left.knee_flexion_ic_deg": None,
                                      "right.knee_flexion_ic_deg": None}, name="frontal")
    side_on = screen("drop-landing", {**rel, "left.knee_flexion_ic_deg": 20.0,
                                      "left.reps_used": 2, "right.reps_used": 2},
                     name="sagittal")
    others = [r for r in results_for(PASSING) if r.test != "drop-landing"]
    plan = recommend([frontal, side_on, *others], AthleteFacts(pain=0), ruleset)
    assert fired_ids(plan) == {"landing-knee-flexion-ic/left"}
    assert any("knee_flexion_ic_deg taken from sagittal.mp4" in c for c in plan.caveats)


def test_unusable_clip_ignored_when_a_usable_clip_covers_the_leg(ruleset):
    from results_factory import screen
    rel = {k.split(".", 1)[1]: v for k, v in PASSING.items() if k.startswith("sls.")}
    bad = screen("single-leg-squat", rel, sides=["left"], flags=[error_flag()], name="bad")
    others = results_for(PASSING)
    plan = recommend([bad, *others], AthleteFacts(pain=0), ruleset)
    assert plan.phase == 4
    assert any("bad.mp4 is unusable" in c and "ignored" in c for c in plan.caveats)


def test_lsi_computed_from_split_hop_clips(ruleset):
    values = {k: v for k, v in PASSING.items() if not k.startswith("hop.lsi_")}
    values["hop.right.hop_distance_cm"] = 120.0  # 120 / 150 = 80%
    plan = recommend(results_for(values, split=["hop"]), AthleteFacts(pain=0), ruleset)
    assert fired_ids(plan) == {"hop-lsi"}
    assert plan.fired[0].values[0].value == pytest.approx(80.0)
    assert any("lsi_hop_distance_pct computed from the merged legs" in c for c in plan.caveats)


# ------------------------------------------------------------------ exercises


def test_exercises_deduplicated_and_ordered_by_priority(ruleset):
    plan = plan_for(ruleset, {"sls.left.fppa_peak_deg": 15.0, "sls.left.pelvic_drop_deg": 8.0,
                              "sls.right.pelvic_drop_deg": 8.0})
    ids = [e.id for e in plan.exercises]
    assert len(ids) == len(set(ids))
    assert ids[:4] == ["clamshell", "side-lying-leg-lift", "lateral-band-walk",
                       "terminal-knee-extension"]  # sls-fppa has the highest priority
    band = next(e for e in plan.exercises if e.id == "lateral-band-walk")
    assert band.reasons == ["sls-fppa/left", "sls-pelvic-drop/left", "sls-pelvic-drop/right"]
    assert band.sides == ["left", "right"]
    assert band.next == "lateral-lunge" and band.next_name
    assert band.dosage == "3 x 15 steps each way, or 1-2 min"


def test_later_phase_exercises_are_deferred(ruleset):
    plan = plan_for(ruleset, {"sls.left.fppa_peak_deg": 15.0,
                              "landing.left.knee_flexion_excursion_deg": 30.0})
    assert plan.phase == 1
    assert not {"jump-squat", "small-hops"} & {e.id for e in plan.exercises}
    deferred = {d.id: d for d in plan.deferred}
    assert deferred["jump-squat"].from_phase == 3
    assert deferred["jump-squat"].reasons == ["landing-stiff/left"]


def test_every_prescription_has_dosage_cues_frequency_and_next(ruleset):
    plan = plan_for(ruleset, {"sls.left.fppa_peak_deg": 15.0})
    for e in plan.exercises:
        assert e.sets and e.reps and e.frequency and e.earned_by and e.progress_when
        assert e.next is None or e.next in ruleset.exercises


def test_wording_never_says_injury_risk(ruleset):
    plan = plan_for(ruleset, {"sls.left.fppa_peak_deg": 15.0, "hop.lsi_hop_distance_pct": 70.0},
                    pain=None)
    assert "injury risk" not in plan.to_json().lower()


def test_asymmetry_is_the_known_non_monotonic_gate(ruleset):
    """Worsening the better leg's FPPA can remove the L-R asymmetry flag (documented)."""
    uneven = plan_for(ruleset, {"sls.left.fppa_peak_deg": 2.0, "sls.right.fppa_peak_deg": 10.5})
    even = plan_for(ruleset, {"sls.left.fppa_peak_deg": 10.5, "sls.right.fppa_peak_deg": 10.5})
    assert uneven.phase == 2 and fired_ids(uneven) == {"sls-asymmetry"}
    assert even.phase == 4


def test_tables_cover_every_default_rule(ruleset):
    """A default rule added without a row in the tables above fails here."""
    phase0 = {"pain-flags", "pain-level", "sls-unusable", "landing-unusable", "hop-unusable",
              "squat-unusable"}  # tested one by one above
    covered = {r[0] for r in PER_LEG} | {r[0] for r in BILATERAL} | {r[0] for r in ADVICE}
    assert {r.spec.id for r in ruleset.rules} == covered | phase0
