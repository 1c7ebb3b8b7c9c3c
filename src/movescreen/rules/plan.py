"""plan.json: the typed, versioned output of the rules engine.

Bump ``PLAN_SCHEMA_VERSION`` (major for a breaking change, minor for an added field) whenever
these models change; docs/rules.md describes the fields.
"""

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .athlete import AthleteFacts

PLAN_SCHEMA_VERSION = "1.1"
Scalar = float | bool | str | None


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NamedValue(_Model):
    """A value a rule used: a metric, an athlete fact or a threshold."""

    name: str
    label: str
    value: Scalar
    unit: str = ""
    source: str | None = Field(default=None, description="thresholds: where the value comes from")


class FiredRule(_Model):
    id: str = Field(description="rule id, with /left or /right for a per-leg rule")
    rule: str
    side: Literal["left", "right"] | None
    phase: int
    gate: bool
    message: str
    condition: str
    values: list[NamedValue]
    thresholds: list[NamedValue]
    source: str
    file: str
    exercises: list[str] = Field(description="prescribed now")
    deferred_exercises: list[str] = Field(description="belong to a later phase")
    instruction: str | None = None
    quality: list[str] = Field(default_factory=list, description="what to fix when re-recording")
    metric: str | None = Field(default=None, description="limiting metric (re-tests)")
    sdd: float | None = None
    sdd_source: str | None = None
    retest: str | None = Field(default=None, description="what a re-test must show")


class NotAssessed(_Model):
    id: str
    rule: str
    side: Literal["left", "right"] | None
    phase: int
    gate: bool
    caps_phase: bool = Field(description="True: the phase cannot pass this rule's gate")
    message: str
    missing: list[str] = Field(description="each missing name and why it is missing")


class Limit(_Model):
    """What holds the athlete in the phase; a re-test compares against ``value``."""

    rule: str = Field(description="instance id of the rule (fired or not assessed)")
    status: Literal["fired", "not assessed"]
    metric: str | None
    value: float | None = Field(description="the limiting metric at the re-test baseline")
    unit: str = ""
    sdd: float | None = None
    spread: float | None = Field(default=None, description="half-width of the 95% interval of "
                                 "the baseline median (the athlete's own rep-to-rep spread)")


class Prescription(_Model):
    id: str
    name: str
    targets: list[str]
    phases: str
    sets: str
    reps: str
    dosage: str
    cues: list[str]
    frequency: str
    note: str | None
    next: str | None = Field(description="id of the next progression")
    next_name: str | None
    progress_when: str = Field(description="what in training earns the next progression")
    earned_by: list[str] = Field(description="the re-test results that earn the next phase")
    reasons: list[str] = Field(description="rule ids, or 'phase N programme'")
    sides: list[Literal["left", "right"]] = Field(description="legs whose rules asked for it")


class Deferred(_Model):
    id: str
    name: str
    from_phase: int
    reasons: list[str]


class Progression(_Model):
    """Re-test against an earlier plan."""

    previous_phase: int
    computed_phase: int = Field(description="the phase these results alone would give")
    phase: int
    decision: Literal["progress", "hold", "same", "regress"]
    reasons: list[str]


class InputInfo(_Model):
    source: str
    test: str
    clip: str
    sha256: str
    sides: list[str]
    usable: bool


class RulesInfo(_Model):
    name: str
    version: str
    files: list[str]


class Plan(_Model):
    """A starting phase and a corrective plan for one athlete."""

    schema_version: str = PLAN_SCHEMA_VERSION
    movescreen_version: str
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    athlete: AthleteFacts
    inputs: list[InputInfo]
    rules: RulesInfo
    phase: int = Field(ge=0, le=4)
    phase_name: str
    focus: str
    instructions: list[str]
    phase_reasons: list[str]
    limiting: list[Limit]
    fired: list[FiredRule]
    not_assessed: list[NotAssessed]
    exercises: list[Prescription]
    deferred: list[Deferred]
    caveats: list[str]
    advice: list[str]
    progression: Progression | None = None

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Plan":
        return cls.model_validate_json(text)
