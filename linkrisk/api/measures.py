"""The API's side of 信易+ checks: the catalogue it serves, the facts of the serving state, the
subject a window sends (a USCC, or an ID number hashed at once), and the batch job runner.

The facts (tiers, listings, counts per rule) are arrays over the state's nodes, built on first
use and kept with the state (``state.caches``), so a check is a handful of array reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from linkrisk.api.checks import Entry
from linkrisk.api.privacy import safe_subject_key
from linkrisk.api.state import ServingState
from linkrisk.errors import InputError
from linkrisk.incentives import (
    OUTCOMES,
    Catalogue,
    Commitments,
    SubjectFacts,
    batch_outcomes,
    check_subject,
)
from linkrisk.incentives.check import scenarios_of
from linkrisk.loaders.identifiers import (
    check_resident_id,
    compact_code,
    mask_id,
    organisation_problem,
    person_sid,
)

_FACTS = "incentive_facts"


def facts_of(state: ServingState, commitments: Commitments | None = None) -> SubjectFacts:
    """The measures' facts over ``state`` (built once per state)."""
    facts = state.caches.get(_FACTS)
    if facts is None:
        facts = SubjectFacts(state.snapshot, state.scores.tier, commitments or Commitments.empty())
        state.caches[_FACTS] = facts
    return facts


@dataclass(frozen=True, slots=True)
class WindowSubject:
    sid: str
    query: str  # the USCC, or the masked ID number
    kind: str  # organisation | person


def window_subject(uscc: str | None, id_number: str | None, id_key: bytes) -> WindowSubject:
    """The subject a window sent; a resident ID number is checked and hashed here and only
    its masked form kept (``InputError`` never repeats a number that could be one)."""
    if uscc is not None:
        code = compact_code(uscc)
        problem = organisation_problem(code)
        if problem is not None:
            raise InputError(
                f"{safe_subject_key(code)!r} is not a valid USCC: {problem}", field="uscc"
            )
        return WindowSubject(code, code, "organisation")
    number = compact_code(id_number or "")
    problem = check_resident_id(number)
    if problem is not None:
        raise InputError(f"not a valid resident ID number: {problem}", field="id_number")
    return WindowSubject(person_sid(number, id_key), mask_id(number), "person")


def window_check(
    catalogue: Catalogue, state: ServingState, subject: WindowSubject, scenario: str | None
) -> dict[str, Any]:
    """The check's answer (without its id): outcomes, measures, facts and legal bases."""
    result = check_subject(catalogue, facts_of(state), subject.sid, scenario, date.today())
    result["query"] = subject.query
    result["subject_kind"] = subject.kind
    if subject.kind == "person":
        result["subject"] = None  # the keyed hash stays inside linkrisk
    return result


class MeasureChecks:
    """The 信易+ batch job (``CheckJobs.submit(..., runner=MeasureChecks(...))``): per entry,
    the outcome in every scenario asked."""

    kind = "measures"

    def __init__(self, catalogue: Catalogue, scenarios: Sequence[str], on: date) -> None:
        for name in scenarios:
            scenarios_of(catalogue, name)  # validates
        self.catalogue = catalogue
        self.scenarios = list(scenarios) or scenarios_of(catalogue, None)
        self.on = on
        self.columns = ["index", "kind", "query", "valid", "problem", "found", *self.scenarios]

    def results(self, state: ServingState, entries: Sequence[Entry]) -> list[dict[str, Any]]:
        facts = facts_of(state)
        valid = [e.sid for e in entries if e.sid is not None]
        nodes = state.snapshot.indices(valid) if valid else None
        codes = (
            batch_outcomes(self.catalogue, facts, nodes, self.scenarios, self.on)
            if nodes is not None
            else {}
        )
        lists = {name: [OUTCOMES[c] for c in arr.tolist()] for name, arr in codes.items()}
        out: list[dict[str, Any]] = []
        at = 0
        for entry in entries:
            row: dict[str, Any] = {
                "index": entry.index,
                "kind": entry.kind,
                "query": entry.query,
                "valid": entry.sid is not None,
                "problem": entry.problem,
                "found": False,
                "outcomes": {},
            }
            if entry.sid is not None:
                row["outcomes"] = {name: lists[name][at] for name in self.scenarios}
                row["found"] = row["outcomes"][self.scenarios[0]] != "not_found"
                at += 1
            out.append(row)
        return out

    def csv_row(self, result: Mapping[str, Any]) -> list[str]:
        cells = [str(result[c]) for c in ("index", "kind", "query")]
        cells += [str(result["valid"]).lower(), result["problem"] or ""]
        cells.append(str(result["found"]).lower())
        cells += [result["outcomes"].get(name, "") for name in self.scenarios]
        return cells
