"""Batch credit checks (信用核查): for each organisation or person, is it known, which lists is it
on now, how many serious events count against it, and its risk tier.

Entries are organisations by USCC or persons by resident ID number; an ID number is validated
and turned into the person's subject key (keyed hash) at once and is never kept. The masked
number is the only form that appears in a result. Lists and serious events are those active on
the snapshot's date (decided by then, not repaired, still within the disclosure period).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from linkrisk.api.state import ServingState
from linkrisk.graph.relations import EVENT_CODES, SEVERITY_CODES
from linkrisk.loaders.identifiers import (
    check_resident_id,
    compact_code,
    mask_value,
    organisation_problem,
    person_sid,
)
from linkrisk.loaders.records import EventType, Severity
from linkrisk.loaders.scrub import scrub_text

#: event types that are list memberships (名单) rather than one-off decisions
LIST_TYPES = (
    EventType.ABNORMAL_OPERATION,
    EventType.SERIOUS_DISHONEST,
    EventType.DISHONEST_DEBTOR,
    EventType.CONSUMPTION_RESTRICTION,
    EventType.KEY_ATTENTION,
    EventType.RED_LIST,
)
_LIST_CODES = np.array([EVENT_CODES.index(t) for t in LIST_TYPES], np.int8)
_PENALTY = EVENT_CODES.index(EventType.PENALTY)
_SERIOUS = SEVERITY_CODES.index(Severity.SERIOUS)
_SERIOUS_DISHONEST = EVENT_CODES.index(EventType.SERIOUS_DISHONEST)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a check: what the caller sent, shown safely, and the subject key if valid."""

    index: int
    kind: str  # organisation | person
    query: str  # the USCC, or the masked ID number
    sid: str | None  # None when the input is not a valid identifier
    problem: str | None = None


def organisation_entries(usccs: Sequence[str], start: int = 0) -> list[Entry]:
    """Organisation entries: a valid USCC is kept as sent; anything else is shown masked (an ID
    number sent as a USCC is a person's, even when it passes the USCC checks too)."""
    out = []
    for i, raw in enumerate(usccs, start):
        code = compact_code(raw)
        problem = organisation_problem(code)
        shown = code if problem is None else scrub_text(code)[:18]
        out.append(Entry(i, "organisation", shown, None if problem else code, problem))
    return out


def person_entries(id_numbers: Sequence[str], key: bytes, start: int = 0) -> list[Entry]:
    """Person entries: numbers are validated and hashed here; only masked forms are kept."""
    cleaned = [compact_code(n) for n in id_numbers]
    problems = [check_resident_id(n) for n in cleaned]
    valid = [n for n, p in zip(cleaned, problems, strict=True) if p is None]
    sids = iter([person_sid(n, key) for n in valid])
    out = []
    for i, (number, problem) in enumerate(zip(cleaned, problems, strict=True), start):
        shown = mask_value(number)[:18]
        out.append(
            Entry(i, "person", shown, None if problem else next(sids), problem and str(problem))
        )
    return out


def active_events(state: ServingState) -> np.ndarray:
    """Per event row of the snapshot: does it count on the snapshot's date (cached per state)?"""
    cached = state.caches.get("active_events")
    if cached is None:
        ev = state.snapshot.events
        day = (state.snapshot.as_of - date(1970, 1, 1)).days
        cached = (ev["decision"] <= day) & (ev["repair"] > day) & (ev["disclosure_end"] > day)
        state.caches["active_events"] = cached
    return np.asarray(cached)


def check_entries(
    state: ServingState, entries: Sequence[Entry], tier_labels: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The check result of every entry, in order."""
    snapshot, scores = state.snapshot, state.scores
    active = active_events(state)
    ev_type, ev_sev = snapshot.events.get("type"), snapshot.events.get("severity")
    indptr = snapshot.events.get("indptr")
    valid = [e.sid for e in entries if e.sid is not None]
    nodes = iter(snapshot.indices(valid).tolist()) if valid else iter(())
    results = []
    for entry in entries:
        row: dict[str, Any] = {
            "index": entry.index,
            "kind": entry.kind,
            "query": entry.query,
            "subject": entry.sid,
            "valid": entry.sid is not None,
            "problem": entry.problem,
            "found": False,
            "lists": [],
            "serious_events": 0,
            "tier": None,
            "tier_label": None,
        }
        if entry.sid is not None:
            node = int(next(nodes))
            if node >= 0:
                row["found"] = True
                if indptr is not None and ev_type is not None and ev_sev is not None:
                    lo, hi = int(indptr[node]), int(indptr[node + 1])
                    on = active[lo:hi]
                    types, sev = ev_type[lo:hi][on], ev_sev[lo:hi][on]
                    listed = np.unique(types[np.isin(types, _LIST_CODES)])
                    row["lists"] = [EVENT_CODES[int(c)].value for c in listed]
                    serious = ((types == _PENALTY) & (sev == _SERIOUS)) | (
                        types == _SERIOUS_DISHONEST
                    )
                    row["serious_events"] = int(serious.sum())
                letter = scores.tier_letter(node)
                row["tier"], row["tier_label"] = letter, tier_labels.get(letter)
        results.append(row)
    return results


CSV_COLUMNS = (
    "index",
    "kind",
    "query",
    "subject",
    "valid",
    "problem",
    "found",
    "lists",
    "serious_events",
    "tier",
    "tier_label",
)


def csv_row(result: Mapping[str, Any]) -> list[str]:
    """A result as CSV cells (lists joined with ';')."""
    cells = []
    for name in CSV_COLUMNS:
        value = result.get(name)
        if isinstance(value, list):
            cells.append(";".join(value))
        elif value is None:
            cells.append("")
        else:
            cells.append(str(value).lower() if isinstance(value, bool) else str(value))
    return cells
