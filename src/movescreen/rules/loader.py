"""Load, merge and validate rules files: the packaged defaults, then a clinic's file or folder.

Later files override earlier ones item by item: a threshold, SDD, screen, phase or exercise
table replaces the keys it gives; a rule with an existing ``id`` replaces the fields it gives
(``enabled = false`` switches a default rule off); new ids add rules. Everything is then
validated together, and an error names the file, the item and the reason.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..catalog import MetricDef, load_catalog
from ..errors import MovescreenError
from .context import Leaf, engine_types, namespace
from .expr import Condition, ConditionError, compile_condition
from .merge import SCREENS, SIDES
from .schema import (
    PHASES,
    ExerciseSpec,
    PhaseSpec,
    RulesetMeta,
    RuleSpec,
    ScreenSpec,
    SddSpec,
    Sex,
    ThresholdSpec,
)

DEFAULT_FILES = ("default_rules.toml", "ratings.toml", "exercises.toml")
_TABLES = ("phases", "screens", "thresholds", "sdd", "exercises")
_SECTIONS = {"ruleset", "rules", *_TABLES}
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class CompiledRule:
    """One rule for one leg (or for both, when it has no sides)."""

    spec: RuleSpec
    id: str  # "sls-fppa/left", or the rule id
    side: str | None
    condition: Condition
    metric: str | None  # limiting metric: what a re-test compares
    file: str
    order: int


@dataclass(frozen=True)
class RuleSet:
    meta: RulesetMeta
    files: tuple[str, ...]
    phases: Mapping[int, PhaseSpec]
    screens: Mapping[str, ScreenSpec]
    thresholds: Mapping[str, ThresholdSpec]
    sdd: Mapping[str, SddSpec]
    rules: tuple[CompiledRule, ...]
    exercises: Mapping[str, ExerciseSpec]
    leaves: Mapping[str, Leaf]
    catalog: Mapping[str, MetricDef]

    def thresholds_for(self, sex: Sex) -> dict[str, float]:
        return {k: t.for_sex(sex) for k, t in self.thresholds.items()}  # type: ignore[misc]

    def sdd_for(self, path: str) -> SddSpec | None:
        return self.sdd.get(sdd_key(path))


def sdd_key(path: str) -> str:
    """``sls.left.fppa_peak_deg`` -> ``sls.fppa_peak_deg`` (one SDD for both legs)."""
    return ".".join(p for p in path.split(".") if p not in SIDES)


class _Err(MovescreenError):
    def __init__(self, file: str, what: str, reason: str) -> None:
        super().__init__(f"{file}: {what}: {reason}")


def _pyd(exc: ValidationError) -> str:
    def one(e: dict) -> str:
        msg = e["msg"].removeprefix("Value error, ")
        return f"{'.'.join(map(str, e['loc']))}: {msg}" if e["loc"] else msg

    return "; ".join(one(e) for e in exc.errors())  # type: ignore[arg-type]


def _read(name: str, text: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _Err(name, "file", f"not valid TOML: {exc}") from None
    for key in data:
        if key not in _SECTIONS:
            raise _Err(name, "file", f"unknown section '{key}' (known: "
                       f"{', '.join(sorted(_SECTIONS))})")
    for key in _TABLES:
        if not isinstance(data.get(key, {}), dict) or not all(
                isinstance(v, dict) for v in data.get(key, {}).values()):
            raise _Err(name, key, f"write it as [{key}.<name>] tables")
    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise _Err(name, "rules", "write each rule as a [[rules]] table")
    seen = set()
    for i, r in enumerate(rules, 1):
        rid = r.get("id")
        if not isinstance(rid, str):
            raise _Err(name, f"rule #{i}", "every rule needs an 'id' (a string)")
        if rid in seen:
            raise _Err(name, f"rule '{rid}'", "the id is used twice in this file")
        seen.add(rid)
    return data


def rule_files(path: Path | None) -> list[tuple[str, str]]:
    """(name, text) of the defaults, then of ``path`` (a .toml file or a folder of them)."""
    pkg = resources.files("movescreen.rules")
    out = [(f"movescreen:{f}", pkg.joinpath(f).read_text("utf-8")) for f in DEFAULT_FILES]
    if path is None:
        return out
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.toml"))
        if not files:
            raise MovescreenError(f"{path}: the rules folder holds no .toml file.")
    elif path.is_file():
        files = [path]
    else:
        raise MovescreenError(f"{path}: no such rules file or folder.")
    for f in files:
        try:
            out.append((str(f), f.read_text("utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise MovescreenError(f"{f}: cannot read the rules file ({exc}).") from None
    return out


def load_rules(path: Path | None = None) -> RuleSet:
    """The rules in force: defaults, overridden or extended by ``path``."""
    return build_ruleset(rule_files(path))


def build_ruleset(files: list[tuple[str, str]]) -> RuleSet:
    """Merge and validate (name, TOML text) pairs, later files overriding earlier ones."""
    tables: dict[str, dict[str, dict]] = {k: {} for k in _TABLES}
    where: dict[tuple[str, str], str] = {}
    meta: dict = {}
    meta_file = ""
    rules: dict[str, dict] = {}
    for name, text in files:
        data = _read(name, text)
        if "ruleset" in data:
            meta, meta_file = {**meta, **data["ruleset"]}, name
        for key in _TABLES:
            for item, body in data.get(key, {}).items():
                tables[key][item] = {**tables[key].get(item, {}), **body}
                where[key, item] = name
        for body in data.get("rules", []):
            rules[body["id"]] = {**rules.get(body["id"], {}), **body}
            where["rules", body["id"]] = name
    v = _Validator(where)
    meta_ok = v.model(RulesetMeta, meta, meta_file or files[0][0], "ruleset")
    phases = _phases(v, tables["phases"])
    screens = {k: v.model(ScreenSpec, b, where["screens", k], f"screen '{k}'")
               for k, b in tables["screens"].items()}
    prefixes = {p for p, _ in SCREENS.values()}
    for k in screens:
        if k not in prefixes:
            raise _Err(where["screens", k], f"screen '{k}'",
                       f"unknown screen (known: {', '.join(sorted(prefixes))})")
    thresholds = {k: v.model(ThresholdSpec, b, where["thresholds", k], f"threshold '{k}'")
                  for k, b in tables["thresholds"].items()}
    exercises = {k: v.model(ExerciseSpec, b, where["exercises", k], f"exercise '{k}'")
                 for k, b in tables["exercises"].items()}
    _check_exercises(exercises, phases, where)
    catalog = load_catalog()
    leaves = namespace(catalog, {k: t.unit for k, t in thresholds.items()})
    sdd = {k: v.model(SddSpec, b, where["sdd", k], f"sdd '{k}'")
           for k, b in tables["sdd"].items()}
    for k in sdd:
        if not any(sdd_key(p) == k and leaves[p].kind == "number" for p in leaves
                   if p.startswith(k.split(".")[0] + ".")):
            raise _Err(where["sdd", k], f"sdd '{k}'", "unknown metric name (write "
                       "'<screen>.<metric>', without the side)")
    types = engine_types(leaves)
    compiled: list[CompiledRule] = []
    for order, (rid, body) in enumerate(rules.items()):
        file = where["rules", rid]
        spec = v.model(RuleSpec, body, file, f"rule '{rid}'")
        if spec.enabled:
            compiled += _compile(spec, file, order, types, leaves, exercises, sdd)
    return RuleSet(meta_ok, tuple(n for n, _ in files), phases, screens, thresholds, sdd,
                   tuple(compiled), exercises, leaves, catalog)


class _Validator:
    def __init__(self, where: dict) -> None:
        self.where = where

    def model(self, cls: type[M], body: dict, file: str, what: str) -> M:
        try:
            return cls.model_validate(body)
        except ValidationError as exc:
            raise _Err(file, what, _pyd(exc)) from None


def _phases(v: _Validator, bodies: dict[str, dict]) -> dict[int, PhaseSpec]:
    out = {}
    for key, body in bodies.items():
        file = v.where["phases", key]
        if not key.isdigit() or int(key) not in PHASES:
            raise _Err(file, f"phase '{key}'", "phase out of range (0-4)")
        out[int(key)] = v.model(PhaseSpec, body, file, f"phase {key}")
    missing = [str(p) for p in PHASES if p not in out]
    if missing:
        raise _Err("rules", "phases", f"no name or focus for phase(s) {', '.join(missing)}")
    return dict(sorted(out.items()))


def _check_exercises(exercises: dict[str, ExerciseSpec], phases: dict[int, PhaseSpec],
                     where: dict) -> None:
    for k, ex in exercises.items():
        if ex.progression is not None and ex.progression not in exercises:
            raise _Err(where["exercises", k], f"exercise '{k}'",
                       f"progression '{ex.progression}' is not in the exercise library")
    for p, spec in phases.items():
        for e in spec.exercises:
            file = where["phases", str(p)]
            if e not in exercises:
                raise _Err(file, f"phase {p}", f"exercise '{e}' is not in the exercise library")
            if not exercises[e].phase_min <= p <= exercises[e].phase_max:
                raise _Err(file, f"phase {p}", f"exercise '{e}' is for phase(s) "
                           f"{exercises[e].phases}, not {p}")


def _compile(spec: RuleSpec, file: str, order: int, types: dict, leaves: Mapping[str, Leaf],
             exercises: Mapping[str, ExerciseSpec], sdd: Mapping[str, SddSpec]
             ) -> list[CompiledRule]:
    what = f"rule '{spec.id}'"
    for e in spec.exercises:
        if e not in exercises:
            raise _Err(file, what, f"exercise '{e}' is not in the exercise library")
        ex = exercises[e]
        if not ex.phase_min <= spec.phase <= ex.phase_max:
            raise _Err(file, what, f"phase {spec.phase} is out of range for exercise '{e}' "
                       f"(phase {ex.phases})")
    out = []
    for side in (SIDES if spec.sides else (None,)):
        when, metric = spec.expand(side)
        try:
            cond = compile_condition(when, types, leaves)
        except ConditionError as exc:
            raise _Err(file, what, str(exc)) from None
        if metric is not None and (metric not in leaves or leaves[metric].kind != "number"):
            raise _Err(file, what, f"metric '{metric}' is not a numeric metric name")
        if metric is not None and metric not in cond.paths:
            raise _Err(file, what, f"metric '{metric}' is not used in 'when'")
        metric = metric or next((p for p in cond.paths if leaves[p].kind == "number"
                                 and p.split(".")[0] not in ("athlete", "threshold")), None)
        if spec.gate and spec.phase >= 1 and metric is not None and sdd_key(metric) not in sdd:
            raise _Err(file, what, f"gated metric '{metric}' has no smallest detectable "
                       f"difference; add [sdd.\"{sdd_key(metric)}\"] with value and source")
        rid = f"{spec.id}/{side}" if side else spec.id
        out.append(CompiledRule(spec, rid, side, cond, metric, file, order))
    return out
