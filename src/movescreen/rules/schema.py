"""Pydantic models of the rules data: thresholds, SDDs, screens, phases, rules and exercises.

A rules file is TOML; every table below is validated strictly (no string-to-number coercion, no
unknown keys, finite numbers only). Cross-references (metric names, thresholds, exercises) are
checked later by the loader, which knows the whole merged rule set.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Sex = Literal["female", "male", "unknown"]
SEXES: tuple[Sex, ...] = ("female", "male", "unknown")
PHASES = range(5)
PhaseNo = Annotated[int, Field(ge=0, le=4)]
TrainingPhase = Annotated[int, Field(ge=1, le=4)]
Ident = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
FORBIDDEN_WORDING = "injury risk"  # clinical.md: say "movement-quality target not met"


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


def _no_risk_wording(text: str | None) -> str | None:
    if text is not None and FORBIDDEN_WORDING in text.lower():
        raise ValueError(f"say 'movement-quality target not met', never '{FORBIDDEN_WORDING}'")
    return text


class RulesetMeta(_Data):
    name: str
    version: str
    advice: list[str] = Field(default_factory=list, description="general notes for every plan")


class ThresholdSpec(_Data):
    """A cut-off: one ``value`` for everyone, or one per sex (female, male and unknown)."""

    value: float | None = None
    female: float | None = None
    male: float | None = None
    unknown: float | None = None
    unit: str
    source: str

    @model_validator(mode="after")
    def _every_sex(self) -> "ThresholdSpec":
        missing = [s for s in SEXES if self.for_sex(s) is None]
        if missing:
            raise ValueError(f"no value for {', '.join(missing)}: give 'value' for everyone, "
                             "or 'female', 'male' and 'unknown'")
        return self

    def for_sex(self, sex: Sex) -> float | None:
        own = getattr(self, sex)
        return own if own is not None else self.value


class SddSpec(_Data):
    """Smallest detectable difference of a metric (both legs): a re-test change must exceed it."""

    value: float = Field(ge=0)
    source: str


class ScreenSpec(_Data):
    """Which phases a screen's gates assess (for the "not assessed" caveat)."""

    phases: list[PhaseNo] = Field(default_factory=list)


class PhaseSpec(_Data):
    name: str
    focus: str
    exercises: list[str] = Field(default_factory=list, description="the phase's base programme")


class RuleSpec(_Data):
    """One rule. ``when`` is a rule-engine expression over the typed metric names.

    With ``sides = true`` the rule is applied to each leg: ``{side}`` in ``when`` and ``metric``
    becomes ``left`` or ``right``. A gate rule that fires starts the athlete at ``phase`` at
    the latest; a rule with ``gate = false`` only prescribes exercises.
    """

    id: Ident
    phase: PhaseNo
    when: str
    message: str
    source: str
    sides: bool = False
    gate: bool = True
    required: bool = Field(default=True, description="not assessed caps the phase at `phase`")
    metric: str | None = Field(default=None, description="limiting metric for re-tests")
    exercises: list[str] = Field(default_factory=list)
    instruction: str | None = None
    show_quality: bool = Field(default=False, description="add the screens' quality messages")
    priority: int = 50
    enabled: bool = True

    check_wording = field_validator("message", "instruction")(_no_risk_wording)

    @model_validator(mode="after")
    def _consistent(self) -> "RuleSpec":
        uses_side = "{side}" in self.when or "{side}" in (self.metric or "")
        if uses_side and not self.sides:
            raise ValueError("'{side}' appears but 'sides' is not true")
        if self.sides and "{side}" not in self.when:
            raise ValueError("'sides = true' but 'when' has no '{side}'")
        if self.phase == 0 and self.exercises:
            raise ValueError("phase 0 stops training: a phase-0 rule cannot prescribe exercises")
        return self

    def expand(self, side: str | None) -> tuple[str, str | None]:
        """``when`` and ``metric`` for one leg (or as written when ``side`` is None)."""
        if side is None:
            return self.when, self.metric
        return (self.when.replace("{side}", side),
                self.metric.replace("{side}", side) if self.metric else None)


class ExerciseSpec(_Data):
    name: str
    targets: list[str]
    phase_min: TrainingPhase
    phase_max: TrainingPhase
    sets: str
    reps: str
    cues: list[str] = Field(default_factory=list)
    frequency: str
    progression: str | None = Field(default=None, description="id of the next exercise")
    progress_when: str = Field(description="what in training earns the next progression")
    note: str | None = None
    source: str

    @model_validator(mode="after")
    def _phase_order(self) -> "ExerciseSpec":
        if self.phase_min > self.phase_max:
            raise ValueError(f"phase_min {self.phase_min} is after phase_max {self.phase_max}")
        return self

    @property
    def phases(self) -> str:
        return (str(self.phase_min) if self.phase_min == self.phase_max
                else f"{self.phase_min}-{self.phase_max}")

    @property
    def dosage(self) -> str:
        return f"{self.sets} x {self.reps}"
