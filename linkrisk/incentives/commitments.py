"""信用承诺 (告知承诺制): commitments read from a source file, their status, and breaches.

A subject (a USCC, or a person's ID number, hashed at once) promises something to an authority
on a date, with a deadline: to keep the law on a matter during the period, or to fulfil it
(补正材料) by the deadline. On a day, a commitment is

- ``broken`` (违诺) when a penalty (行政处罚) on it was decided between its date and its deadline
  by the same authority, or whose reason names the matter; or when it required fulfilment and
  the deadline passed without it (missed deadline);
- ``kept`` (履约) when the deadline passed without a breach (and, if required, it was fulfilled
  by then), or it was fulfilled with no breach;
- ``open`` (在期) otherwise.

A breach becomes a ``commitment_breach`` event (id by the loaders' rule, the commitment id as
decision number, so that finding it twice changes nothing), which intrinsic risk weighs and
the measures' ``commitments`` rules count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from linkrisk.errors import InputError
from linkrisk.incentives.rules import COMMITMENT_STATES
from linkrisk.loaders.identifiers import (
    IdentifierKind,
    check_resident_id,
    compact_code,
    identifier_kind,
    mask_id,
    person_sid,
)
from linkrisk.loaders.normalise import parse_date
from linkrisk.loaders.readers import open_source
from linkrisk.loaders.records import EVENTS, EventType

STATES = COMMITMENT_STATES  # open 在期, kept 履约, broken 违诺
STATE_WORDS = {"open": "在期", "kept": "履约", "broken": "违诺"}
FIELDS: dict[str, tuple[str, ...]] = {
    "subject": ("统一社会信用代码", "主体代码", "身份证号", "证件号码", "uscc", "subject", "sid"),
    "matter": ("承诺事项", "matter"),
    "content": ("承诺内容", "content"),
    "date": ("承诺日期", "签署日期", "date", "committed"),
    "deadline": ("履约期限", "承诺期限", "deadline"),
    "authority": ("承诺受理机关", "受理机关", "authority"),
    "fulfilled": ("履约日期", "fulfilled"),
    "requires_fulfilment": ("需补正", "需履约", "requires_fulfilment"),
    "commitment_id": ("承诺书编号", "编号", "commitment_id"),
}
REQUIRED = ("subject", "matter", "date", "deadline", "authority")
YES = {"是", "需", "y", "yes", "true", "1"}
BREACH_DISCLOSURE = timedelta(days=3 * 365)


@dataclass(frozen=True, slots=True)
class Commitment:
    commitment_id: str
    subject: str  # sid: a USCC or a person's keyed hash
    shown: str  # the USCC, or the masked ID number
    matter: str
    content: str
    committed: date
    deadline: date
    authority: str
    requires_fulfilment: bool = False
    fulfilled: date | None = None
    breach_date: date | None = None
    breach_reason: str | None = None

    def state(self, day: date) -> str:
        if self.breach_date is not None and self.breach_date <= day:
            return "broken"
        if self.fulfilled is not None and self.fulfilled <= min(day, self.deadline):
            return "kept"
        if self.deadline < day:
            return "broken" if self.requires_fulfilment else "kept"
        return "open"


@dataclass(frozen=True, slots=True)
class Rejected:
    row: int
    field: str
    reason: str


def read_commitments(path: Path, id_key: bytes) -> tuple[list[Commitment], list[Rejected]]:
    """Commitments of a CSV / XLSX / JSON Lines / Parquet file, and the rows refused (row
    number, field, reason; a refused ID number is never repeated)."""
    source = open_source(path)
    try:
        column = _columns(source.headers, path)
        out: list[Commitment] = []
        rejected: list[Rejected] = []
        for batch in source.batches:
            cells = {f: batch.columns[i].to_pylist() for f, i in column.items()}
            for at, row in enumerate(batch.rows.tolist()):
                values = {f: (cells[f][at] or "").strip() for f in cells}
                try:
                    out.append(_commitment(values, id_key))
                except InputError as exc:
                    rejected.append(Rejected(int(row), str(exc.extra.get("field", "")), str(exc)))
        rejected += [Rejected(r.row, "", r.reason) for r in source.malformed]
    finally:
        source.close()
    return out, rejected


def _columns(headers: Sequence[str], path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = header.strip().lower()
        for name, aliases in FIELDS.items():
            if key in aliases and name not in found:
                found[name] = i
    missing = [n for n in REQUIRED if n not in found]
    if missing:
        wanted = "; ".join(f"{n} ({'/'.join(FIELDS[n][:2])})" for n in missing)
        raise InputError(f"{path.name}: no column for {wanted}")
    return found


def _commitment(v: dict[str, str], id_key: bytes) -> Commitment:
    for name in REQUIRED:
        if not v.get(name):
            raise InputError(f"{name} is required", field=name)
    code = compact_code(v["subject"])
    kind = identifier_kind(code)
    if kind is IdentifierKind.PERSON:
        sid, shown = person_sid(code, id_key), mask_id(code)
    elif kind is IdentifierKind.ORGANISATION:
        sid, shown = code, code
    else:
        problem = check_resident_id(code) if code.isdigit() else None
        why = "not a valid USCC or resident ID number" + (f" ({problem})" if problem else "")
        raise InputError(why, field="subject")
    committed = parse_date(v["date"], "date")
    deadline = parse_date(v["deadline"], "deadline")
    if deadline < committed:
        raise InputError(f"deadline {deadline} is before the commitment date", field="deadline")
    if committed > date.today():
        raise InputError(f"commitment date {committed} is in the future", field="date")
    fulfilled = parse_date(v["fulfilled"], "fulfilled") if v.get("fulfilled") else None
    ident = (
        v.get("commitment_id")
        or hashlib.sha256(f"{sid}|{v['matter']}|{committed}|{v['authority']}".encode()).hexdigest()[
            :16
        ]
    )
    return Commitment(
        commitment_id=ident,
        subject=sid,
        shown=shown,
        matter=v["matter"],
        content=v.get("content", ""),
        committed=committed,
        deadline=deadline,
        authority=v["authority"],
        requires_fulfilment=v.get("requires_fulfilment", "").lower() in YES,
        fulfilled=fulfilled,
    )


def find_breaches(
    commitments: Iterable[Commitment], penalties: Sequence[dict[str, Any]], day: date
) -> list[Commitment]:
    """The commitments newly broken on ``day``, with the date and reason of the breach.

    ``penalties`` are ``events`` rows of type penalty (sid, authority, decision_date, reason,
    decision_no). The earliest breach counts: a penalty in the period, or the missed deadline.
    """
    by_subject: dict[str, list[dict[str, Any]]] = {}
    for p in penalties:
        by_subject.setdefault(str(p["sid"]), []).append(p)
    found = []
    for c in commitments:
        if c.breach_date is not None:
            continue
        hits = [
            p
            for p in by_subject.get(c.subject, [])
            if c.committed <= p["decision_date"] <= min(c.deadline, day)
            and (p.get("authority") == c.authority or c.matter in (p.get("reason") or ""))
        ]
        hits.sort(key=lambda p: p["decision_date"])
        if hits:
            p = hits[0]
            number = p.get("decision_no") or "无文号"
            reason = f"承诺期内受到行政处罚（{number}）：{c.matter}"
            found.append(replace(c, breach_date=p["decision_date"], breach_reason=reason))
        elif c.requires_fulfilment and c.deadline < day and c.fulfilled is None:
            reason = f"逾期未履行承诺（期限 {c.deadline}）：{c.matter}"
            found.append(
                replace(c, breach_date=c.deadline + timedelta(days=1), breach_reason=reason)
            )
    return found


def breach_event_id(c: Commitment) -> str:
    """The loaders' event id rule: sha256("sid|type|decision_no|decision_date")[:24]."""
    assert c.breach_date is not None
    text = f"{c.subject}|{EventType.COMMITMENT_BREACH.value}|{c.commitment_id}|{c.breach_date}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def breach_events(breaches: Sequence[Commitment]) -> pa.Table:
    """``events`` rows for the breaches (written through the store like any loaded event)."""
    rows = [
        {
            "event_id": breach_event_id(c),
            "sid": c.subject,
            "type": EventType.COMMITMENT_BREACH.value,
            "authority": c.authority,
            "decision_no": c.commitment_id,
            "decision_date": c.breach_date,
            "disclosure_end": c.breach_date + BREACH_DISCLOSURE if c.breach_date else None,
            "reason": c.breach_reason,
        }
        for c in breaches
    ]
    schema = EVENTS.schema
    return pa.Table.from_pylist(
        [{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema
    )
