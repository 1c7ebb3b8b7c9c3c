"""Rules files: the defaults load; overrides and extensions work; bad files fail naming the
file, the rule (or item) and the reason."""

import textwrap
from pathlib import Path

import pytest
from results_factory import PASSING, results_for

from movescreen.errors import MovescreenError
from movescreen.rules import AthleteFacts, load_rules, recommend

RULE = """
[[rules]]
id = "clinic-rule"
phase = {phase}
when = "{when}"
message = "A clinic check"
source = "clinic protocol"
{extra}
"""


def write(tmp_path: Path, text: str, name: str = "clinic.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def rule_file(tmp_path: Path, when: str = "sls.left.fppa_peak_deg > 20", phase: int = 1,
              extra: str = "") -> Path:
    return write(tmp_path, RULE.format(when=when, phase=phase, extra=extra))


def error_of(path: Path) -> str:
    with pytest.raises(MovescreenError) as info:
        load_rules(path)
    return info.value.message


def test_defaults_load_and_cover_clinical_gates():
    rs = load_rules()
    ids = {r.spec.id for r in rs.rules}
    assert {"pain-flags", "pain-level", "sls-unusable", "sls-fppa", "sls-pelvic-drop",
            "sls-trunk-lean", "sls-balance", "sls-few-reps", "sls-depth", "sls-tempo-down",
            "sls-tempo-up",
            "sls-asymmetry", "landing-knee-flexion-ic", "landing-stiff", "landing-fppa",
            "hop-fppa", "hop-lsi", "hop-tts"} <= ids
    assert rs.thresholds_for("female")["sls_fppa"] == 13.0
    assert rs.thresholds_for("male")["sls_fppa"] == 9.0
    assert rs.thresholds_for("unknown")["sls_fppa"] == 11.0
    assert rs.sdd_for("sls.right.fppa_peak_deg").value == 8.0
    # every gate from phase 1 on names its limiting metric, and that metric has an SDD
    for r in rs.rules:
        if r.spec.gate and r.spec.phase >= 1 and r.metric:
            assert rs.sdd_for(r.metric) is not None, r.id
    assert len(rs.exercises) == 18


# ------------------------------------------------------------------ bad files


@pytest.mark.parametrize(("when", "reason"), [
    ("sls.left.fppa_peek_deg > 13", "unknown metric name 'sls.left.fppa_peek_deg'"),
    ("slss.left.fppa_peak_deg > 13", "unknown name 'slss'"),
    ("sls.middle.fppa_peak_deg > 13", "unknown metric name 'sls.middle'"),
    ("sls.left.fppa_peak_deg > threshold.nope", "unknown threshold 'threshold.nope'"),
    ("athlete.gender == 'female'", "unknown athlete fact 'athlete.gender'"),
    ("sls.left.fppa_peak_deg > 'high'", "type error"),
    ("athlete.sex > 3", "type error"),
    ("sls.left.fppa_peak_deg + 1", "not true/false"),
    ("sls.left.fppa_peak_deg >", "syntax error"),
    ("sls.left == sls.right", "group of values"),
])
def test_bad_condition(tmp_path, when, reason):
    path = rule_file(tmp_path, when=when.replace('"', '\\"'))
    msg = error_of(path)
    assert msg.startswith(f"{path}: rule 'clinic-rule': ")
    assert reason in msg


@pytest.mark.parametrize(("extra", "reason"), [
    ('exercises = ["moonwalk"]', "exercise 'moonwalk' is not in the exercise library"),
    ('exercises = ["box-hops"]', "phase 1 is out of range for exercise 'box-hops' (phase 4)"),
    ('metric = "sls.left.nothing"', "metric 'sls.left.nothing' is not a numeric metric name"),
    ('metric = "sls.right.fppa_peak_deg"', "metric 'sls.right.fppa_peak_deg' is not used in"),
    ('oops = 1', "oops: Extra inputs are not permitted"),
    ('priority = "high"', "priority: Input should be a valid integer"),
    ('instruction = "High injury risk!"', "never 'injury risk'"),
])
def test_bad_rule_fields(tmp_path, extra, reason):
    msg = error_of(rule_file(tmp_path, extra=extra))
    assert msg.startswith(f"{tmp_path / 'clinic.toml'}: rule 'clinic-rule': ")
    assert reason in msg


