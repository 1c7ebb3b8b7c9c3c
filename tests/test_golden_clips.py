"""Every dev clip with hops, landings or squat reps against the golden table
(tests/golden_clips.toml: values derived by looking at the clips, with explicit margins)."""

import re
import tomllib
from pathlib import Path

import pytest

from movescreen.pipeline import analyse_pose
from movescreen.screens.common import Overrides

GOLDEN = tomllib.loads((Path(__file__).parent / "golden_clips.toml").read_text())["clip"]


def _within(value, bounds, what):
    assert value is not None, f"{what}: no value"
    assert bounds[0] <= value <= bounds[1], f"{what} = {value:.3f}, expected {bounds}"


@pytest.mark.parametrize("entry", GOLDEN, ids=lambda e: f"{e['file']}-{e.get('slow_motion', 1)}")
def test_golden_clip(videos, pose_cache, entry, request):
    if "known_wrong" in entry:
        request.applymarker(pytest.mark.xfail(strict=True, reason=entry["known_wrong"]))
    seq = pose_cache(videos / entry["file"])
    r = analyse_pose(seq, entry["test"], Overrides(slow_motion=entry.get("slow_motion")))
    used = [rep for rep in r.reps if not rep.excluded]
    _within(len(used), entry["count"], "count")
    assert {rep.leg for rep in used} == set(entry["legs"])
    codes = {f.code for f in r.quality}
    assert set(entry.get("flags", [])) <= codes
    assert not set(entry.get("no_flags", [])) & codes
    for expected in entry.get("landing", []):
        if "known_wrong" in expected:  # strict at the landing's level: fixing it fails here
            with pytest.raises(AssertionError):
                _check_landing(entry, used, expected)
        else:
            _check_landing(entry, used, expected)
    if "flight_time_s_all" in entry:
        for rep in used:
            _within(rep.metrics["flight_time_s"], entry["flight_time_s_all"], "flight time")
    if "steps_at_least" in entry:
        assert len(r.steps) >= entry["steps_at_least"]
    if "slowed_by" in entry:
        flag = next(f for f in r.quality if f.code == "time_scale")
        factor = float(re.search(r"about ([0-9.]+)x", flag.message).group(1))
        _within(factor, entry["slowed_by"], "slow-motion factor")


def _check_landing(entry: dict, used: list, expected: dict) -> None:
    lo, hi = expected["initial_contact_s"]
    match = [rep for rep in used if lo <= rep.events["initial_contact"] <= hi]
    assert len(match) == 1, f"no landing with contact in {lo}-{hi} s"
    rep = match[0]
    for name, bounds in expected.items():
        if name in ("initial_contact_s", "known_wrong"):
            continue
        value = rep.events.get(name) if name in rep.events else rep.metrics.get(name)
        _within(value, bounds, f"{entry['file']} @ {lo} s: {name}")
