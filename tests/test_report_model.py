"""The report without clips: plain-word findings, traffic lights, escaping, placeholders, CLI
errors (built from synthetic results, so no video or pose is needed)."""

from pathlib import Path

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
