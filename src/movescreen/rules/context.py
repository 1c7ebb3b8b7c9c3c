"""The typed namespace rules are written in, and the values of one athlete in it.

Names (the contract with the screens):

- ``{prefix}.present``, ``{prefix}.usable`` (bool) for every screen (``sls``, ``squat``,
  ``hop``, ``landing``);
- ``{prefix}.{side}.{metric}``: median of a catalogue metric for one leg, plus
  ``{prefix}.{side}.reps_used`` and ``{prefix}.{side}.balance_lost_reps``;
- ``{prefix}.{metric}``: a bilateral median; derived ``{prefix}.fppa_asymmetry_deg``;
- ``athlete.sex|age|goal|pain|pain_sharp|pain_persistent|swelling``;
- ``threshold.{name}``: a rules-file threshold, resolved for the athlete's sex.

Every catalogue metric is available on every screen, so a new screen or metric needs no code.
A value is None when it could not be had; ``why`` then says why.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import getitem
from typing import Literal

import rule_engine

from ..catalog import MetricDef
from .athlete import AthleteFacts
from .merge import ASYMMETRY, SCREENS, SIDES, MergedScreen, Source, Value, merge_screen

Kind = Literal["number", "bool", "text"]
Worse = Literal["higher", "lower", "abs"]
_TYPES = {"number": rule_engine.DataType.FLOAT, "bool": rule_engine.DataType.BOOLEAN,
          "text": rule_engine.DataType.STRING}
_ATHLETE: dict[str, Kind] = {"sex": "text", "age": "number", "goal": "text", "pain": "number",
                             "pain_sharp": "bool", "pain_persistent": "bool",
                             "swelling": "bool"}


@dataclass(frozen=True)
class Leaf:
    """One name a rule can use."""

    path: str
    kind: Kind
    unit: str = ""
    worse: Worse | None = None
    label: str = ""


def namespace(catalog: Mapping[str, MetricDef], thresholds: Mapping[str, str]
              ) -> dict[str, Leaf]:
    """Every valid name. ``thresholds`` maps threshold names to their units."""
    leaves: dict[str, Leaf] = {}

    def add(leaf: Leaf) -> None:
        leaves[leaf.path] = leaf

    for prefix, label in SCREENS.values():
        add(Leaf(f"{prefix}.present", "bool", label=f"{label} screen present"))
        add(Leaf(f"{prefix}.usable", "bool", label=f"{label} screen usable"))
        for m in catalog.values():
            add(Leaf(f"{prefix}.{m.name}", "number", m.unit, m.worse, f"{label}: {m.label}"))
            for side in SIDES:
                add(Leaf(f"{prefix}.{side}.{m.name}", "number", m.unit, m.worse,
                         f"{label}: {m.label} ({side})"))
        for side in SIDES:
            add(Leaf(f"{prefix}.{side}.reps_used", "number", "reps", "lower",
                     f"{label}: reps used ({side})"))
            add(Leaf(f"{prefix}.{side}.balance_lost_reps", "number", "reps", "higher",
                     f"{label}: reps with balance lost ({side})"))
        base = catalog.get(ASYMMETRY[1])
        add(Leaf(f"{prefix}.{ASYMMETRY[0]}", "number", "deg", "higher",
                 f"{label}: left-right difference of {base.label if base else ASYMMETRY[1]}"))
    for name, kind in _ATHLETE.items():
        add(Leaf(f"athlete.{name}", kind, label=f"athlete {name.replace('_', ' ')}"))
    for name, unit in thresholds.items():
        add(Leaf(f"threshold.{name}", "number", unit, label=f"threshold {name}"))
    return leaves


def engine_types(leaves: Mapping[str, Leaf]) -> dict[str, object]:
    """Nested rule-engine OBJECT types for the names (a type error is caught at parse time)."""
    tree: dict = {}
    for path, leaf in leaves.items():
        *parents, last = path.split(".")
        node = tree
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = leaf

    def build(name: str, node: dict) -> object:
        attrs = {k: _TYPES[v.kind] if isinstance(v, Leaf) else build(f"{name}.{k}", v)
                 for k, v in node.items()}
        return rule_engine.DataType.OBJECT(name, attributes=attrs, accessor=getitem)

    return {k: build(k, v) for k, v in tree.items()}


@dataclass(frozen=True)
class RuleContext:
    """One athlete's values under every name, and why a value is missing."""

    values: Mapping[str, Value]
    why: Mapping[str, str]
    screens: Mapping[str, MergedScreen] = field(default_factory=dict)

    def nested(self) -> dict:
        """The values as nested dicts, as rule-engine resolves them."""
        out: dict = {}
        for path, v in self.values.items():
            *parents, last = path.split(".")
            node = out
            for p in parents:
                node = node.setdefault(p, {})
            node[last] = v
        return out

    def reason(self, path: str) -> str:
        return self.why.get(path, "no value")

    def with_values(self, changes: Mapping[str, Value]) -> "RuleContext":
        """A copy with some values replaced (a None gets the reason "not measured")."""
        values = {**self.values, **changes}
        why = {k: v for k, v in self.why.items() if values.get(k) is None}
        why |= {k: "not measured" for k, v in changes.items() if v is None and k not in why}
        return replace(self, values=values, why=why)


def build_context(sources: Sequence[Source], athlete: AthleteFacts,
                  thresholds: Mapping[str, float], leaves: Mapping[str, Leaf],
                  catalog: Mapping[str, MetricDef]) -> RuleContext:
    """Merge the results and put every name's value (or None and a reason) in one context."""
    values: dict[str, Value] = {}
    why: dict[str, str] = {}
    screens = {}
    for test, (prefix, _) in SCREENS.items():
        merged = merge_screen(test, sources, list(catalog))
        screens[prefix] = merged
        values[f"{prefix}.present"] = merged.present
        values[f"{prefix}.usable"] = merged.usable
        for rel, v in merged.values.items():
            values[f"{prefix}.{rel}"] = v
        for rel, w in merged.why.items():
            why[f"{prefix}.{rel}"] = w
    facts = athlete.model_dump()
    for name in _ATHLETE:
        v = facts[name]
        values[f"athlete.{name}"] = float(v) if isinstance(v, int | float) and \
            not isinstance(v, bool) else v
        if v is None:
            why[f"athlete.{name}"] = f"athlete {name} not given"
    for name, v in thresholds.items():
        values[f"threshold.{name}"] = v
    unknown = set(values) - set(leaves)
    if unknown:  # a programming error: the namespace and the merge disagree
        raise AssertionError(f"values without a name: {sorted(unknown)[:5]}")
    for path in leaves:
        if path not in values:
            values[path] = None
            why.setdefault(path, "no value")
    return RuleContext(values, why, screens)