@pytest.mark.parametrize("phase", [5, -1])
def test_rule_phase_out_of_range(tmp_path, phase):
    msg = error_of(rule_file(tmp_path, phase=phase))
    assert "rule 'clinic-rule'" in msg and "phase" in msg and str(tmp_path) in msg


def test_side_placeholder_needs_sides(tmp_path):
    msg = error_of(rule_file(tmp_path, when="sls.{side}.fppa_peak_deg > 20"))
    assert "rule 'clinic-rule'" in msg and "'sides' is not true" in msg


def test_phase_zero_rule_cannot_prescribe(tmp_path):
    msg = error_of(rule_file(tmp_path, phase=0, extra='exercises = ["clamshell"]'))
    assert "rule 'clinic-rule'" in msg and "phase 0 stops training" in msg


def test_new_gate_needs_an_sdd(tmp_path):
    msg = error_of(rule_file(tmp_path, when="squat.kasr_bottom < 0.8"))
    assert "rule 'clinic-rule'" in msg
    assert 'add [sdd."squat.kasr_bottom"]' in msg


def test_advice_rule_needs_no_sdd(tmp_path):
    rs = load_rules(rule_file(tmp_path, when="squat.kasr_bottom < 0.8", extra="gate = false"))
    assert "clinic-rule" in {r.spec.id for r in rs.rules}


@pytest.mark.parametrize(("body", "reason"), [
    ("female = 12.0\nmale = 8.0\nunit = 'deg'\nsource = 's'", "no value for unknown"),
    ("value = '12'\nunit = 'deg'\nsource = 's'", "value: Input should be a valid number"),
    ("value = nan\nunit = 'deg'\nsource = 's'", "finite number"),
    ("value = 12.0\nunit = 'deg'", "source: Field required"),
    ("value = 12.0\nunit = 'deg'\nsource = 's'\nchildren = 3.0", "Extra inputs"),
])
def test_malformed_threshold(tmp_path, body, reason):
    path = write(tmp_path, f"[thresholds.knee_limit]\n{body}\n")
    msg = error_of(path)
    assert msg.startswith(f"{path}: threshold 'knee_limit': ")
    assert reason in msg


def test_malformed_override_of_a_default_threshold(tmp_path):
    path = write(tmp_path, "[thresholds.sls_fppa]\nfemale = 'thirteen'\n")
    msg = error_of(path)
    assert msg.startswith(f"{path}: threshold 'sls_fppa': ")


@pytest.mark.parametrize(("text", "what", "reason"), [
    ("[exercises.jump]\nname='J'\ntargets=[]\nphase_min=3\nphase_max=7\nsets='3'\nreps='5'\n"
     "frequency='x'\nprogress_when='x'\nsource='s'\n", "exercise 'jump'", "phase_max"),
    ("[exercises.jump]\nname='J'\ntargets=[]\nphase_min=3\nphase_max=2\nsets='3'\nreps='5'\n"
     "frequency='x'\nprogress_when='x'\nsource='s'\n", "exercise 'jump'", "after phase_max"),
    ("[exercises.jump]\nname='J'\ntargets=[]\nphase_min=3\nphase_max=3\nsets='3'\nreps='5'\n"
     "frequency='x'\nprogress_when='x'\nsource='s'\nprogression='fly'\n", "exercise 'jump'",
     "progression 'fly' is not in the exercise library"),
    ("[phases.7]\nname='x'\nfocus='y'\n", "phase '7'", "phase out of range"),
    ("[phases.2]\nexercises=['clamshell']\n", "phase 2", "exercise 'clamshell' is for phase"),
    ("[phases.3]\nexercises=['nope']\n", "phase 3", "'nope' is not in the exercise library"),
    ("[screens.swim]\nphases=[1]\n", "screen 'swim'", "unknown screen"),
    ("[sdd.\"sls.left.fppa_peak_deg\"]\nvalue=8.0\nsource='s'\n",
     "sdd 'sls.left.fppa_peak_deg'", "unknown metric name"),
    ("[sdd.\"sls.fppa_peak_deg\"]\nvalue=-1.0\nsource='s'\n", "sdd 'sls.fppa_peak_deg'",
     "greater than or equal to 0"),
    ("[weights]\nx=1\n", "file", "unknown section 'weights'"),
    ("[[rules]]\nid='a'\n[[rules]]\nid='a'\n", "rule 'a'", "used twice"),
    ("[[rules]]\nphase=1\n", "rule #1", "needs an 'id'"),
    ("[[rules]]\nid='new'\nphase=1\n", "rule 'new'", "when: Field required"),
    ("this is = not toml [", "file", "not valid TOML"),
])
def test_bad_items(tmp_path, text, what, reason):
    path = write(tmp_path, text)
    msg = error_of(path)
    assert msg.startswith(f"{path}: {what}: "), msg
    assert reason in msg


