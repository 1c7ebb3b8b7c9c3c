"""Conditions as typed rule-engine expressions: compile (with type checks) and list the names used.

rule-engine parses the text against the typed namespace, so an unknown name, an unknown
attribute or a type mismatch (``sls.left.fppa_peak_deg > 'x'``) fails at load time, not
while a plan is made. Nothing is ever passed to ``eval``.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import rule_engine
from rule_engine.ast import ExpressionBase, GetAttributeExpression, SymbolExpression

from .context import Leaf


class ConditionError(ValueError):
    """A condition that does not parse or does not type-check; the message says why."""


@dataclass(frozen=True)
class Condition:
    text: str
    rule: rule_engine.Rule
    paths: tuple[str, ...]  # every value name used, in order of appearance

    def matches(self, nested: Mapping) -> bool:
        return bool(self.rule.matches(nested))


def _chain(node: object) -> str | None:
    """``a.b.c`` for an attribute chain rooted at a context symbol, else None."""
    if isinstance(node, SymbolExpression):
        return node.name if node.scope is None else None
    if isinstance(node, GetAttributeExpression):
        base = _chain(node.object)
        return None if base is None else f"{base}.{node.name}"
    return None


def _children(node: object) -> Iterator[object]:
    names: set[str] = set()
    for cls in type(node).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        names.update((slots,) if isinstance(slots, str) else slots)
    names.update(getattr(node, "__dict__", {}))
    for name in sorted(names - {"context"}):
        stack = [getattr(node, name, None)]
        while stack:
            item = stack.pop()
            if isinstance(item, ExpressionBase):
                yield item
            elif isinstance(item, tuple | list):
                stack.extend(reversed(item))


def _paths(root: ExpressionBase, leaves: Mapping[str, Leaf], groups: set[str]) -> list[str]:
    found: list[str] = []

    def visit(node: object) -> None:
        name = _chain(node)
        if name is not None:
            parts = name.split(".")
            for k in range(len(parts), 0, -1):
                if ".".join(parts[:k]) in leaves:
                    found.append(".".join(parts[:k]))
                    return
            if name in groups:
                raise ConditionError(f"'{name}' is a group of values, not a value")
            return  # a comprehension variable
        for child in _children(node):
            visit(child)

    visit(root)
    return list(dict.fromkeys(found))


def _message(exc: rule_engine.EngineError) -> str:
    if isinstance(exc, rule_engine.errors.SymbolResolutionError):
        hint = f" (did you mean '{exc.suggestion}'?)" if exc.suggestion else ""
        return f"unknown name '{exc.symbol_name}'{hint}"
    if isinstance(exc, rule_engine.errors.AttributeResolutionError):
        hint = f" (did you mean '{exc.suggestion}'?)" if exc.suggestion else ""
        owner = getattr(exc.object, "name", None)
        if not isinstance(owner, str) or not getattr(exc.object, "is_object", False):
            return f"unknown attribute '{exc.attribute_name}'{hint}"
        kind = {"threshold": "threshold", "athlete": "athlete fact"}.get(owner, "metric name")
        return f"unknown {kind} '{owner}.{exc.attribute_name}'{hint}"
    if isinstance(exc, rule_engine.RuleSyntaxError):
        where = f" near '{exc.token.value}'" if exc.token is not None else " (incomplete)"
        return f"syntax error{where}"
    return f"type error: {exc.message}" if "type" in exc.message else exc.message


def compile_condition(text: str, types: Mapping[str, object], leaves: Mapping[str, Leaf]
                      ) -> Condition:
    """Parse and type-check ``text``; it must be a boolean expression."""
    ctx = rule_engine.Context(type_resolver=dict(types), mapping_attribute_lookup=False,
                              default_timezone="utc")
    try:
        rule = rule_engine.Rule(text, context=ctx)
    except rule_engine.EngineError as exc:
        raise ConditionError(f"'{text}': {_message(exc)}") from None
    result = rule.statement.expression.result_type
    if result != rule_engine.DataType.BOOLEAN:
        raise ConditionError(f"'{text}' gives a {result.name.lower()} value, not true/false")
    groups = {".".join(p.split(".")[:k]) for p in leaves for k in range(1, p.count(".") + 1)}
    try:
        paths = _paths(rule.statement.expression, leaves, groups)
    except ConditionError as exc:
        raise ConditionError(f"'{text}': {exc}") from None
    return Condition(text, rule, tuple(paths))
