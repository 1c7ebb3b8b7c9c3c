"""`movescreen recommend` and `movescreen rules check|list`, mounted on a test app exactly as
the main CLI mounts them."""

import json
from pathlib import Path

import pytest
import typer
from results_factory import PASSING, results_for
from typer.testing import CliRunner

from movescreen.rules import Plan
from movescreen.rules.cli import recommend_command, rules_app

app = typer.Typer()
app.add_typer(rules_app, name="rules")
app.command("recommend")(recommend_command)


@app.command("version")  # a second command, so that `recommend` is a subcommand as in the CLI
def _version() -> None:
    pass


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def write_results(folder: Path, changes: dict | None = None, **kw) -> list[str]:
    paths = []
    for r in results_for({**PASSING, **(changes or {})}, **kw):
        sub = folder / Path(r.clip.file).stem
        sub.mkdir(parents=True, exist_ok=True)
        (sub / "results.json").write_text(r.to_json(), encoding="utf-8")
        paths.append(str(sub / "results.json"))
    return paths


def test_recommend_prints_and_writes_plan_json(tmp_path):
    files = write_results(tmp_path, {"sls.left.pelvic_drop_deg": 7.0}, split=["sls"])
    res = run("recommend", *files, "--sex", "female", "--pain", "0")
    assert res.exit_code == 0, res.output
    assert "Phase 1 · Stability" in res.output
    assert "sls-pelvic-drop/left" in res.output
    assert "Glute bridge" in res.output
    # data text is escaped, not read as rich markup
    assert "threshold sls_pelvic_drop: [proposed]; Bramah 2018" in res.output
    assert "What earns the next phase" in res.output
    assert "re-test: sls.left.pelvic_drop_deg is 7 deg now" in res.output
    plan = Plan.from_json((tmp_path / "plan.json").read_text())  # the folder they share
    assert plan.phase == 1 and plan.athlete.sex == "female"
    assert [i.source for i in plan.inputs if i.test == "single-leg-squat"] == sorted(
        f for f in files if "sls-" in f)


def test_recommend_json_and_out(tmp_path):
    files = write_results(tmp_path / "in")
    res = run("recommend", *files, "--json", "--out", str(tmp_path / "out"), "--pain", "1")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["phase"] == 4
    assert (tmp_path / "out" / "plan.json").is_file()


def test_pain_on_the_command_line_stops(tmp_path):
    res = run("recommend", *write_results(tmp_path), "--pain", "6")
    assert res.exit_code == 0
    assert "Phase 0" in res.output and "Stop and see a physical therapist" in res.output


def test_athlete_file_and_override(tmp_path):
    files = write_results(tmp_path, {"sls.right.fppa_peak_deg": 10.0})
    facts = tmp_path / "athlete.toml"
    facts.write_text('sex = "female"\nage = 24\ngoal = "running"\npain = 0\n')
    res = run("recommend", *files, "--athlete", str(facts))
    assert res.exit_code == 0, res.output
    assert Plan.from_json((tmp_path / "plan.json").read_text()).phase == 4  # 10 <= 13
    res = run("recommend", *files, "--athlete", str(facts), "--sex", "male")
    plan = Plan.from_json((tmp_path / "plan.json").read_text())
    assert plan.phase == 1 and plan.athlete.sex == "male" and plan.athlete.goal == "running"


def test_bad_athlete_file(tmp_path):
    facts = tmp_path / "athlete.json"
    facts.write_text('{"sex": "other"}')
    res = run("recommend", *write_results(tmp_path), "--athlete", str(facts))
    assert res.exit_code == 1
    assert f"{facts}: invalid athlete facts: sex" in res.output


def test_clinic_rules_and_bad_rules(tmp_path):
    files = write_results(tmp_path, {"sls.left.pelvic_drop_deg": 6.0})
    good = tmp_path / "clinic.toml"
    good.write_text("[thresholds.sls_pelvic_drop]\nvalue = 7.0\n")
    res = run("recommend", *files, "--rules", str(good), "--pain", "0")
    assert res.exit_code == 0 and "Phase 4" in res.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nid = "mine"\nphase = 1\nwhen = "sls.left.nope > 1"\n'
                   'message = "m"\nsource = "s"\n')
    res = run("recommend", *files, "--rules", str(bad))
    assert res.exit_code == 1
    assert f"{bad}: rule 'mine': 'sls.left.nope > 1': unknown metric name" in res.output


def test_not_a_results_file(tmp_path):
    other = tmp_path / "x.json"
    other.write_text('{"hello": 1}')
    res = run("recommend", str(other))
    assert res.exit_code == 1 and f"{other}: not a movescreen results.json" in res.output
    res = run("recommend", str(tmp_path / "missing.json"))
    assert res.exit_code == 1 and "cannot read it" in res.output


@pytest.mark.parametrize("previous_kind", ["plan", "results"])
def test_previous_plan_or_results(tmp_path, previous_kind):
    before = write_results(tmp_path / "week0", {"sls.left.fppa_peak_deg": 16.0})
    assert run("recommend", *before, "--sex", "female", "--pain", "0").exit_code == 0
    previous = ([str(tmp_path / "week0" / "plan.json")] if previous_kind == "plan"
                else before)
    after = write_results(tmp_path / "week6", {"sls.left.fppa_peak_deg": 12.0})
    args = [a for p in previous for a in ("--previous", p)]
    res = run("recommend", *after, "--sex", "female", "--pain", "0", *args)
    assert res.exit_code == 0, res.output
    plan = Plan.from_json((tmp_path / "week6" / "plan.json").read_text())
    assert plan.progression is not None and plan.progression.decision == "hold"
    assert plan.phase == 1
    assert "hold" in res.output and "smallest detectable difference" in res.output


def test_rules_check(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text("[thresholds.sls_fppa]\nfemale = 12.0\n")
    res = run("rules", "check", str(good))
    assert res.exit_code == 0 and res.output.startswith(f"ok: {good}:")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nid = "sls-fppa"\nexercises = ["moonwalk"]\n')
    res = run("rules", "check", str(bad))
    assert res.exit_code == 1
    assert (f"{bad}: rule 'sls-fppa': exercise 'moonwalk' is not in the exercise library"
            in res.output)


def test_rules_list(tmp_path):
    res = run("rules", "list", "--sex", "female")
    assert res.exit_code == 0
    assert "sls-fppa" in res.output and "sls_fppa = 13 deg" in res.output
    extra = tmp_path / "x.toml"
    extra.write_text('[[rules]]\nid = "extra-check"\nphase = 1\ngate = false\n'
                     'when = "squat.kasr_bottom < 0.7"\nmessage = "m"\nsource = "s"\n')
    res = run("rules", "list", "--rules", str(extra))
    assert "extra-check" in res.output and f"from {extra}" in res.output
