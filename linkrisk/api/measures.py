"""The API's side of 信易+ checks: the catalogue it serves, the facts of the serving state, the
subject a window sends (a USCC, or an ID number hashed at once), and the batch job runner.

The facts (tiers, listings, counts per rule) are arrays over the state's nodes, built on first
use and kept with the state (``state.caches``), so a check is a handful of array reads.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from linkrisk.api.checks import Entry, organisation_entries
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
from linkrisk.incentives.check import NOT_FOUND, scenarios_of
from linkrisk.incentives.commitment_book import CommitmentBook, Records
from linkrisk.incentives.rules import leaves
from linkrisk.loaders.identifiers import (
    check_resident_id,
    compact_code,
    decide_identifiers,
    mask_id,
    organisation_problem,
    person_sid,
    resident_id_valid_array,
    uscc_valid_array,
)
from linkrisk.loaders.normalise import codes as normalise_codes
from linkrisk.loaders.spreadsheet import SafeCsvWriter

_FACTS = "incentive_facts"
_WARM = "incentive_facts_warm"
_PLAIN = re.compile(r"[^\"\\,\r\n]+")  # scenario names are written into JSON and CSV as they are


def facts_of(state: ServingState, records: Records | None = None) -> SubjectFacts:
    """The measures' facts over ``state``, with the commitments of ``records`` (built once per
    state: commitments loaded later count from the next published state on)."""
    facts = state.caches.get(_FACTS)
    if facts is None:
        commitments = (
            CommitmentBook(records).facts(state.snapshot) if records else Commitments.empty()
        )
        facts = SubjectFacts(state.snapshot, state.scores.tier, commitments)
        state.caches[_FACTS] = facts
    return facts


def facts_ready(state: ServingState) -> bool:
    """Whether ``state``'s facts are built, every rule's array included (the first check of a
    state builds them: seconds on a large city, so the route runs that one off the loop)."""
    return _WARM in state.caches


def warm_facts(state: ServingState, catalogue: Catalogue, records: Records | None) -> None:
    """Build the facts and every catalogue rule's array over ``state``."""
    facts = facts_of(state, records)
    for measure in catalogue.measures:
        for leaf in leaves(measure.rule):
            facts.value(leaf)
    state.caches[_WARM] = True


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
    catalogue: Catalogue,
    state: ServingState,
    subject: WindowSubject,
    scenario: str | None,
    records: Records | None = None,
) -> dict[str, Any]:
    """The check's answer (without its id): outcomes, measures, facts and legal bases."""
    if not facts_ready(state):
        warm_facts(state, catalogue, records)
    facts = facts_of(state, records)
    result = check_subject(catalogue, facts, subject.sid, scenario, date.today())
    result["query"] = subject.query
    result["subject_kind"] = subject.kind
    if subject.kind == "person":
        result["subject"] = None  # the keyed hash stays inside linkrisk
    return result


def organisation_list(usccs: Sequence[str]) -> list[Entry]:
    """``checks.organisation_entries`` for long lists: the codes are validated as arrays (a
    million in seconds); only the invalid ones go through the per-code path for their reason."""
    if not usccs:
        return []
    compact = np.asarray(normalise_codes(pa.array(usccs, pa.string())).to_pylist(), dtype=str)
    _, org = decide_identifiers(uscc_valid_array(compact), resident_id_valid_array(compact))
    out = []
    for i, (code, ok) in enumerate(zip(compact.tolist(), org.tolist(), strict=True)):
        if ok:
            out.append(Entry(i, "organisation", code, code))
        else:
            out.append(organisation_entries([usccs[i]], start=i)[0])
    return out


class MeasureChecks:
    """The 信易+ batch job (``CheckJobs.submit(..., runner=MeasureChecks(...))``): per entry,
    the outcome in every scenario asked."""

    kind = "measures"

    def __init__(
        self,
        catalogue: Catalogue,
        scenarios: Sequence[str],
        on: date,
        records: Records | None = None,
    ) -> None:
        self.records = records
        for name in scenarios:
            scenarios_of(catalogue, name)  # validates
        self.catalogue = catalogue
        self.scenarios = list(scenarios) or scenarios_of(catalogue, None)
        self.on = on
        self.columns = ["index", "kind", "query", "valid", "problem", "found", *self.scenarios]
        if any(not _PLAIN.fullmatch(name) for name in self.scenarios):
            raise InputError("a scenario name may not hold quotes, commas or line breaks")

    def _combo(self, row: list[int]) -> tuple[str, str, str]:
        """One outcome combination as (found, JSON members, CSV cells)."""
        found = "false" if row[0] == NOT_FOUND else "true"
        members = ", ".join(
            f'"{name}": "{OUTCOMES[c]}"' for name, c in zip(self.scenarios, row, strict=True)
        )
        return found, members, ",".join(OUTCOMES[c] for c in row)

    def render(self, state: ServingState, entries: Sequence[Entry]) -> tuple[list[str], str]:
        """The chunk's JSON items and CSV lines, built as text: per entry, the outcome in every
        scenario. A valid entry's query is a USCC or a masked number (letters, digits, ``*``),
        safe in both forms; an invalid one (an echoed input) goes through ``SafeCsvWriter``."""
        facts = facts_of(state, self.records)
        valid = [e.sid for e in entries if e.sid is not None]
        codes = (
            batch_outcomes(
                self.catalogue, facts, state.snapshot.indices(valid), self.scenarios, self.on
            )
            if valid
            else {}
        )
        # rows share few outcome combinations: each combination is rendered once
        if valid:
            table = np.stack([codes[n] for n in self.scenarios], axis=1).astype(np.int64)
            key = table @ (4 ** np.arange(table.shape[1]))
            _, first, which = np.unique(key, return_index=True, return_inverse=True)
            reps = table[first].tolist()
            rendered = [self._combo(rep) for rep in reps]
            per_row = which.tolist()
        else:
            rendered, per_row = [], []
        items: list[str] = []
        lines: list[str] = []
        unsafe = io.StringIO()
        writer = SafeCsvWriter(unsafe)
        at = 0
        for e in entries:
            if e.sid is None:
                items.append(
                    json.dumps(
                        {
                            "index": e.index,
                            "kind": e.kind,
                            "query": e.query,
                            "valid": False,
                            "problem": e.problem,
                            "found": False,
                            "outcomes": {},
                        },
                        ensure_ascii=False,
                    )
                )
                writer.writerow([e.index, e.kind, e.query, "false", e.problem or "", "false"])
                lines.append(unsafe.getvalue())
                unsafe.seek(0)
                unsafe.truncate()
                continue
            found, outcomes, words = rendered[per_row[at]]
            at += 1
            items.append(
                f'{{"index": {e.index}, "kind": "{e.kind}", "query": "{e.query}", "valid": true,'
                f' "problem": null, "found": {found}, "outcomes": {{{outcomes}}}}}'
            )
            lines.append(f"{e.index},{e.kind},{e.query},true,,{found},{words}\r\n")
        return items, "".join(lines)
