"""The rules engine: from screen results and athlete facts to a starting phase and a plan.

Rules, rating thresholds and the exercise library are data (``default_rules.toml``,
``ratings.toml``, ``exercises.toml``); a clinic can override or extend them with its own file
or folder. See docs/rules.md.

Names are imported on first use: rule-engine builds its parser when imported (~0.3 s), which
every ``movescreen`` command would otherwise pay.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .athlete import AthleteFacts, load_athlete
    from .loader import RuleSet, load_rules
    from .plan import PLAN_SCHEMA_VERSION, Plan
    from .planner import recommend

_EXPORTS = {"AthleteFacts": "athlete", "load_athlete": "athlete", "RuleSet": "loader",
            "load_rules": "loader", "PLAN_SCHEMA_VERSION": "plan", "Plan": "plan",
            "recommend": "planner"}
__all__ = ["PLAN_SCHEMA_VERSION", "AthleteFacts", "Plan", "RuleSet", "load_athlete",
           "load_rules", "recommend"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
