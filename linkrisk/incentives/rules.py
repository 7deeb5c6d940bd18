"""Eligibility rules: a small declarative language over what linkrisk knows of a subject.

A rule is a TOML table. Leaves have a ``kind`` and compare a count (or a letter) with bounds;
``all``, ``any`` and ``not`` combine them. Every leaf kind and its keys:

- ``tier``: the risk tier letter (``none``: no tier, e.g. a person); key ``in``
- ``status``: registration status (active, revoked, cancelled, moved_out); key ``in``
- ``listing``: active listings of ``types`` (decided, not repaired, still disclosed)
- ``honour``: active red-list / honour records (守信激励, 红名单)
- ``events``: events of ``types`` decided in the last ``within_days`` days, repaired or not,
  optionally only of some ``severity``
- ``repair``: events of ``types`` repaired (信用修复) in the last ``within_days`` days
- ``commitments``: 信用承诺 in ``status`` (open 在期, kept 履约, broken 违诺), optionally only
  those dated in the last ``within_days`` days
- ``related``: related parties with an active listing of ``types``; ``relation`` is
  ``controller`` (holds ≥ ``min_share``, default 0.5), ``legal_representative``, ``officer``
  or ``shareholder``

The counting kinds take bounds ``min`` and/or ``max`` (inclusive whole numbers); a leaf
without bounds means ``min = 1``.
Parsing checks everything and raises ``RuleError`` naming the path of the offending rule
(``rule.all[1] (listing)``), so a catalogue that loads is a catalogue that evaluates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from linkrisk.errors import InputError
from linkrisk.loaders.records import EventType, Severity, Status

TIER_CHOICES = ("A", "B", "C", "D", "none")
RELATIONS = ("controller", "legal_representative", "officer", "shareholder")
COMMITMENT_STATES = ("open", "kept", "broken")
#: event types that are list memberships (名单), as opposed to one-off decisions
LIST_TYPES = (
    EventType.ABNORMAL_OPERATION,
    EventType.SERIOUS_DISHONEST,
    EventType.DISHONEST_DEBTOR,
    EventType.CONSUMPTION_RESTRICTION,
    EventType.KEY_ATTENTION,
    EventType.RED_LIST,
)


class RuleError(InputError):
    """A catalogue or rule that does not validate; the message names the rule."""


@dataclass(frozen=True, slots=True)
class Leaf:
    """One comparison. ``choices`` for letter kinds (tier, status); bounds for counts."""

    kind: str
    path: str
    choices: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    within_days: int | None = None
    status: str = ""
    relation: str = ""
    min_share: float = 0.5
    low: int | None = None
    high: int | None = None

    @property
    def key(self) -> tuple[Any, ...]:
        """What the fact depends on (bounds aside): leaves with equal keys share one array."""
        return (
            self.kind, self.types, self.severity, self.within_days,
            self.status, self.relation, self.min_share,
        )  # fmt: skip

    def wanted(self) -> str:
        """The condition in words, e.g. ``≤ 0`` or ``in A, B``."""
        if self.choices:
            return "in " + ", ".join(self.choices)
        if self.low is not None and self.high is not None:
            return f"= {self.low}" if self.low == self.high else f"{self.low}–{self.high}"
        return f"≥ {self.low}" if self.low is not None else f"≤ {self.high}"


@dataclass(frozen=True, slots=True)
class Combo:
    op: str  # all | any | not
    parts: tuple[Rule, ...]
    path: str


Rule = Leaf | Combo

_COMMON = {"kind"}
_KEYS: dict[str, set[str]] = {
    "tier": {"in"},
    "status": {"in"},
    "listing": {"types", "min", "max"},
    "honour": {"min", "max"},
    "events": {"types", "severity", "within_days", "min", "max"},
    "repair": {"types", "within_days", "min", "max"},
    "commitments": {"status", "within_days", "min", "max"},
    "related": {"relation", "types", "min_share", "min", "max"},
}
KINDS = tuple(_KEYS)
_EVENT_NAMES = tuple(t.value for t in EventType)
_LIST_NAMES = tuple(t.value for t in LIST_TYPES)


def parse_rule(raw: Any, path: str = "rule") -> Rule:
    """A rule from its TOML table; ``RuleError`` naming ``path`` when it does not validate."""
    if not isinstance(raw, Mapping):
        raise RuleError(f"{path}: a rule is a table, not {type(raw).__name__}")
    combos = [op for op in ("all", "any", "not") if op in raw]
    if combos:
        if len(raw) != 1:
            raise RuleError(f"{path}: {combos[0]!r} must be the only key of its table")
        op = combos[0]
        if op == "not":
            return Combo("not", (parse_rule(raw["not"], f"{path}.not"),), path)
        parts = raw[op]
        if not isinstance(parts, list) or not parts:
            raise RuleError(f"{path}.{op}: a non-empty list of rules is needed")
        return Combo(
            op, tuple(parse_rule(p, f"{path}.{op}[{i}]") for i, p in enumerate(parts)), path
        )
    kind = raw.get("kind")
    if kind not in _KEYS:
        raise RuleError(
            f"{path}: unknown rule kind {kind!r}; use one of {', '.join(KINDS)} (or all/any/not)"
        )
    where = f"{path} ({kind})"
    unknown = set(raw) - _KEYS[kind] - _COMMON
    if unknown:
        allowed = ", ".join(sorted(_KEYS[kind]))
        raise RuleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {allowed}")
    if kind in ("tier", "status"):
        names = TIER_CHOICES if kind == "tier" else tuple(s.value for s in Status)
        return Leaf(kind, where, choices=_names(raw, "in", names, where, required=True))
    low, high = _bounds(raw, where)
    leaf: dict[str, Any] = {"low": low, "high": high}
    if kind == "listing":
        leaf["types"] = _names(raw, "types", _LIST_NAMES, where, required=True)
    elif kind == "honour":
        leaf["types"] = (EventType.RED_LIST.value,)
    elif kind in ("events", "repair"):
        leaf["types"] = _names(raw, "types", _EVENT_NAMES, where, required=True)
        leaf["within_days"] = _days(raw, where, required=True)
        if kind == "events":
            leaf["severity"] = _names(raw, "severity", tuple(s.value for s in Severity), where)
    elif kind == "commitments":
        leaf["status"] = _one(raw, "status", COMMITMENT_STATES, where)
        leaf["within_days"] = _days(raw, where, required=False)
    else:  # related
        leaf["relation"] = _one(raw, "relation", RELATIONS, where)
        leaf["types"] = _names(raw, "types", _LIST_NAMES, where, required=True)
        share = raw.get("min_share", 0.5)
        if "min_share" in raw and raw["relation"] != "controller":
            raise RuleError(f"{where}: min_share applies to relation 'controller' only")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
            raise RuleError(f"{where}: min_share must be a number in (0, 1], not {share!r}")
        leaf["min_share"] = float(share)
    return Leaf(kind, where, **leaf)


def _names(
    raw: Mapping[str, Any],
    key: str,
    allowed: tuple[str, ...],
    where: str,
    *,
    required: bool = False,
) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        if required:
            raise RuleError(f"{where}: {key!r} is required (one or more of {', '.join(allowed)})")
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: {key!r} must be a non-empty list of names")
    bad = [v for v in value if v not in allowed]
    if bad:
        raise RuleError(
            f"{where}: unknown {key} {', '.join(map(repr, bad))}; use {', '.join(allowed)}"
        )
    return tuple(dict.fromkeys(value))


def _one(raw: Mapping[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str:
    value = raw.get(key)
    if value not in allowed:
        raise RuleError(f"{where}: {key!r} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def _days(raw: Mapping[str, Any], where: str, *, required: bool) -> int | None:
    value = raw.get("within_days")
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 36_600:
        raise RuleError(
            f"{where}: within_days must be a whole number of days from 1 to 36600, not {value!r}"
        )
    return value


def _bounds(raw: Mapping[str, Any], where: str) -> tuple[int | None, int | None]:
    low, high = raw.get("min"), raw.get("max")
    for name, value in (("min", low), ("max", high)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise RuleError(f"{where}: {name} must be a whole number ≥ 0, not {value!r}")
    if low is None and high is None:
        low = 1
    if low is not None and high is not None and low > high:
        raise RuleError(f"{where}: min {low} is greater than max {high}: the rule can never hold")
    return low, high


def leaves(rule: Rule) -> list[Leaf]:
    """Every leaf of ``rule``, depth first."""
    if isinstance(rule, Leaf):
        return [rule]
    return [leaf for part in rule.parts for leaf in leaves(part)]
