"""The typed namespace rules are written in, and the values of one athlete in it.

Names (the contract with the screens):

- ``{prefix}.present``, ``{prefix}.usable`` (bool) for every screen (``sls``, ``squat``,
  ``hop``, ``landing``);
- ``{prefix}.{side}.{metric}``: median of a catalogue metric for one leg, plus
  ``{prefix}.{side}.reps_used`` and ``{prefix}.{side}.balance_lost_reps``;
- ``{prefix}.{metric}``: a bilateral median; derived ``{prefix}.fppa_asymmetry_deg``;
- ``{prefix}.{side}.crossley.{criterion}`` and ``.overall`` (text ``good``/``fair``/``poor``):
  the Crossley 2011 rating stored in the result; ``{prefix}.less.errors|scored|total|band``
  (bilateral landing) and ``{prefix}.{side}.less.*`` (single-leg landings): the LESS score;
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
from ..ratings import with_ratings
from ..ratings.crossley import CRITERIA
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
        for leaf in rating_leaves(prefix, label):
            add(leaf)
        base = catalog.get(ASYMMETRY[1])
        add(Leaf(f"{prefix}.{ASYMMETRY[0]}", "number", "deg", "higher",
                 f"{label}: left-right difference of {base.label if base else ASYMMETRY[1]}"))
    for name, kind in _ATHLETE.items():
        add(Leaf(f"athlete.{name}", kind, label=f"athlete {name.replace('_', ' ')}"))
    for name, unit in thresholds.items():
        add(Leaf(f"threshold.{name}", "number", unit, label=f"threshold {name}"))
    return leaves


def rating_leaves(prefix: str, label: str) -> list[Leaf]:
    """The names of the ratings (Crossley per leg, LESS bilateral and per leg)."""
    out = []
    for side in SIDES:
        for crit in (*CRITERIA, "overall"):
            out.append(Leaf(f"{prefix}.{side}.crossley.{crit}", "text",
                            label=f"{label}: Crossley {crit.replace('_', ' ')} ({side})"))
    for where in ("", *(f"{s}." for s in SIDES)):
        for name, (kind, unit, worse) in LESS_LEAVES.items():
            out.append(Leaf(f"{prefix}.{where}less.{name}", kind, unit, worse,  # type: ignore[arg-type]
                            f"{label}: LESS {name} {where.rstrip('.')}".rstrip()))
    return out


LESS_LEAVES = {"errors": ("number", "errors", "higher"), "scored": ("number", "items", "lower"),
               "total": ("number", "errors", "higher"), "band": ("text", "", None)}


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
    spread: Mapping[str, float] = field(default_factory=dict)  # half-width of a median's CI

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
    """Merge the results and put every name's value (or None and a reason) in one context.

    The results are re-rated (Crossley, LESS) with ``thresholds``, the rules in force for the
    athlete's sex, so a clinic's rating thresholds and per-sex cut-offs apply.
    """
    source = f"rules in force, sex {athlete.sex}"
    sources = [replace(s, result=with_ratings(s.result, thresholds, source)) for s in sources]
    values: dict[str, Value] = {}
    why: dict[str, str] = {}
    spread: dict[str, float] = {}
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
        spread |= {f"{prefix}.{rel}": h for rel, h in merged.spread.items()}
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
    return RuleContext(values, why, screens, spread)
