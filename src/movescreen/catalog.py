"""The metric catalogue: label, unit, worse direction and normal-value text of every metric.

Threshold numbers live in the rules (src/movescreen/rules/*.toml, or a clinic's ``--rules``);
a catalogue entry only names the rules threshold its traffic light uses when no rule judges
the metric (see :mod:`movescreen.rules.limits`), or keeps its own number when the rules hold
none for it.
"""

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Literal

Sex = Literal["female", "male", "unknown"]
ANY_SCREEN = "*"


@dataclass(frozen=True)
class MetricDef:
    name: str
    label: str
    unit: str
    worse: Literal["higher", "lower", "abs"]
    normal: str
    source: str
    flag: Literal["above", "below"] | None = None  # which side of the limit misses the target
    thresholds: tuple[tuple[str, str], ...] = ()  # (screen prefix or "*", rules threshold name)
    limit: float | None = None  # own number, only for a metric no rules threshold covers
    sem: float | None = None  # published between-day standard error of measurement
    sem_source: str | None = None

    def threshold_name(self, prefix: str) -> str | None:
        """The rules threshold this metric's light uses in screen ``prefix``, if any."""
        names = dict(self.thresholds)
        return names.get(prefix, names.get(ANY_SCREEN))

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
        ref = d.pop("threshold", {})
        refs = {ANY_SCREEN: ref} if isinstance(ref, str) else ref
        out[name] = MetricDef(name=name, thresholds=tuple(sorted(refs.items())), **d)
    return out
