"""Every development clip gets its rating with reasons: Crossley for the squat-type clips
(screened as a single-leg squat), LESS for the jumps and hops."""


from movescreen.pipeline import analyse_pose

LANDING_TESTS = {"cmj_jump_landing_frontal_11.mp4": "drop-landing",
                 "vertical_jump_landing_frontal_12.mp4": "drop-landing",
                 "single_leg_hop_quadrant_frontal_10.mp4": "single-leg-hop",
                 "single_leg_cmj_render_left_15.mp4": "single-leg-hop"}


def test_every_dev_clip_gets_a_rating_with_reasons(videos, manifest, pose_cache):
    for name in sorted(manifest):
        test = LANDING_TESTS.get(name, "single-leg-squat")
        r = analyse_pose(pose_cache(videos / name), test)  # type: ignore[arg-type]
        assert r.ratings is not None, name
        if test == "single-leg-squat":
            assert set(r.ratings.crossley) == {"left", "right"}, name
            for side, rating in r.ratings.crossley.items():
                assert all(c.reasons for c in rating.criteria.values()), (name, side)
                # a leg with used reps has at least one rated criterion; one without says so
                assert (rating.overall is not None) == (r.legs[side].reps_used > 0), (name, side)
        else:
            assert r.ratings.less, name
            for key, score in r.ratings.less.items():
                assert all(i.reason for i in score.items), (name, key)
                assert score.n_scored == sum(i.points is not None for i in score.items)
                assert str(score.n_scored) in score.summary


def test_single_leg_squat_render_knee_is_poor(videos, pose_cache):
    """FPPA ~25 deg (left leg, far beyond the poor cut-off of 11): knee joint and hip poor."""
    r = analyse_pose(pose_cache(videos / "single_leg_squat_render_left_14.mp4"),
                     "single-leg-squat")
    left = r.ratings.crossley["left"]  # type: ignore[union-attr]
    assert left.reps_used >= 2
    assert left.criteria["knee_joint"].rating == "poor"
    assert any(x.startswith("poor: knee angle") for x in left.criteria["knee_joint"].reasons)
    assert left.overall == "poor"


def test_frontal_landing_scores_only_frontal_items(videos, pose_cache):
    # the CMJ clip: one timeable two-footed landing filmed from the front (clip 12 is slow
    # motion, so its landing cannot be timed and nothing is scored there)
    r = analyse_pose(pose_cache(videos / "cmj_jump_landing_frontal_11.mp4"), "drop-landing")
    score = r.ratings.less["both"]  # type: ignore[union-attr]
    scored = {i.key for i in score.items if i.points is not None}
    assert scored and all(i.view == "frontal" for i in score.items if i.key in scored)
    assert score.total is None and score.n_scored < 14
    knee = next(i for i in score.items if i.key == "knee_flexion_ic")
    assert knee.points is None and "sagittal view" in knee.reason
