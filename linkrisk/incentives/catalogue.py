"""The catalogue of measures (激励 / 惩戒): data a deployment edits, validated on load.

A catalogue is one TOML file::

    catalogue = "illustrative"         # a name
    version = "2026.1"                  # the catalogue's version, recorded with every check
    illustrative = true                 # shown on every answer: not an authority's real list

    [[measure]]
    id = "xyd-fast-track"               # unique, [a-z0-9-]
    name = "信易贷绿色通道"
    scenario = "信易贷"                  # one of SCENARIOS (a deployment may add its own)
    effect = "incentive"                # incentive (守信激励) | restriction (失信惩戒)
    applies_to = ["enterprise", "individual_business"]   # subject kinds
    authority = "…"                     # who grants or imposes it
    basis = "…"                         # legal basis: the document's title
    basis_number = "…"                  # and its number (文号), as configured
    effective_from = 2024-01-01         # optional effective_until
    description = "…"                   # what the window does, in Chinese
    rule = { all = [ { kind = "tier", in = ["A", "B"] }, … ] }

``load_catalogue`` raises ``RuleError`` naming the measure and the rule that do not validate.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from linkrisk.incentives.rules import Rule, RuleError, parse_rule
from linkrisk.loaders.records import SubjectKind

ILLUSTRATIVE_FILE = Path(__file__).with_name("catalogues") / "illustrative.toml"
#: the scenarios of the seed documents; a catalogue may name others in ``scenarios``
SCENARIOS = (
    "信易贷", "信易批", "信易租", "信易游", "信易医", "信易行",
    "政府采购", "招投标", "评优评先", "高消费",
)  # fmt: skip
EFFECTS = ("incentive", "restriction")
SUBJECT_KINDS = tuple(k.value for k in SubjectKind if k is not SubjectKind.UNKNOWN_ORG)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_FIELDS = {
    "id", "name", "scenario", "effect", "applies_to", "authority", "basis", "basis_number",
    "effective_from", "effective_until", "description", "rule",
}  # fmt: skip
_TOP = {"catalogue", "version", "illustrative", "scenarios", "measure", "note"}


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    name: str
    scenario: str
    effect: str
    applies_to: tuple[str, ...]
    authority: str
    basis: str
    basis_number: str
    effective_from: date
    effective_until: date | None
    description: str
    rule: Rule

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )

    def public(self) -> dict[str, Any]:
        """The measure's description (its rule aside) as plain data."""
        return {
            "id": self.id,
            "name": self.name,
            "scenario": self.scenario,
            "effect": self.effect,
            "applies_to": list(self.applies_to),
            "authority": self.authority,
            "basis": self.basis,
            "basis_number": self.basis_number,
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until and self.effective_until.isoformat(),
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class Catalogue:
    name: str
    version: str
    illustrative: bool
    scenarios: tuple[str, ...]
    measures: tuple[Measure, ...]
    digest: str  # SHA-256 of the file's bytes: which text the checks were made under

    def of_scenario(self, scenario: str) -> list[Measure]:
        return [m for m in self.measures if m.scenario == scenario]

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for m in self.measures if m.id == measure_id), None)


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue (default: the illustrative one shipped with linkrisk)."""
    path = path or ILLUSTRATIVE_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"cannot read the measures catalogue {path}: {exc.strerror}") from None
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path.name}: not a TOML catalogue: {exc}") from None
    return parse_catalogue(raw, digest=hashlib.sha256(data).hexdigest(), source=path.name)


def parse_catalogue(
    raw: dict[str, Any], *, digest: str = "", source: str = "catalogue"
) -> Catalogue:
    unknown = set(raw) - _TOP
    if unknown:
        raise RuleError(f"{source}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    for key in ("catalogue", "version"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleError(f"{source}: {key!r} (a non-empty string) is required")
    extra = raw.get("scenarios", [])
    if not isinstance(extra, list) or not all(isinstance(s, str) and s.strip() for s in extra):
        raise RuleError(f"{source}: 'scenarios' must be a list of names")
    scenarios = tuple(dict.fromkeys([*SCENARIOS, *extra]))
    items = raw.get("measure", [])
    if not isinstance(items, list) or not items:
        raise RuleError(f"{source}: no [[measure]] tables")
    measures: list[Measure] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        measure = _measure(item, f"{source}: measure[{i}]", scenarios)
        if measure.id in seen:
            raise RuleError(f"{source}: measure {measure.id!r} is defined twice")
        seen.add(measure.id)
        measures.append(measure)
    return Catalogue(
        name=raw["catalogue"],
        version=raw["version"],
        illustrative=bool(raw.get("illustrative", False)),
        scenarios=scenarios,
        measures=tuple(measures),
        digest=digest,
    )


def _measure(item: Any, where: str, scenarios: tuple[str, ...]) -> Measure:
    if not isinstance(item, dict):
        raise RuleError(f"{where}: a measure is a table")
    if isinstance(item.get("id"), str):
        where = f"{where.split(': ')[0]}: measure {item['id']!r}"
    unknown = set(item) - _FIELDS
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    text = {}
    for key in ("id", "name", "scenario", "effect", "authority", "basis", "description"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise RuleError(f"{where}: {key!r} (a non-empty string) is required")
        text[key] = value.strip()
    if not _ID.match(text["id"]):
        raise RuleError(f"{where}: id must be lower-case letters, digits and '-'")
    if text["scenario"] not in scenarios:
        raise RuleError(
            f"{where}: unknown scenario {text['scenario']!r}; declare it in 'scenarios'"
        )
    if text["effect"] not in EFFECTS:
        raise RuleError(f"{where}: effect must be one of {', '.join(EFFECTS)}")
    kinds = item.get("applies_to")
    if not isinstance(kinds, list) or not kinds or any(k not in SUBJECT_KINDS for k in kinds):
        raise RuleError(
            f"{where}: applies_to must list subject kinds from {', '.join(SUBJECT_KINDS)}"
        )
    start, end = item.get("effective_from"), item.get("effective_until")
    if not isinstance(start, date) or (end is not None and not isinstance(end, date)):
        raise RuleError(f"{where}: effective_from (and effective_until, if any) must be TOML dates")
    if end is not None and end < start:
        raise RuleError(f"{where}: effective_until {end} is before effective_from {start}")
    if "rule" not in item:
        raise RuleError(f"{where}: 'rule' is required")
    rule = parse_rule(item["rule"], f"{where} rule")
    number = item.get("basis_number", "")
    if not isinstance(number, str):
        raise RuleError(f"{where}: basis_number must be a string")
    return Measure(
        applies_to=tuple(dict.fromkeys(kinds)),
        basis_number=number.strip(),
        effective_from=start,
        effective_until=end,
        rule=rule,
        **text,
    )
