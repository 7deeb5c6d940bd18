"""The parameters of a 双随机 plan, validated, with one canonical JSON form and its digest.

The canonical form (keys sorted, no spaces, ratios as decimal strings, dates ISO) is what is
published and hashed: anyone holding it can recompute the parameters' digest, and the draw uses
exactly these values. Ratios are decimals, not floats, so that ⌈ratio × N⌉ is exact
(``0.03 × 100`` is 3, not 3.0000000000000004 → 4).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from linkrisk.errors import InputError
from linkrisk.loaders.records import ORG_KINDS, Status, SubjectKind

TIERS = (
    "A",
    "B",
    "C",
    "D",
)  # 信用风险低 / 一般 / 较高 / 高, codes 0..3 as in linkrisk.models.scores

#: Default sampling ratios per tier: low risk sampled less, high risk always (one city's rule
#: is A ≤ 5%, B 5–20%, C 21–60%, D 61–100%; these sit inside it). A may be 0 (complaints only).
DEFAULT_RATIOS = (Decimal("0.03"), Decimal("0.10"), Decimal("0.30"), Decimal("1"))

#: Default scope: organisations only (persons are never 双随机 subjects), active ones only.
DEFAULT_KINDS = tuple(
    sorted(
        k.value
        for k in ORG_KINDS
        if k not in (SubjectKind.UNKNOWN_ORG, SubjectKind.FOREIGN_ORG)  # not inspected here
    )
)
DEFAULT_STATUSES = (Status.ACTIVE.value,)

# "|" separates plan id and subject key in the HMAC message, so a plan id must not contain it.
_PLAN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
MAX_EXTENDED_HOPS = 3  # 延伸检查 beyond three hops reaches most of a city's graph


@dataclass(frozen=True, slots=True)
class Scope:
    """Which subjects a plan covers. An empty prefix or list means "any"."""

    region_prefix: str = ""  # leading digits of the 6-digit 行政区划 code, e.g. "3201"
    industry_prefixes: tuple[str, ...] = ()  # GB/T 4754 code prefixes, e.g. ("C", "F52")
    kinds: tuple[str, ...] = DEFAULT_KINDS
    statuses: tuple[str, ...] = DEFAULT_STATUSES


@dataclass(frozen=True, slots=True)
class PlanParams:
    """Everything that determines a plan's frame and draw (except the data and the seed).

    Parameters
    ----------
    plan_id, name
        Identifier (letters, digits, ``.``, ``_``, ``-``) and title of the plan.
    departments
        Departments taking part (several for a 跨部门联合抽查); inspectors come from these.
    matters
        Codes of the matters inspected (检查事项); inspectors must be qualified for one of them.
    inspect_start, inspect_end
        The inspection period; publication is due 20 working days after ``inspect_end``.
    ratios, minimums
        Per tier A..D: the sampled fraction of the stratum and the least number drawn.
    abnormal_from
        Earlier plans whose abnormal results put a subject on this plan's mandatory list.
    extended_hops
        延伸检查: firms within this many hops of the shareholders of listed (blacklisted) firms
        are included (0: none).
    recent_days
        无事不扰: subjects inspected within this many days before ``inspect_start`` are left
        out of the frame (None: no such exclusion).
    once_per_year
        Leave out subjects already inspected this calendar year on one of the plan's matters.
    team_size, max_per_inspector
        Inspectors per subject (at least 2) and the most subjects one inspector is given.
    joint
        部门联合抽查: every team mixes the departments, team slot ``j`` drawn from department
        ``j mod len(departments)``'s inspectors (so each department contributes to each team).
    """

    plan_id: str
    name: str
    departments: tuple[str, ...]
    matters: tuple[str, ...]
    inspect_start: date
    inspect_end: date
    scope: Scope = field(default_factory=Scope)
    ratios: tuple[Decimal, ...] = DEFAULT_RATIOS
    minimums: tuple[int, ...] = (0, 0, 0, 0)
    abnormal_from: tuple[str, ...] = ()
    extended_hops: int = 0
    recent_days: int | None = None
    once_per_year: bool = True
    team_size: int = 2
    max_per_inspector: int | None = None
    joint: bool = False

    def __post_init__(self) -> None:
        _check(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "name": self.name,
            "departments": list(self.departments),
            "matters": list(self.matters),
            "inspect_start": self.inspect_start.isoformat(),
            "inspect_end": self.inspect_end.isoformat(),
            "scope": {
                "region_prefix": self.scope.region_prefix,
                "industry_prefixes": list(self.scope.industry_prefixes),
                "kinds": list(self.scope.kinds),
                "statuses": list(self.scope.statuses),
            },
            "ratios": {t: _decimal_text(r) for t, r in zip(TIERS, self.ratios, strict=True)},
            "minimums": dict(zip(TIERS, self.minimums, strict=True)),
            "abnormal_from": list(self.abnormal_from),
            "extended_hops": self.extended_hops,
            "recent_days": self.recent_days,
            "once_per_year": self.once_per_year,
            "team_size": self.team_size,
            "max_per_inspector": self.max_per_inspector,
            **({"joint": True} if self.joint else {}),
        }

    def canonical_json(self) -> str:
        """The published form: sorted keys, no whitespace, UTF-8 text."""
        return canonical_json(self.to_dict())

    @property
    def digest(self) -> str:
        return sha256_hex(self.canonical_json().encode())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanParams:
        try:
            scope = data.get("scope", {})
            ratios = data.get("ratios", {})
            minimums = data.get("minimums", {})
            return cls(
                plan_id=str(data["plan_id"]),
                name=str(data["name"]),
                departments=tuple(data["departments"]),
                matters=tuple(data["matters"]),
                inspect_start=date.fromisoformat(data["inspect_start"]),
                inspect_end=date.fromisoformat(data["inspect_end"]),
                scope=Scope(
                    region_prefix=str(scope.get("region_prefix", "")),
                    industry_prefixes=tuple(scope.get("industry_prefixes", ())),
                    kinds=tuple(scope.get("kinds", DEFAULT_KINDS)),
                    statuses=tuple(scope.get("statuses", DEFAULT_STATUSES)),
                ),
                ratios=tuple(
                    parse_ratio(str(ratios.get(t, d)))
                    for t, d in zip(TIERS, DEFAULT_RATIOS, strict=True)
                ),
                minimums=tuple(int(minimums.get(t, 0)) for t in TIERS),
                abnormal_from=tuple(data.get("abnormal_from", ())),
                extended_hops=int(data.get("extended_hops", 0)),
                recent_days=None if data.get("recent_days") is None else int(data["recent_days"]),
                once_per_year=bool(data.get("once_per_year", True)),
                team_size=int(data.get("team_size", 2)),
                max_per_inspector=(
                    None
                    if data.get("max_per_inspector") is None
                    else int(data["max_per_inspector"])
                ),
                joint=bool(data.get("joint", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"plan parameters are incomplete or malformed: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> PlanParams:
        return cls.from_dict(json.loads(text))

    def with_ratio(self, tier: str, ratio: Decimal) -> PlanParams:
        ratios = list(self.ratios)
        ratios[tier_code(tier)] = ratio
        return replace(self, ratios=tuple(ratios))


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tier_code(letter: str) -> int:
    """``"A"`` → 0 … ``"D"`` → 3."""
    try:
        return TIERS.index(letter.strip().upper())
    except ValueError:
        raise InputError(f"unknown tier {letter!r}: use one of {', '.join(TIERS)}") from None


def parse_ratio(text: str) -> Decimal:
    """``"0.03"``, ``"3%"`` or ``"1/3"`` → an exact decimal fraction in [0, 1]."""
    raw = text.strip()
    try:
        if raw.endswith("%"):
            value = Decimal(raw[:-1]) / 100
        elif "/" in raw:
            num, den = raw.split("/", 1)
            value = Decimal(num) / Decimal(den)
        else:
            value = Decimal(raw)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        raise InputError(f"ratio {text!r} is not a number, a percentage or a fraction") from None
    if not value.is_finite() or value < 0 or value > 1:
        raise InputError(f"ratio {text!r} must lie between 0 and 1 (0% and 100%)")
    return value.normalize() if value else Decimal(0)


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def _check(p: PlanParams) -> None:
    if not _PLAN_ID.match(p.plan_id):
        raise InputError(
            f"plan id {p.plan_id!r} must be 1–64 letters, digits, '.', '_' or '-' (no '|')"
        )
    if not p.name.strip():
        raise InputError("a plan needs a name")
    if not p.departments or any(not d.strip() for d in p.departments):
        raise InputError("a plan needs at least one department")
    if not p.matters or any(not m.strip() for m in p.matters):
        raise InputError("a plan needs at least one matter (检查事项) code")
    if p.inspect_end < p.inspect_start:
        raise InputError(f"inspection end {p.inspect_end} is before its start {p.inspect_start}")
    if len(p.ratios) != len(TIERS) or len(p.minimums) != len(TIERS):
        raise InputError(f"ratios and minimums need one value per tier {TIERS}")
    for tier, ratio in zip(TIERS, p.ratios, strict=True):
        if not isinstance(ratio, Decimal) or not (0 <= ratio <= 1):
            raise InputError(f"ratio of tier {tier} must be a Decimal in [0, 1], not {ratio!r}")
    if any(m < 0 for m in p.minimums):
        raise InputError("tier minimums cannot be negative")
    if not 0 <= p.extended_hops <= MAX_EXTENDED_HOPS:
        raise InputError(f"extended_hops must be between 0 and {MAX_EXTENDED_HOPS}")
    if p.recent_days is not None and p.recent_days < 0:
        raise InputError("recent_days cannot be negative")
    if p.team_size < 2:
        raise InputError("双随机 needs at least 2 inspectors per subject")
    if p.max_per_inspector is not None and p.max_per_inspector < 1:
        raise InputError("max_per_inspector must be at least 1")
    if p.joint and len(set(p.departments)) < 2:
        raise InputError("a joint inspection (部门联合抽查) needs at least two departments")
    if p.joint and p.team_size < len(p.departments):
        raise InputError(
            f"a joint inspection of {len(p.departments)} departments needs teams of at least"
            f" {len(p.departments)} (one inspector per department)"
        )
    unknown = set(p.scope.kinds) - {k.value for k in SubjectKind}
    if unknown:
        raise InputError(f"unknown subject kinds {sorted(unknown)}")
    bad_status = set(p.scope.statuses) - {s.value for s in Status}
    if bad_status:
        raise InputError(f"unknown statuses {sorted(bad_status)}")
    if p.scope.region_prefix and not (
        p.scope.region_prefix.isdigit() and len(p.scope.region_prefix) <= 6
    ):
        raise InputError(f"region prefix {p.scope.region_prefix!r} must be 1–6 digits")
    if any("|" in a for a in p.abnormal_from):
        raise InputError("plan ids in abnormal_from cannot contain '|'")
