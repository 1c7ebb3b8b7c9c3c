"""The report without clips: plain-word findings, traffic lights, escaping, placeholders, CLI
errors (built from synthetic results, so no video or pose is needed)."""

from pathlib import Path

import pytest
import typer
from results_factory import PASSING, screen
from typer.testing import CliRunner

from movescreen.catalog import load_catalog
from movescreen.report.cli import report_command
from movescreen.report.html import attach_images, render_html
from movescreen.report.model import build_report, findings
from movescreen.rules import load_rules, recommend
from movescreen.rules.athlete import AthleteFacts
from movescreen.rules.limits import load_limits

SLS = {k.split(".", 1)[1]: v for k, v in PASSING.items() if k.startswith("sls.")}

app = typer.Typer()
app.command("report")(report_command)


@app.command("version")  # a second command, so that `report` is a subcommand as in the CLI
def _version() -> None:
    pass


def _sls(**changes: float):
    return screen("single-leg-squat", {**SLS, **{k.replace("__", "."): v
                                                 for k, v in changes.items()}}, name="sls")


def _page(results, plan=None, **kw) -> str:
    view = build_report([(Path("/nonexistent") / "results.json", r) for r in results], plan,
                        **kw)
    attach_images(view)
    return render_html(view)


def test_finding_in_plain_words_with_the_sex_specific_norm(tmp_path):
    r = _sls(left__fppa_peak_deg=16.0)
    catalog = load_catalog()
    [f] = findings(r, load_limits(None, "female"), catalog)
    assert f.text == ("Left knee moves inside the foot at the bottom of the single-leg squat: "
                      "16°, normal up to 13°")
    assert f.light == "red"
    assert findings(r, load_limits(None, "male"), catalog)[0].text.endswith("normal up to 9°")
    assert findings(_sls(left__fppa_peak_deg=12.0), load_limits(None, "female"), catalog) == []


def test_traffic_lights_and_approximate_view():
    r = _sls(left__fppa_peak_deg=16.0, right__pelvic_drop_deg=2.0)
    view = build_report([(Path("r.json"), r)])
    rows = {row.name: row for row in view.screens[0].metrics}
    assert rows["fppa_peak_deg"].cells["left"].light == "red"
    assert rows["fppa_peak_deg"].cells["right"].light == "green"
    assert rows["fppa_peak_deg"].asymmetric  # 16 vs 5: more than the 8° SDD apart
    oblique = r.model_copy(update={"view": r.view.model_copy(
        update={"untrusted_metrics": ["fppa_peak_deg"]})})
    rows = {row.name: row for row in build_report([(Path("r.json"), oblique)]).screens[0].metrics}
    assert rows["fppa_peak_deg"].cells["left"].light == "amber"


def test_page_escapes_user_text_and_keeps_the_wording_rule():
    r = _sls(left__fppa_peak_deg=16.0, left__pelvic_drop_deg=7.0)
    plan = recommend([r], AthleteFacts(sex="female"), load_rules(None))
    html = _page([r], plan, athlete_name="<script>alert(1)</script>", notes="<b>sore</b> & ok")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;sore&lt;/b&gt; &amp; ok" in html
    assert "<script" not in html.lower()  # the page itself runs no script
    assert "injury" not in html.lower()
    assert "movement-quality target not met" in html
    assert f"Phase {plan.phase}" in html and plan.phase_name in html
    assert "16°" in html and "normal up to 13°" in html
    for e in plan.exercises:
        assert e.dosage in html


def test_missing_clip_and_pose_give_placeholders_not_errors():
    html = _page([_sls(left__fppa_peak_deg=16.0)])
    assert "No picture:" in html and "pose.npz not found" in html
    assert "<img" not in html  # nothing to draw, and no broken image either


def test_previous_sessions_add_a_trend_plot():
    old = _sls(left__fppa_peak_deg=20.0).model_copy(update={"created": "2024-06-01T10:00:00"})
    html = _page([_sls(left__fppa_peak_deg=16.0)], previous=[old])
    assert 'id="trends"' in html and 'alt="Key metrics over the sessions"' in html
    assert 'id="trends"' not in _page([_sls()])


