"""The metric catalogue: label, unit, worse direction and normal values of every metric."""

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Literal

Sex = Literal["female", "male", "unknown"]


@dataclass(frozen=True)
class MetricDef:
    name: str
    label: str
    unit: str
    worse: Literal["higher", "lower", "abs"]
    normal: str
    source: str
    flag_above: float | None = None
    flag_below: float | None = None
    by_sex: tuple[tuple[str, float], ...] = ()

    def threshold(self, sex: Sex = "unknown") -> float | None:
        """The flag threshold for ``sex`` (the unknown-sex value when none is given)."""
        return dict(self.by_sex).get(sex, self.flag_above if self.flag_above is not None
                                     else self.flag_below)

    def flagged(self, value: float | None, sex: Sex = "unknown") -> bool | None:
        """True if ``value`` misses the movement-quality target; None if there is no target."""
        if value is None or not math.isfinite(value):
            return None
        limit = self.threshold(sex)
        if limit is None:
            return None
        return value > limit if self.flag_above is not None else value < limit

    def worst_of(self, values: list[float]) -> int:
        """Index of the worst value."""
        if self.worse == "lower":
            return min(range(len(values)), key=values.__getitem__)
        if self.worse == "abs":
            return max(range(len(values)), key=lambda i: abs(values[i]))
        return max(range(len(values)), key=values.__getitem__)


def load_catalog() -> dict[str, MetricDef]:
    """Read the packaged ``data/metrics.toml``."""
    text = resources.files("movescreen").joinpath("data/metrics.toml").read_text("utf-8")
    out = {}
    for name, d in tomllib.loads(text).items():
        by_sex = tuple(sorted(d.pop("by_sex", {}).items()))
        out[name] = MetricDef(name=name, by_sex=by_sex, **d)
    return out
