"""Versioned rule tables: event weights, time decay, disclosure periods (公示期) and repair rules.

The rules changed several times (2019, 2023, 2026), so they are data — one TOML file per
version in ``linkrisk/models/rules/``, each with the date it took effect — and the version in
force on the as-of date applies to every event counted on that date. A rule table compiles to
small lookup arrays indexed by the snapshot's integer codes, so that scoring millions of events
is a handful of fancy-indexing operations (see ``linkrisk.models.intrinsic``).

Examples
--------
>>> from datetime import date
>>> book = load_rules()
>>> book.in_force(date(2024, 1, 1)).version
'2023'
>>> book.in_force(date(2026, 10, 31)).version
'2026'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.relations import EVENT_CODES, RESULT_CODES, SEVERITY_CODES, STATUS_CODES
from linkrisk.loaders.records import ABNORMAL_RESULTS, EventType, Severity

#: the package's own rule tables
RULES_DIR = Path(__file__).with_name("rules")

_EVENT_FIELDS = ("weight", "half_life_days", "disclosure_months", "repair_min_months")


@dataclass(frozen=True, slots=True)
class EventRule:
    """How one event type (at one severity) counts."""

    weight: float
    half_life_days: float
    disclosure_months: int  # 0: no fixed period (counts until removed or repaired)
    repair_min_months: int


@dataclass(frozen=True, slots=True)
class RuleTable:
    """One version of the rules, in force from ``effective`` until the next version."""

    version: str
    effective: date
    title: str
    events: dict[tuple[EventType, Severity | None], EventRule]
    inspection_weights: dict[str, float]  # InspectionResult value → weight (abnormal results only)
    inspection_window_months: int
    inspection_half_life_days: float
    status_weights: dict[str, float]  # Status value → weight
    source: str = ""

    def rule(self, event_type: EventType, severity: Severity | None = None) -> EventRule:
        """The rule for an event type and severity (the type's own rule if none is specific)."""
        return self.events.get((event_type, severity)) or self.events[(event_type, None)]

    def event_arrays(self) -> dict[str, np.ndarray]:
        """Lookup arrays ``[type code, severity code + 1]`` (column 0: severity unknown)."""
        shape = (len(EVENT_CODES), len(SEVERITY_CODES) + 1)
        out = {name: np.zeros(shape, np.float64) for name in _EVENT_FIELDS}
        for t, event_type in enumerate(EVENT_CODES):
            for s, severity in enumerate((None, *SEVERITY_CODES)):
                rule = self.rule(event_type, severity)
                for name in _EVENT_FIELDS:
                    out[name][t, s] = getattr(rule, name)
        return out

    def inspection_weight_array(self) -> np.ndarray:
        """Weight per inspection result code (0 for results that are not abnormal)."""
        return np.array([self.inspection_weights.get(r.value, 0.0) for r in RESULT_CODES])

    def status_weight_array(self) -> np.ndarray:
        """Weight per status code, with a trailing 0 so that code -1 (unknown) indexes it."""
        return np.array([self.status_weights.get(s.value, 0.0) for s in STATUS_CODES] + [0.0])


@dataclass(frozen=True, slots=True)
class RuleBook:
    """All rule versions, oldest first."""

    tables: tuple[RuleTable, ...]

    def in_force(self, as_of: date) -> RuleTable:
        """The version in force on ``as_of``: the latest one that took effect on or before it."""
        valid = [t for t in self.tables if t.effective <= as_of]
        if not valid:
            first = self.tables[0]
            raise InputError(
                f"no rule table in force on {as_of}: the earliest ({first.version}) took effect"
                f" on {first.effective}"
            )
        return valid[-1]

    @property
    def versions(self) -> list[str]:
        return [t.version for t in self.tables]


def _event_rule(raw: dict[str, Any], base: EventRule | None, where: str) -> EventRule:
    unknown = set(raw) - set(_EVENT_FIELDS) - {"severity"}
    if unknown:
        raise InputError(f"{where}: unknown fields {sorted(unknown)}")
    values: dict[str, Any] = {}
    for name in _EVENT_FIELDS:
        if name in raw:
            values[name] = raw[name]
        elif base is not None:
            values[name] = getattr(base, name)
        else:
            raise InputError(f"{where}: missing field {name!r}")
    if (
        values["half_life_days"] <= 0
        or values["disclosure_months"] < 0
        or values["repair_min_months"] < 0
    ):
        raise InputError(f"{where}: half-life must be positive and periods non-negative")
    return EventRule(
        weight=float(values["weight"]),
        half_life_days=float(values["half_life_days"]),
        disclosure_months=int(values["disclosure_months"]),
        repair_min_months=int(values["repair_min_months"]),
    )


def parse_rule_table(raw: dict[str, Any], source: str = "<memory>") -> RuleTable:
    """Validate one parsed TOML document into a ``RuleTable`` (errors name the file and key)."""
    try:
        version, effective = str(raw["version"]), raw["effective"]
        events_raw, insp, status = raw["events"], raw["inspections"], raw["status"]
    except KeyError as exc:
        raise InputError(f"{source}: missing section or key {exc.args[0]!r}") from exc
    if not isinstance(effective, date):
        raise InputError(f"{source}: 'effective' must be a TOML date, e.g. 2023-05-01")
    known_types = {t.value for t in EventType}
    unknown = set(events_raw) - known_types
    missing = known_types - set(events_raw)
    if unknown or missing:
        raise InputError(
            f"{source}: event types unknown {sorted(unknown)}, missing {sorted(missing)}"
        )
    events: dict[tuple[EventType, Severity | None], EventRule] = {}
    for name, body in events_raw.items():
        event_type = EventType(name)
        base = _event_rule(body, None, f"{source} [events.{name}]")
        events[(event_type, None)] = base
        for sev_name, sev_body in body.get("severity", {}).items():
            if sev_name not in {s.value for s in Severity}:
                raise InputError(
                    f"{source} [events.{name}.severity]: unknown severity {sev_name!r}"
                )
            where = f"{source} [events.{name}.severity.{sev_name}]"
            events[(event_type, Severity(sev_name))] = _event_rule(sev_body, base, where)
    weights = {str(k): float(v) for k, v in insp.get("weights", {}).items()}
    not_abnormal = set(weights) - {r.value for r in ABNORMAL_RESULTS}
    if not_abnormal:
        raise InputError(
            f"{source} [inspections.weights]: not abnormal results {sorted(not_abnormal)}"
        )
    return RuleTable(
        version=version,
        effective=effective,
        title=str(raw.get("title", "")),
        events=events,
        inspection_weights=weights,
        inspection_window_months=int(insp["window_months"]),
        inspection_half_life_days=float(insp["half_life_days"]),
        status_weights={str(k): float(v) for k, v in status.items()},
        source=source,
    )


def load_rules(directory: Path | None = None) -> RuleBook:
    """Read every ``*.toml`` rule table in ``directory`` (default: the package's tables)."""
    directory = directory or RULES_DIR
    tables = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            try:
                raw = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise InputError(f"{path}: not valid TOML: {exc}") from exc
        tables.append(parse_rule_table(raw, str(path)))
    if not tables:
        raise InputError(f"no rule tables (*.toml) in {directory}")
    tables.sort(key=lambda t: t.effective)
    dates = [t.effective for t in tables]
    if len(set(dates)) != len(dates):
        raise InputError(f"two rule tables in {directory} take effect on the same date")
    return RuleBook(tuple(tables))