def test_cli_errors_are_one_actionable_sentence(tmp_path):
    runner = CliRunner(env={"COLUMNS": "250"})
    res = runner.invoke(app, ["report", str(tmp_path)])
    assert res.exit_code == 1 and "no results.json in this folder" in res.output
    (tmp_path / "results.json").write_text(_sls().to_json())
    (tmp_path / "plan.json").write_text("{}")
    res = runner.invoke(app, ["report", str(tmp_path), "--no-pdf"])
    assert res.exit_code == 1 and "not a movescreen plan.json" in res.output
    (tmp_path / "plan.json").unlink()
    res = runner.invoke(app, ["report", str(tmp_path), "--no-pdf", "--athlete-name", "A"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "report.html").is_file() and not (tmp_path / "report.pdf").exists()
    assert not list(tmp_path.glob(".*.part"))  # atomic writes leave nothing behind


def test_pelvic_drop_within_measurement_noise_is_no_finding():
    r = _sls(left__pelvic_drop_deg=6.0)
    leg = r.legs["left"]
    noisy = leg.metrics["pelvic_drop_deg"].model_copy(update={"noise": 6.5,
                                                              "within_noise": True})
    r_noisy = r.model_copy(update={"legs": {**r.legs, "left": leg.model_copy(
        update={"metrics": {**leg.metrics, "pelvic_drop_deg": noisy}})}})
    catalog = load_catalog()
    assert [f.text for f in findings(r, load_limits(None, "female"), catalog)] == [
        "Pelvis drops on the free-leg side when standing on the left leg: 6°, normal up to 5°"]
    assert findings(r_noisy, load_limits(None, "female"), catalog) == []
    rows = {row.name: row for row in build_report([(Path("r.json"), r_noisy)]).screens[0].metrics}
    cell = rows["pelvic_drop_deg"].cells["left"]
    assert cell.light == "grey" and cell.why == "within measurement noise (±6°)"


def test_ratings_and_intervals_are_shown_next_to_the_numbers():
    r = _sls(left__fppa_peak_deg=14.0, left__knee_over_foot=0.02)
    legs = dict(r.legs)
    m = legs["left"].metrics["fppa_peak_deg"]
    legs["left"] = legs["left"].model_copy(update={"metrics": {
        **legs["left"].metrics, "fppa_peak_deg": m.model_copy(update={
            "ci_low": 11.0, "ci_high": 17.0, "sd": 2.5, "noise": 0.8, "sem_published": 3.0})}})
    page = _page([r.model_copy(update={"legs": legs})])
    assert "95% 11°–17°, SD 2°, noise 1°, SEM 3°" in page  # under the left median
    assert "Crossley single-leg squat rating" in page
    assert "poor: knee angle +14° (FPPA, + = inward)" in page
    assert "fair: knee +0.02 leg lengths from the 2nd toe" not in page  # poor decides
    assert "Left leg over 5 reps: poor (knee joint poor)" in page
    landing = screen("drop-landing", {"left.knee_over_foot_ic": 0.05,
                                      "right.knee_over_foot_ic": -0.02}, name="landing")
    page = _page([landing])
    assert "Landing Error Scoring System (LESS)" in page
    assert "1 error point(s) in the 1 of 17 items scored" in page
    assert "Not scored (16 of 17)" in page


@pytest.mark.parametrize("stance", ["left", "right"])
def test_the_pelvis_panel_plots_the_curve_the_pelvic_drop_is_read_from(stance):
    """The report's pelvis curve peaks, in each rep, at the rep's pelvic drop: the single-leg
    squat reads the drop from the pelvis angle's slow part, and the panel draws that part."""
    import numpy as np

    from movescreen.pipeline import CONDITIONING, analyse_pose
    from movescreen.report.plots import panel_series
    from movescreen.screens.common import Overrides, prepare
    from synthetic import single_leg_squat

    seq = single_leg_squat(stance=stance)
    r = analyse_pose(seq, "single-leg-squat")
    p = prepare(seq, Overrides(), CONDITIONING["single-leg-squat"])
    curve = panel_series("single-leg-squat", p.k, p.standing.frames, "pelvis", stance)
    used = [rep for rep in r.reps if not rep.excluded]
    assert used
    for rep in used:
        window = (p.k.t >= rep.t_start) & (p.k.t <= rep.t_end)
        assert np.nanmax(curve[window]) == pytest.approx(rep.metrics["pelvic_drop_deg"],
                                                         abs=1e-9)
