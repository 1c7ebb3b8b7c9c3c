"""The rules engine on real ScreenResults from the pipeline (synthetic poses, no video)."""

import pytest
from results_factory import PASSING, results_for

import synthetic
from movescreen.pipeline import analyse_pose
from movescreen.rules import AthleteFacts, load_rules, recommend


@pytest.fixture(scope="module")
def ruleset():
    return load_rules()


@pytest.fixture(scope="module")
def sls_pair():
    """A left-leg clip with 14 deg peak FPPA and a right-leg clip with 10 deg."""
    left = analyse_pose(synthetic.single_leg_squat(stance="left", fppa_max=14.0, drop_max=3.0,
                                                   period=5.0), "single-leg-squat")
    right = analyse_pose(synthetic.single_leg_squat(stance="right", fppa_max=10.0,
                                                    drop_max=3.0, period=5.0),
                         "single-leg-squat")
    return left, right


def others():
    return [r for r in results_for(PASSING) if r.test != "single-leg-squat"]


@pytest.mark.parametrize(("sex", "right_fires"), [("female", False), ("male", True),
                                                  ("unknown", False)])
def test_synthetic_valgus_by_sex(ruleset, sls_pair, sex, right_fires):
    """14 deg fails every cut-off (13/9/11); 10 deg fails only the male one (9)."""
    plan = recommend([*sls_pair, *others()], AthleteFacts(sex=sex, pain=0), ruleset)
    fired = {f.id: f for f in plan.fired}
    assert fired["sls-fppa/left"].values[0].value == pytest.approx(14.0, abs=0.5)
    assert ("sls-fppa/right" in fired) is right_fires
    assert plan.phase == 1
    assert "sls-asymmetry" not in fired  # 4 deg apart


def test_synthetic_merge_and_caveats(ruleset, sls_pair):
    plan = recommend(list(sls_pair), AthleteFacts(pain=0), ruleset)
    assert {tuple(i.sides) for i in plan.inputs} == {("left",), ("right",)}
    assert "no drop landing screen: phases 3-4 not assessed" in plan.caveats
    assert any("estimate" in c for c in plan.caveats)  # the screen's own notes are carried


def test_synthetic_shallow_clip_is_phase_0(ruleset):
    shallow = analyse_pose(synthetic.single_leg_squat(depth_px=20.0), "single-leg-squat")
    assert any(f.severity == "error" for f in shallow.quality)
    plan = recommend([shallow], AthleteFacts(pain=0), ruleset)
    assert plan.phase == 0
    assert plan.instructions[0].startswith("Re-record the single-leg squat")
    assert "No rep could be used" in plan.instructions[0]


@pytest.fixture(scope="module")
def landings():
    """Frontal single-leg hops (each leg its own clip) and a frontal drop landing, 12 deg
    peak landing FPPA."""
    hops = [analyse_pose(synthetic.jump_landing(single_leg=s, fppa_peak=12.0), "single-leg-hop")
            for s in ("left", "right")]
    drop = analyse_pose(synthetic.jump_landing(fppa_peak=12.0), "drop-landing")
    return hops, drop


def test_landing_screens_plug_in(ruleset, landings):
    hops, drop = landings
    sls = [r for r in results_for(PASSING) if r.test == "single-leg-squat"]
    plan = recommend([*sls, *hops, drop], AthleteFacts(sex="female", pain=0), ruleset)
    fired = {f.id: f for f in plan.fired}
    # 12 deg passes for women (single-leg landing <= 12, drop jump <= 13), not for men (9, 8)
    assert "hop-fppa/left" not in fired and "landing-fppa/left" not in fired
    male = recommend([*sls, *hops, drop], AthleteFacts(sex="male", pain=0), ruleset)
    fired = {f.id: f for f in male.fired}
    assert {"hop-fppa/left", "hop-fppa/right", "landing-fppa/left", "landing-fppa/right"} <= set(
        fired)
    assert fired["landing-fppa/left"].values[0].value == pytest.approx(12.0, abs=0.5)
    assert male.phase == 3
    # a frontal clip cannot give knee flexion at contact: not assessed, so no phase 4
    gaps = {n.id: n.missing for n in plan.not_assessed}
    assert gaps["landing-knee-flexion-ic/left"] == [
        "landing.left.knee_flexion_ic_deg: not measurable from this view"]
    assert plan.phase == 3


def test_side_view_hop_adds_knee_flexion(ruleset, landings):
    from movescreen.screens.common import Overrides
    hops, _ = landings
    side = analyse_pose(synthetic.jump_landing(single_leg="left", travel_px=300.0),
                        "single-leg-hop", Overrides(view="sagittal"), athlete_height_cm=180)
    plan = recommend([*hops, side], AthleteFacts(pain=0), ruleset)
    assert "hop-knee-flexion-ic/left" not in {n.id for n in plan.not_assessed}


def test_pelvic_drop_within_measurement_noise_does_not_fire(ruleset):
    """A median inside the clip's noise band is no evidence: the rule that would fire on the
    same number with a quiet clip stays silent, and the plan says why."""
    base = {**PASSING, "sls.left.pelvic_drop_deg": 6.0}
    loud = recommend(results_for(base), AthleteFacts(pain=0), ruleset)
    assert "sls-pelvic-drop/left" in {f.id for f in loud.fired}
    results = results_for(base)
    sls = next(r for r in results if r.test == "single-leg-squat")
    leg = sls.legs["left"]
    noisy = leg.metrics["pelvic_drop_deg"].model_copy(update={"noise": 6.5, "within_noise": True})
    sls_noisy = sls.model_copy(update={"legs": {**sls.legs, "left": leg.model_copy(
        update={"metrics": {**leg.metrics, "pelvic_drop_deg": noisy}})}})
    quiet = recommend([sls_noisy if r is sls else r for r in results], AthleteFacts(pain=0),
                      ruleset)
    assert "sls-pelvic-drop/left" not in {f.id for f in quiet.fired}
    assert quiet.phase >= loud.phase
