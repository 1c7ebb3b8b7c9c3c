"""The ratings' thresholds as the rules files give them (packaged defaults, or a ruleset)."""

import tomllib
from importlib import resources

from ..rules.schema import Sex, ThresholdSpec

RATINGS_FILE = "ratings.toml"


def packaged_thresholds(sex: Sex = "unknown") -> dict[str, float]:
    """The thresholds of the packaged ``rules/ratings.toml`` for ``sex``."""
    text = resources.files("movescreen.rules").joinpath(RATINGS_FILE).read_text("utf-8")
    specs = {k: ThresholdSpec.model_validate(v)
             for k, v in tomllib.loads(text)["thresholds"].items()}
    return {k: float(s.for_sex(sex)) for k, s in specs.items()}  # type: ignore[arg-type]
