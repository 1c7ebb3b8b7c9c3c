"""One source for every threshold: the rules in force (defaults or a clinic's --rules) and the
athlete's sex decide the plan, the report's traffic lights and the terminal's status alike."""

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from movescreen import service
from movescreen.catalog import load_catalog
from movescreen.cli import app
from movescreen.outputs import write_outputs
from movescreen.pipeline import Analysis, analyse_pose
from movescreen.report.model import build_report
from movescreen.rules.athlete import AthleteFacts
from movescreen.rules.limits import load_limits
from movescreen.rules.loader import load_rules
from movescreen.rules.planner import recommend
from movescreen.summary import print_summary
from synthetic import single_leg_squat

FPPA = 12.0  # between the male (9) and female (13) single-leg squat limits, above unknown (11)
CLINIC = """
[thresholds.sls_fppa]
female = 16.0
male = 16.0
unknown = 16.0
"""
LABEL = "Knee FPPA, peak"


@pytest.fixture(scope="module")
def seq():
    return single_leg_squat(stance="left", fppa_max=FPPA)


@pytest.fixture(scope="module")
def result(seq):
    r = analyse_pose(seq, "single-leg-squat")
    assert r.legs["left"].metrics["fppa_peak_deg"].median == pytest.approx(FPPA, abs=0.3)
    return r


@pytest.fixture()
def clinic(tmp_path) -> Path:
    path = tmp_path / "clinic.toml"
    path.write_text(CLINIC, encoding="utf-8")
    return path


def _status(text: str) -> str:
    """The status cell of the left leg's peak-FPPA row in a printed summary."""
    row = next(line for line in text.splitlines() if LABEL in line and "°" in line)
    return "not met" if "target not met" in row else "ok" if " ok" in row else "none"


def _printed(result, limits=None) -> str:
    buf = io.StringIO()
    print_summary(Console(file=buf, width=200, color_system=None), result, limits)
    return buf.getvalue()


def _light(result, limits) -> str:
    view = build_report([(Path("results.json"), result)], limits=limits)
    row = next(r for r in view.screens[0].metrics if r.name == "fppa_peak_deg")
    return row.cells["left"].light


def test_every_threshold_the_catalogue_names_is_a_rules_threshold():
    thresholds = load_rules().thresholds
    for d in load_catalog().values():
        for _, name in d.thresholds:
            assert name in thresholds, (d.name, name)
        assert not (d.thresholds and d.limit is not None), d.name
        assert (d.flag is None) == (not d.thresholds and d.limit is None), d.name


@pytest.mark.parametrize(("sex", "expected"), [("female", "ok"), ("male", "not met"),
                                               ("unknown", "not met")])
def test_sex_changes_the_terminal_status_and_the_report_light(result, sex, expected):
    limits = load_limits(None, sex)
    assert _status(_printed(result, limits)) == expected
    assert _light(result, limits) == ("green" if expected == "ok" else "red")


def test_a_clinic_threshold_changes_the_plan_the_report_and_the_terminal(result, clinic):
    for sex in ("male", "unknown"):
        default, own = load_limits(None, sex), load_limits(clinic, sex)
        assert (_status(_printed(result, default)), _light(result, default)) == ("not met", "red")
        assert (_status(_printed(result, own)), _light(result, own)) == ("ok", "green")
        fired = {f.id for f in recommend([result], AthleteFacts(sex=sex),
                                         load_rules(clinic)).fired}
        assert "sls-fppa/left" not in fired
    assert _status(_printed(result)) == "not met"  # no limits given: defaults, unknown sex


def test_report_command_takes_sex_and_rules(result, seq, tmp_path, clinic):
    write_outputs(Analysis(seq, result), tmp_path)

    def light(*options: str) -> str:
        res = CliRunner().invoke(app, ["report", str(tmp_path), "--no-pdf", *options])
        assert res.exit_code == 0, res.output
        html = (tmp_path / "report.html").read_text(encoding="utf-8")
        m = re.search(rf"<tr><td>{LABEL}[^<]*</td>\s*<td class=\"light (\w+)\"", html)
        assert m, "no FPPA row"
        return m[1]

    assert light("--sex", "female") == "green"
    assert light("--sex", "male") == "red"
    assert light("--sex", "male", "--rules", str(clinic)) == "green"


def test_analyze_threads_sex_and_rules_to_the_summary(result, seq, tmp_path, clinic,
                                                      monkeypatch):
    def analysed(req, out, **_):  # the synthetic pose stands in for pose inference
        analysis = Analysis(seq, result)
        write_outputs(analysis, out)
        return analysis

    monkeypatch.setattr(service, "analyse_to_folder", analysed)

    def status(*options: str) -> str:
        res = CliRunner(env={"COLUMNS": "200"}).invoke(
            app, ["analyze", str(tmp_path / "clip.mp4"), "--out", str(tmp_path / "out"),
                  *options])
        assert res.exit_code == 0, res.output
        return _status(res.output)

    assert status("--sex", "female") == "ok"
    assert status("--sex", "male") == "not met"
    assert status("--sex", "male", "--rules", str(clinic)) == "ok"
    assert status() == "not met"  # unknown sex: 11 deg
