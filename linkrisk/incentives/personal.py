"""A personal credit score (商鼎分 style) for persons and individual businesses.

The score is a base plus transparent, versioned point rules (``catalogues/personal_points.toml``,
illustrative): every line of the history names the rule, the record (event or commitment) and
its date, and the points it gave. Who may see it is not decided here: the API shows a score only
under the person's own authorisation (a consent), and masked subjects everywhere else.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from linkrisk.graph.relations import EVENT_CODES, NO_END, SEVERITY_CODES
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.incentives.commitments import Commitment
from linkrisk.incentives.rules import COMMITMENT_STATES, RuleError
from linkrisk.loaders.records import EventType, Severity
from linkrisk.vocabulary import label

POINTS_FILE = Path(__file__).with_name("catalogues") / "personal_points.toml"
EPOCH = date(1970, 1, 1)
SUBJECT_KINDS = ("person", "individual_business")
_RULE_KEYS = {"id", "label", "kind", "types", "severity", "active", "within_days", "status",
              "points", "max_points"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PointRule:
    id: str
    label: str
    kind: str  # event | commitment
    points: int
    types: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    active: bool = False
    within_days: int | None = None
    status: str = ""
    max_points: int | None = None


@dataclass(frozen=True, slots=True)
class PointRules:
    version: str
    illustrative: bool
    base: int
    floor: int
    ceiling: int
    rules: tuple[PointRule, ...]
    digest: str


def load_point_rules(path: Path | None = None) -> PointRules:
    """Read and validate the point rules; ``RuleError`` naming the rule otherwise."""
    path = path or POINTS_FILE
    data = path.read_bytes()
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path.name}: not TOML: {exc}") from None
    for key in ("version", "base", "floor", "ceiling"):
        if key not in raw:
            raise RuleError(f"{path.name}: {key!r} is required")
    rules = tuple(_rule(r, f"{path.name}: rule[{i}]") for i, r in enumerate(raw.get("rule", [])))
    if len({r.id for r in rules}) != len(rules):
        raise RuleError(f"{path.name}: rule ids must be unique")
    if not raw["floor"] <= raw["base"] <= raw["ceiling"]:
        raise RuleError(f"{path.name}: floor ≤ base ≤ ceiling does not hold")
    return PointRules(
        str(raw["version"]), bool(raw.get("illustrative")), int(raw["base"]), int(raw["floor"]),
        int(raw["ceiling"]), rules, hashlib.sha256(data).hexdigest(),
    )  # fmt: skip


def _rule(raw: dict[str, Any], where: str) -> PointRule:
    if isinstance(raw.get("id"), str):
        where = f"{where.split(': ')[0]}: rule {raw['id']!r}"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("id", "label", "kind"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise RuleError(f"{where}: {key!r} (a non-empty string) is required")
    points = raw.get("points")
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise RuleError(f"{where}: points must be a non-zero whole number")
    common = {"id": raw["id"], "label": raw["label"], "kind": raw["kind"], "points": points,
              "max_points": raw.get("max_points")}  # fmt: skip
    if raw["kind"] == "event":
        types = tuple(raw.get("types", ()))
        if not types or any(t not in {e.value for e in EventType} for t in types):
            raise RuleError(f"{where}: types must name event types")
        severity = tuple(raw.get("severity", ()))
        if any(s not in {v.value for v in Severity} for s in severity):
            raise RuleError(f"{where}: unknown severity in {severity}")
        active, days = bool(raw.get("active", False)), raw.get("within_days")
        if active == (days is not None):
            raise RuleError(f"{where}: give exactly one of active = true and within_days")
        return PointRule(types=types, severity=severity, active=active, within_days=days, **common)
    if raw["kind"] == "commitment":
        if raw.get("status") not in COMMITMENT_STATES:
            raise RuleError(f"{where}: status must be one of {', '.join(COMMITMENT_STATES)}")
        return PointRule(status=raw["status"], **common)
    raise RuleError(f"{where}: kind must be event or commitment")


def personal_score(
    rules: PointRules, snapshot: Snapshot, node: int, commitments: list[Commitment]
) -> dict[str, Any]:
    """The score of one subject on the snapshot's date, with its history line by line."""
    day = (snapshot.as_of - EPOCH).days
    ev = snapshot.events_of(node)
    lines: list[dict[str, Any]] = []
    total = rules.base
    for rule in rules.rules:
        found = _event_lines(rule, ev, day) if rule.kind == "event" else []
        if rule.kind == "commitment":
            found = [
                {"date": c.committed.isoformat(), "record": c.commitment_id,
                 "what": f"{c.matter}（{c.authority}）"}
                for c in commitments if c.state(snapshot.as_of) == rule.status
            ]  # fmt: skip
        given = 0
        for line in found:
            points = rule.points
            if rule.max_points is not None and abs(given + points) > rule.max_points:
                points = (rule.max_points - abs(given)) * (1 if rule.points > 0 else -1)
            if points == 0:
                break
            given += points
            lines.append({**line, "rule": rule.id, "label": rule.label, "points": points})
    lines.sort(key=lambda x: (x["date"], x["rule"]))
    total += sum(x["points"] for x in lines)
    score = max(rules.floor, min(rules.ceiling, total))
    return {
        "score": score,
        "base": rules.base,
        "rules_version": rules.version,
        "illustrative": rules.illustrative,
        "as_of": snapshot.as_of.isoformat(),
        "lines": lines,
    }


def _event_lines(rule: PointRule, ev: dict[str, Any], day: int) -> list[dict[str, Any]]:
    codes = {EVENT_CODES.index(EventType(t)) for t in rule.types}
    severities = {SEVERITY_CODES.index(Severity(s)) for s in rule.severity}
    out = []
    for k in range(len(ev.get("type", ()))):
        if int(ev["type"][k]) not in codes:
            continue
        if severities and int(ev["severity"][k]) not in severities:
            continue
        decided = int(ev["decision"][k])
        if rule.active:
            live = decided <= day < int(ev["disclosure_end"][k]) and day < int(ev["repair"][k])
            if not live:
                continue
        elif not day - (rule.within_days or 0) < decided <= day:
            continue
        when = EPOCH + timedelta(days=decided) if decided != NO_END else None
        event_id = bytes(ev["event_id"][k]).rstrip(b"\0").decode(errors="replace")
        type_name = EVENT_CODES[int(ev["type"][k])].value
        out.append({"date": when.isoformat() if when else "", "record": event_id,
                    "what": label("event_type", type_name)})  # fmt: skip
    return out
