"""The thresholds in force for one athlete, per screen and metric: the one source of the
report's traffic lights, the terminal's status column and the plots' normal bands.

Every number comes from the rules in force (the defaults, or a clinic's ``--rules``) for the
athlete's sex. A metric takes the threshold of the rule that judges it, when the rule's
condition is a plain comparison (``sls.{side}.fppa_peak_deg > threshold.sls_fppa``); a metric
that no rule judges takes the rules threshold its catalogue entry names, so a clinic's override
changes the plan, the report and the terminal alike.
"""

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..catalog import MetricDef, Sex
from .loader import RuleSet, load_rules
from .merge import SCREENS

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_COMPARISON = re.compile(
    r"^\s*(?P<prefix>\w+)\.(?:(?:left|right)\.)?(?P<metric>\w+)\s*(?P<op>>=|<=|>|<)\s*"
    r"threshold\.(?P<threshold>\w+)\s*$")
_PREFIX_TEST = {prefix: test for test, (prefix, _) in SCREENS.items()}


@dataclass(frozen=True)
class Limit:
    """One metric's cut-off: a value ``op`` ``value`` misses the movement-quality target."""

    value: float
    op: str
    unit: str
    source: str  # "threshold.sls_fppa (rule sls-fppa)", or "metrics catalogue"

    @property
    def above(self) -> bool:
        """True when values above the limit miss the target."""
        return self.op in (">", ">=")

    def flagged(self, value: float | None) -> bool | None:
        """True if ``value`` misses the target; None without a finite value."""
        if value is None or not math.isfinite(value):
            return None
        return _OPS[self.op](value, self.value)


@dataclass(frozen=True)
class Limits:
    """Every (screen, metric) limit for one athlete's sex under one rule set."""

    sex: Sex
    rules_name: str
    table: Mapping[tuple[str, str], Limit]

    def get(self, test: str, metric: str) -> Limit | None:
        return self.table.get((test, metric))

    def flagged(self, test: str, metric: str, value: float | None) -> bool | None:
        """True if ``value`` misses ``metric``'s target in ``test``; None if there is none."""
        limit = self.get(test, metric)
        return None if limit is None else limit.flagged(value)


def _from_rules(ruleset: RuleSet, sex: Sex) -> dict[tuple[str, str], Limit]:
    values = ruleset.thresholds_for(sex)
    out: dict[tuple[str, str], Limit] = {}
    for rule in sorted(ruleset.rules, key=lambda r: (r.spec.priority, r.order)):
        m = _COMPARISON.match(rule.condition.text)
        if m is None or m["prefix"] not in _PREFIX_TEST or m["threshold"] not in values:
            continue
        key = (_PREFIX_TEST[m["prefix"]], m["metric"])
        spec = ruleset.thresholds[m["threshold"]]
        out.setdefault(key, Limit(values[m["threshold"]], m["op"], spec.unit,
                                  f"threshold.{m['threshold']} (rule {rule.spec.id})"))
    return out


def _from_catalogue(d: MetricDef, prefix: str, ruleset: RuleSet, sex: Sex) -> Limit | None:
    if d.flag is None:
        return None
    op = ">" if d.flag == "above" else "<"
    name = d.threshold_name(prefix)
    if name is not None:
        spec = ruleset.thresholds.get(name)
        value = spec.for_sex(sex) if spec is not None else None
        return None if value is None else Limit(value, op, d.unit, f"threshold.{name}")
    return None if d.limit is None else Limit(d.limit, op, d.unit, "metrics catalogue")


def limits_for(ruleset: RuleSet, sex: Sex = "unknown") -> Limits:
    """The limits of every screen's metrics under ``ruleset`` for ``sex``."""
    table = _from_rules(ruleset, sex)
    for test, (prefix, _) in SCREENS.items():
        for name, d in ruleset.catalog.items():
            if (test, name) not in table:
                limit = _from_catalogue(d, prefix, ruleset, sex)
                if limit is not None:
                    table[test, name] = limit
    return Limits(sex, ruleset.meta.name, table)


def load_limits(rules: Path | None = None, sex: Sex = "unknown") -> Limits:
    """The limits under the default rules, or under a clinic's rules file or folder."""
    return limits_for(load_rules(rules), sex)

