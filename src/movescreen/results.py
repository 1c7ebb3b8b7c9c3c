"""The typed, versioned results schema: the contract between analysis, rules, reports and batch.

``results.json`` is a serialised :class:`ScreenResult`. Bump ``SCHEMA_VERSION`` (major for a
breaking change, minor for an added field) whenever these models change; docs/results-schema.md
describes every field.
"""

import math
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "1.2"

Side = Literal["left", "right"]
TestName = Literal["single-leg-squat", "squat", "single-leg-hop", "drop-landing"]
ViewName = Literal["frontal", "oblique", "sagittal"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _real(v: Any) -> Any:
    """A non-finite number (NaN, inf) becomes None: a missing value, never a NaN."""
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _real_values(d: Any) -> Any:
    """Every non-finite number in a (nested) dict of values becomes None."""
    if not isinstance(d, dict):
        return d
    return {k: _real_values(v) if isinstance(v, dict) else _real(v) for k, v in d.items()}


class ClipInfo(_Model):
    """What was decoded. Sizes are as displayed, after rotation metadata is applied."""

    file: str
    sha256: str
    container: str
    codec: str
    width: int
    height: int
    rotation_deg: int = Field(description="display rotation applied (counter-clockwise)")
    n_frames: int
    duration_s: float
    fps_container: float | None = Field(description="the container's nominal average rate")
    fps_measured: float = Field(description="from the decoded timestamps")
    fps_effective: float = Field(description="distinct pictures per second")
    repeated_frames: int = Field(description="frames repeating the picture before (identical, "
                                 "or up to compression noise)")
    variable_frame_rate: bool


class ModelInfo(_Model):
    name: str
    sha256: str
    source: str


class PersonInfo(_Model):
    """Which person was analysed, and how they were found."""

    people_seen: int = Field(description="most people detected in one searched frame")
    selection: str
    crop_tracking: bool = Field(description="a crop around the person was tracked")
    body_height_frac: float | None = Field(description="median body height / frame height")


class Flag(_Model):
    code: str
    severity: Literal["info", "warning", "error"]
    message: str


class GapInfo(_Model):
    """A stretch where a landmark stayed missing (too long to interpolate)."""

    landmark: str
    t_start: float
    t_end: float


class ViewInfo(_Model):
    view: ViewName
    source: Literal["auto", "override"]
    body_yaw_deg: float | None = Field(description="hip-line rotation from facing the camera")
    width_ratio: float | None = Field(description="shoulder width / trunk height in the image")
    untrusted_metrics: list[str]
    reason: str


class ClipView(_Model):
    """One clip of a combined result: its camera view and whether its reps could be used."""

    clip: str = Field(description="the clip's file name, as in reps[].clip")
    view: ViewInfo
    legs: list[Side] = Field(default_factory=list, description="legs with reps in this clip")
    usable: bool = True
    problems: list[str] = Field(default_factory=list,
                                description="why the clip is unusable (its error messages)")


class StandingReference(_Model):
    t_start: float
    t_end: float
    n_frames: int
    source: Literal["auto", "override"]
    leg_length_px: float = Field(description="median hip-ankle length of both legs")
    fppa_deg: dict[Side, float | None]

    _finite = field_validator("fppa_deg", mode="before")(_real_values)


class Rep(_Model):
    """One repetition (or one leg's part of a bilateral rep)."""

    index: int = Field(description="1-based, in time order")
    leg: Side | Literal["both"]
    t_start: float
    t_bottom: float
    t_end: float
    metrics: dict[str, float | None]
    at_t: dict[str, float] = Field(default_factory=dict, description="when each peak happened")
    per_leg: dict[Side, dict[str, float | None]] = Field(
        default_factory=dict, description="bilateral reps: each leg's own metrics")
    events: dict[str, float] = Field(
        default_factory=dict, description="landings: take_off, initial_contact, peak_flexion, "
        "stabilised (s)")
    clip: str | None = Field(default=None, description="source clip when several were combined")
    uncertainty: dict[str, float] = Field(
        default_factory=dict, description="+- uncertainty of a metric in this rep, same unit "
        "(knee_flexion_est_deg; pelvic_drop_deg: the clip's measurement noise)")
    balance_lost: bool | None = None
    excluded: bool = False
    exclusion_reason: str | None = None
    notes: list[str] = Field(default_factory=list)

    _finite = field_validator("metrics", "per_leg", mode="before")(_real_values)


class Step(_Model):
    """A foot lifted and put down again without a real flight (a step or shuffle): kept as an
    event of its own, never a landing."""

    t_start: float
    t_end: float
    leg: Side | Literal["both"] | None
    lifted_s: float
    reason: str


class MetricSummary(_Model):
    """A metric over the used reps of one leg: median, and the worst rep with its time."""

    label: str
    unit: str
    median: float | None
    worst: float | None
    worst_rep: int | None
    worst_t: float | None
    n_reps: int
    reason: str | None = Field(default=None, description="why there is no value")
    sd: float | None = Field(default=None, description="rep-to-rep standard deviation (n-1)")
    ci_low: float | None = Field(default=None, description="95% bootstrap interval of the "
                                 "median over reps: lower end")
    ci_high: float | None = Field(default=None, description="... and upper end")
    noise: float | None = Field(default=None, description="the clip's measurement noise for "
                                "this metric (same unit): for pelvic drop the band measured "
                                "from the standing pelvis, otherwise the robust SD of the "
                                "metric's per-frame signal over the standing frames")
    within_noise: bool | None = Field(default=None, description="True if the median is "
                                      "within the measurement noise (then it is no finding)")
    sem_published: float | None = Field(default=None, description="published between-day SEM")

    @model_validator(mode="before")
    @classmethod
    def _finite(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = {k: _real(v) if k in ("median", "worst", "worst_t") else v
               for k, v in data.items()}
        if out.get("median") is None and data.get("median") is not None and not out.get("reason"):
            out["reason"] = "not a finite number"
        return out


class Exclusion(_Model):
    rep: int
    reason: str


class LegSummary(_Model):
    side: Side
    reps_total: int
    reps_used: int
    excluded: list[Exclusion]
    metrics: dict[str, MetricSummary]


Grade = Literal["good", "fair", "poor"]


class Criterion(_Model):
    """One Crossley criterion of one leg: its grade (None = not rated) and why."""

    label: str
    rating: Grade | None
    reasons: list[str] = Field(description="one line per metric that was looked at, or why "
                               "the criterion could not be rated")


class CrossleyRating(_Model):
    """Crossley 2011 single-leg squat rating of one leg, from the medians over its used reps."""

    reps_used: int
    overall: Grade | None = Field(description="the worst rated criterion")
    criteria: dict[str, Criterion] = Field(description="overall_impression, trunk_posture, "
                                           "pelvis_in_space, hip_joint, knee_joint")


class LessItem(_Model):
    """One LESS item: error points (None = not scored) and the reason."""

    key: str
    label: str
    view: Literal["frontal", "sagittal", "any"]
    max_points: int
    points: int | None
    reason: str


class LessScore(_Model):
    """A LESS-style landing score from the items the view supports."""

    items: list[LessItem]
    n_items: int = Field(description="items in the full LESS (17)")
    n_scored: int
    errors_scored: int = Field(description="error points of the scored items")
    errors_max: int = Field(description="errors if every unscored item were at its worst")
    total: int | None = Field(description="the total, only when enough items were scored")
    band: Literal["excellent", "good", "moderate", "poor"] | None = Field(
        description="only when the unscored items cannot change it")
    summary: str


class Ratings(_Model):
    """Qualitative ratings computed from this result with the rules files' thresholds."""

    crossley: dict[Side, CrossleyRating] = Field(default_factory=dict)
    less: dict[Literal["both", "left", "right"], LessScore] = Field(
        default_factory=dict, description="drop-landing: 'both'; single-leg hop: per leg")
    thresholds_source: str = ""


class ScreenResult(_Model):
    """Everything one screen of one clip produced."""

    schema_version: str = SCHEMA_VERSION
    movescreen_version: str
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    test: TestName
    clip: ClipInfo
    model: ModelInfo
    person: PersonInfo
    view: ViewInfo
    standing: StandingReference
    reps: list[Rep]
    legs: dict[Side, LegSummary]
    bilateral: dict[str, MetricSummary] = Field(default_factory=dict)
    quality: list[Flag]
    gaps: list[GapInfo]
    notes: list[str]
    athlete_height_cm: float | None = None
    other_clips: list[ClipInfo] = Field(
        default_factory=list, description="further clips combined into this result")
    steps: list[Step] = Field(default_factory=list,
                              description="landing screens: steps and shuffles (not landings)")
    ratings: Ratings | None = Field(default=None, description="Crossley and LESS ratings")
    clip_views: list[ClipView] = Field(
        default_factory=list, description="combined results: every clip's view and usability")

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str) -> "ScreenResult":
        return cls.model_validate_json(text)
