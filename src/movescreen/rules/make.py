"""Results -> plan.json: the plan-making step every front end shares (no printing here)."""

from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from ..atomic import atomic_write_text
from ..errors import MovescreenError
from ..results import ScreenResult
from .athlete import AthleteFacts
from .plan import PLAN_SCHEMA_VERSION, Plan

PLAN = "plan.json"


def _read_json(path: Path) -> str:
    try:
        return Path(path).read_text("utf-8")
    except OSError as exc:
        raise MovescreenError(f"{path}: cannot read it ({exc.strerror}).") from None


def load_results(paths: Sequence[Path]) -> list[tuple[str, ScreenResult]]:
    out = []
    for p in paths:
        try:
            r = ScreenResult.from_json(_read_json(p))
        except ValidationError as exc:
            raise MovescreenError(f"{p}: not a movescreen results.json "
                                  f"({exc.errors()[0]['msg']}).") from None
        if r.schema_version.split(".")[0] != "1":
            raise MovescreenError(f"{p}: results schema {r.schema_version} is not supported "
                                  "(expected 1.x).")
        out.append((str(p), r))
    return out


def previous_plan(paths: Sequence[Path], athlete: AthleteFacts, rules: Path | None
              ) -> Plan | None:
    """An earlier plan.json, or the plan earlier results.json files give (pain not carried)."""
    if not paths:
        return None
    if len(paths) == 1:
        text = _read_json(paths[0])
        try:
            plan = Plan.from_json(text)
        except ValidationError:
            pass
        else:
            if plan.schema_version.split(".")[0] != PLAN_SCHEMA_VERSION.split(".")[0]:
                raise MovescreenError(f"{paths[0]}: plan schema {plan.schema_version} is not "
                                      f"supported (expected {PLAN_SCHEMA_VERSION}).")
            return plan
    try:
        earlier = load_results(paths)
    except MovescreenError as exc:
        raise MovescreenError(f"--previous: give one plan.json or results.json files. "
                              f"{exc.message}") from None
    from .loader import load_rules
    from .planner import recommend

    then = athlete.model_copy(update={"pain": None, "pain_sharp": False,
                                      "pain_persistent": False, "swelling": False})
    return recommend([r for _, r in earlier], then, load_rules(rules),
                     sources=[n for n, _ in earlier])


def make_plan(results: Sequence[tuple[str, ScreenResult]], athlete: AthleteFacts,
              out_dir: Path, *, rules: Path | None = None,
              previous: Sequence[Path] = ()) -> tuple[Plan, Path]:
    """The starting phase and exercise plan; writes ``out_dir/plan.json`` atomically.

    ``results`` pairs each result with the name used for it in messages (e.g. its path);
    ``previous`` is an earlier plan.json or earlier results.json files (a re-test).
    """
    from .loader import load_rules
    from .planner import recommend

    plan = recommend([r for _, r in results], athlete, load_rules(rules),
                     sources=[n for n, _ in results],
                     previous=previous_plan(previous, athlete, rules))
    path = Path(out_dir) / PLAN
    atomic_write_text(path, plan.to_json() + "\n")
    return plan, path


