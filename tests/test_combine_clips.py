"""Several clips of one screen: an unusable clip does not poison the others, and each metric
uses the clips whose view supports it."""

import pytest

from movescreen.combine import combine
from movescreen.pipeline import analyse_pose
from movescreen.results import ScreenResult
from movescreen.rules.athlete import AthleteFacts
from movescreen.rules.loader import load_rules
from movescreen.rules.planner import recommend
from synthetic import single_leg_squat


def _named(r: ScreenResult, name: str) -> ScreenResult:
    return r.model_copy(update={"clip": r.clip.model_copy(update={"file": name})})


@pytest.fixture(scope="module")
def three_clips() -> list[ScreenResult]:
    """A left-leg and a right-leg clip, and a right-leg retake too shallow to use."""
    left = _named(analyse_pose(single_leg_squat(stance="left"), "single-leg-squat"), "left.mp4")
    right = _named(analyse_pose(single_leg_squat(stance="right", fppa_max=6.0),
                                "single-leg-squat"), "right.mp4")
    shallow = _named(analyse_pose(single_leg_squat(stance="right", depth_px=20.0),
                                  "single-leg-squat"), "retake.mp4")
    assert any(f.severity == "error" for f in shallow.quality)
    return [left, right, shallow]


def test_an_unusable_clip_is_reported_per_clip_and_not_as_an_error(three_clips):
    both = combine(three_clips)
    assert [(c.clip, c.view.view, c.usable) for c in both.clip_views] == [
        ("left.mp4", "frontal", True), ("right.mp4", "frontal", True),
        ("retake.mp4", "frontal", False)]
    assert both.clip_views[2].problems and not both.clip_views[0].problems
    assert not [f for f in both.quality if f.severity == "error"]
    assert any(f.message.startswith("retake.mp4") for f in both.quality)
    retake = [rep for rep in both.reps if rep.clip == "retake.mp4"]
    assert retake and all(rep.excluded for rep in retake)
    assert both.legs["right"].reps_used == 5
    assert both.legs["right"].metrics["fppa_peak_deg"].median == pytest.approx(6.0, abs=0.3)
    assert both.legs["left"].metrics["fppa_peak_deg"].median == pytest.approx(14.0, abs=0.3)


def test_the_plan_uses_the_good_clips_and_says_which_clip_was_ignored(three_clips):
    plan = recommend([combine(three_clips)], AthleteFacts(sex="female"), load_rules())
    assert plan.phase == 1  # the left knee's 14 deg valgus, not "re-record" (phase 0)
    assert any(f.id == "sls-fppa/left" for f in plan.fired)
    assert not any(f.id == "sls-fppa/right" for f in plan.fired)
    assert any("retake.mp4" in c and "ignored" in c for c in plan.caveats)


def test_a_clip_that_alone_covers_a_leg_still_asks_for_a_re_record(three_clips):
    left, _, shallow = three_clips
    plan = recommend([combine([left, shallow])], AthleteFacts(), load_rules())
    assert plan.phase == 0 and any("retake.mp4" in i or "Re-record" in i
                                   for i in plan.instructions)


def test_every_clip_keeps_its_view_and_each_metric_uses_the_clips_that_support_it():
    frontal = _named(analyse_pose(single_leg_squat(stance="left", fppa_max=14.0),
                                  "single-leg-squat"), "front.mp4")
    turned = _named(analyse_pose(single_leg_squat(stance="left", fppa_max=24.0),
                                 "single-leg-squat"), "turned.mp4")
    turned = turned.model_copy(update={"view": turned.view.model_copy(update={
        "view": "oblique", "untrusted_metrics": ["fppa_peak_deg"]})})
    both = combine([turned, frontal])
    assert [(c.clip, c.view.view) for c in both.clip_views] == [("turned.mp4", "oblique"),
                                                                ("front.mp4", "frontal")]
    assert both.legs["left"].metrics["fppa_peak_deg"].median == pytest.approx(14.0, abs=0.3)
    assert both.legs["left"].metrics["fppa_peak_deg"].n_reps == 5
    assert "fppa_peak_deg" not in both.view.untrusted_metrics
    # a metric no frontal clip has falls back to the oblique clip, and stays untrusted
    alone = combine([turned, turned.model_copy(update={"clip": turned.clip.model_copy(
        update={"file": "turned2.mp4"})})])
    assert "fppa_peak_deg" in alone.view.untrusted_metrics
    assert alone.legs["left"].metrics["fppa_peak_deg"].median == pytest.approx(24.0, abs=0.3)


def test_a_combined_result_round_trips_and_old_files_still_load(three_clips):
    both = combine(three_clips)
    assert ScreenResult.from_json(both.to_json()) == both
    old = three_clips[0].model_dump(mode="json")
    old.pop("clip_views", None)
    assert ScreenResult.model_validate(old).clip_views == []


def test_the_terminal_and_the_report_say_which_clip_was_not_used(three_clips, tmp_path):
    import io

    from rich.console import Console

    from movescreen.report.html import report_html
    from movescreen.summary import print_summary

    both = combine(three_clips)
    buf = io.StringIO()
    print_summary(Console(file=buf, width=160, color_system=None), both)
    text = buf.getvalue()
    assert "Clip left.mp4: frontal view · used" in text
    assert "Clip retake.mp4: frontal view · not used" in text
    html = report_html([(tmp_path / "results.json", both)])  # no clips on disk: no stills
    assert "<b>retake.mp4:</b> frontal view; not used" in html