def test_missing_path(tmp_path):
    assert "no such rules file or folder" in error_of(tmp_path / "nope.toml")


def test_empty_folder(tmp_path):
    assert "holds no .toml file" in error_of(tmp_path)


# ------------------------------------------------------------------ overrides and extensions


def test_override_one_sex_keeps_the_others(tmp_path):
    rs = load_rules(write(tmp_path, "[thresholds.sls_fppa]\nfemale = 12.0\n"))
    assert rs.thresholds_for("female")["sls_fppa"] == 12.0
    assert rs.thresholds_for("male")["sls_fppa"] == 9.0
    plan = recommend(results_for({**PASSING, "sls.left.fppa_peak_deg": 12.5}),
                     AthleteFacts(sex="female", pain=0), rs)
    assert plan.phase == 1 and plan.fired[0].thresholds[0].value == 12.0


def test_disable_and_modify_default_rules(tmp_path):
    path = write(tmp_path, """
        [[rules]]
        id = "sls-tempo-down"
        enabled = false

        [[rules]]
        id = "sls-fppa"
        exercises = ["clamshell"]
        """)
    rs = load_rules(path)
    assert "sls-tempo-down" not in {r.spec.id for r in rs.rules}
    fppa = next(r for r in rs.rules if r.id == "sls-fppa/left")
    assert fppa.spec.exercises == ["clamshell"] and fppa.file == str(path)
    plan = recommend(results_for({**PASSING, "sls.left.descent_s": 0.5}),
                     AthleteFacts(pain=0), rs)
    assert plan.phase == 4


def test_extend_with_rule_threshold_sdd_and_exercise(tmp_path):
    write(tmp_path, """
        [thresholds.jump_lsi_strict]
        value = 95.0
        unit = "%"
        source = "clinic protocol"

        [exercises.depth-drop]
        name = "Depth drop and stick"
        targets = ["landing control"]
        phase_min = 3
        phase_max = 3
        sets = "3"
        reps = "5"
        frequency = "2 times a week"
        progress_when = "quiet landings"
        source = "clinic"
        """, "10-base.toml")
    write(tmp_path, """
        [sdd."hop.lsi_jump_height_pct"]
        value = 5.0
        source = "clinic [proposed]"

        [[rules]]
        id = "jumpers-symmetry"
        phase = 3
        when = "athlete.goal == 'jumping' and hop.lsi_jump_height_pct < threshold.jump_lsi_strict"
        message = "Jump height symmetry below the clinic's 95% target for jumpers"
        source = "clinic protocol"
        exercises = ["depth-drop"]
        """, "20-rules.toml")
    rs = load_rules(tmp_path)
    assert rs.files[-2:] == (str(tmp_path / "10-base.toml"), str(tmp_path / "20-rules.toml"))
    values = {**PASSING, "hop.lsi_jump_height_pct": 92.0}
    jumper = recommend(results_for(values), AthleteFacts(goal="jumping", pain=0), rs)
    runner = recommend(results_for(values), AthleteFacts(goal="running", pain=0), rs)
    assert jumper.phase == 3 and [f.id for f in jumper.fired] == ["jumpers-symmetry"]
    assert "depth-drop" in {e.id for e in jumper.exercises}
    assert runner.phase == 4


def test_later_file_in_folder_wins(tmp_path):
    write(tmp_path, "[thresholds.sls_pelvic_drop]\nvalue = 7.0\n", "a.toml")
    write(tmp_path, "[thresholds.sls_pelvic_drop]\nvalue = 6.0\n", "b.toml")
    assert load_rules(tmp_path).thresholds_for("male")["sls_pelvic_drop"] == 6.0
