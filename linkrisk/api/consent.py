"""Consents (授权): a lender organisation may query a subject's score for a stated purpose.

A consent is the subject's authorisation, held by the lender. It names the lender organisation,
the subject (USCC), the purpose, the days it is valid (both ends inclusive) and the evidence of
the authorisation: the SHA-256 of the signed document and the date it was signed (the document
stays with the lender; the hash lets an inspection match it). Who may record and read them is
the API's rule (admin: all; a lender key: its own organisation's, ``routes/admin.py``). Lenders
never see a score without an active consent; a refusal names the consent that is missing and
why the records that exist do not count (expired, revoked, not yet valid, other purpose), so
the bank can fix it with the applicant.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from linkrisk.api.auth import now_iso
from linkrisk.errors import ConsentRequired, InputError, NotFound
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.identifiers import (
    check_resident_id,
    compact_code,
    organisation_problem,
    person_sid,
)


class Purpose(StrEnum):
    """Why a lender asks (征信业管理条例: a query needs a stated, authorised purpose)."""

    CREDIT_APPLICATION = "credit_application"  # 贷款申请审批
    CREDIT_REVIEW = "credit_review"  # 授信审查 / 贷中审查
    POST_LOAN_MONITORING = "post_loan_monitoring"  # 贷后管理
    GUARANTEE_REVIEW = "guarantee_review"  # 担保资格审查
    PERSONAL_SCORE = "personal_score"  # 个人信用分查询 (a person's own authorisation)


SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True, slots=True)
class Consent:
    consent_id: str
    org: str
    sid: str
    purpose: Purpose
    valid_from: date
    valid_until: date
    reference: str | None
    created: str
    created_by: str | None
    revoked: str | None = None
    revoked_by: str | None = None
    evidence_sha256: str | None = None  # None only for consents recorded before it was required
    evidence_date: date | None = None

    def active_on(self, day: date) -> bool:
        return self.revoked is None and self.valid_from <= day <= self.valid_until


_COLUMNS = (
    "consent_id, org, sid, purpose, valid_from, valid_until, reference, created, created_by,"
    " revoked, revoked_by, evidence_sha256, evidence_date"
)


def _row(row: tuple[object, ...]) -> Consent:
    cid, org, sid, purpose, start, until, ref, created, by, revoked, revoked_by, sha, day = row
    return Consent(
        str(cid),
        str(org),
        str(sid),
        Purpose(str(purpose)),
        date.fromisoformat(str(start)),
        date.fromisoformat(str(until)),
        None if ref is None else str(ref),
        str(created),
        None if by is None else str(by),
        None if revoked is None else str(revoked),
        None if revoked_by is None else str(revoked_by),
        None if sha is None else str(sha),
        None if day is None else date.fromisoformat(str(day)),
    )


def _check_evidence(sha256: str, signed: date, valid_until: date) -> str:
    sha256 = sha256.strip().lower()
    if not SHA256_HEX.fullmatch(sha256):
        raise InputError(
            "the evidence must be the SHA-256 of the signed authorisation (64 hex digits)",
            field="evidence_sha256",
        )
    if signed > date.today():
        raise InputError(
            f"the authorisation cannot be signed in the future ({signed})", field="evidence_date"
        )
    if signed > valid_until:
        raise InputError(
            f"the authorisation was signed ({signed}) after the consent ends ({valid_until})",
            field="evidence_date",
        )
    return sha256


def create_consent(
    store: EmbeddedStore,
    *,
    org: str,
    sid: str,
    purpose: Purpose | str,
    valid_from: date,
    valid_until: date,
    evidence_sha256: str,
    evidence_date: date,
    reference: str | None = None,
    created_by: str | None = None,
    person_key: bytes | None = None,
) -> Consent:
    """Record a consent; the subject must be an organisation's USCC (not a number that is also
    a resident ID number), the period must not be empty, and the evidence is the SHA-256 of the
    signed authorisation and the day it was signed. With ``person_key`` the subject is a
    person's resident ID number instead, hashed here (the personal credit score's consent)."""
    sid = compact_code(sid)
    if person_key is not None:
        id_problem = check_resident_id(sid)
        if id_problem is not None:
            raise InputError(f"not a valid resident ID number: {id_problem}", field="id_number")
        sid = person_sid(sid, person_key)
    problem = None if person_key is not None else organisation_problem(sid)
    if problem is not None:  # the value is not repeated: it may be an ID number
        raise InputError(f"the consent's subject is not a valid USCC: {problem}", field="uscc")
    try:
        purpose = Purpose(purpose)
    except ValueError:
        raise InputError(
            f"unknown purpose {purpose!r}: use one of {[p.value for p in Purpose]}", field="purpose"
        ) from None
    if valid_until < valid_from:
        raise InputError(f"consent ends ({valid_until}) before it starts ({valid_from})")
    if not org.strip():
        raise InputError("a consent needs the lender organisation", field="org")
    evidence_sha256 = _check_evidence(evidence_sha256, evidence_date, valid_until)
    consent = Consent(
        "c_" + secrets.token_hex(8),
        org.strip(),
        sid,
        purpose,
        valid_from,
        valid_until,
        reference,
        now_iso(),
        created_by,
        evidence_sha256=evidence_sha256,
        evidence_date=evidence_date,
    )
    store.execute(
        f"INSERT INTO consents ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
        (
            consent.consent_id,
            consent.org,
            sid,
            purpose.value,
            valid_from.isoformat(),
            valid_until.isoformat(),
            reference,
            consent.created,
            created_by,
            evidence_sha256,
            evidence_date.isoformat(),
        ),
    )
    return consent


def get_consent(store: EmbeddedStore, consent_id: str) -> Consent:
    rows = store.execute(f"SELECT {_COLUMNS} FROM consents WHERE consent_id = ?", (consent_id,))
    if not rows:
        raise NotFound(f"no consent with id {consent_id}")
    return _row(rows[0])


def revoke_consent(store: EmbeddedStore, consent_id: str, revoked_by: str | None = None) -> Consent:
    """Revoke a consent (idempotent: the first revocation is kept)."""
    get_consent(store, consent_id)
    store.execute(
        "UPDATE consents SET revoked = ?, revoked_by = ? WHERE consent_id = ? AND revoked IS NULL",
        (now_iso(), revoked_by, consent_id),
    )
    return get_consent(store, consent_id)


def list_consents(
    store: EmbeddedStore,
    *,
    org: str | None = None,
    sid: str | None = None,
    active_on: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Consent], int]:
    """A page of consents (newest first) and the total matching count."""
    where, params = ["1 = 1"], []
    if org is not None:
        where.append("org = ?")
        params.append(org)
    if sid is not None:
        where.append("sid = ?")
        params.append(sid)
    if active_on is not None:
        where.append("revoked IS NULL AND valid_from <= ? AND valid_until >= ?")
        params += [active_on.isoformat(), active_on.isoformat()]
    clause = " AND ".join(where)
    total = int(store.execute(f"SELECT count(*) FROM consents WHERE {clause}", params)[0][0])
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM consents WHERE {clause} ORDER BY created DESC, consent_id"
        " LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_row(r) for r in rows], total


_ACTIVE = (
    "SELECT consent_id FROM consents WHERE org = ? AND sid = ? AND purpose = ?"
    " AND revoked IS NULL AND valid_from <= ? AND valid_until >= ? LIMIT 1"
)


def missing_consent(org: str, sid: str, purpose: Purpose, why: str) -> ConsentRequired:
    return ConsentRequired(
        f"no active consent (授权) for organisation {org}, subject {sid}, purpose {purpose.value}:"
        f" {why}",
        org=org,
        subject=sid,
        purpose=purpose.value,
        reason=why,
    )


def explain_missing(store: EmbeddedStore, org: str, sid: str, purpose: Purpose, day: date) -> str:
    """Why none of the consents on record counts today (for the refusal's detail)."""
    rows = store.execute(f"SELECT {_COLUMNS} FROM consents WHERE org = ? AND sid = ?", (org, sid))
    found = [_row(r) for r in rows]
    same = [c for c in found if c.purpose is purpose]
    if not found:
        return "none on record"
    if not same:
        others = ", ".join(sorted({c.purpose.value for c in found}))
        return f"consents on record are for other purposes ({others})"
    if all(c.revoked for c in same):
        return "the consent was revoked"
    live = [c for c in same if not c.revoked]
    if all(c.valid_until < day for c in live):
        return f"the consent expired on {max(c.valid_until for c in live).isoformat()}"
    return f"the consent is valid only from {min(c.valid_from for c in live).isoformat()}"


def require_consent(store: EmbeddedStore, org: str, sid: str, purpose: Purpose, day: date) -> str:
    """The id of an active consent for (org, sid, purpose) on ``day``, else ``ConsentRequired``."""
    d = day.isoformat()
    rows = store.execute(_ACTIVE, (org, sid, purpose.value, d, d))
    if rows:
        return str(rows[0][0])
    raise missing_consent(org, sid, purpose, explain_missing(store, org, sid, purpose, day))


def active_consents(
    store: EmbeddedStore, org: str, sids: Sequence[str], purpose: Purpose, day: date
) -> dict[str, str]:
    """Subject → id of an active consent, for the subjects among ``sids`` that have one."""
    d = day.isoformat()
    found: dict[str, str] = {}
    unique = sorted(set(sids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = store.execute(
            "SELECT sid, consent_id FROM consents WHERE org = ? AND purpose = ?"
            f" AND sid IN ({marks})"
            " AND revoked IS NULL AND valid_from <= ? AND valid_until >= ?",
            (org, purpose.value, *chunk, d, d),
        )
        found.update((str(s), str(c)) for s, c in rows)
    return found


class ConsentChecker:
    """``require_consent`` with active consents remembered for ``ttl`` seconds (a revocation
    reaches the lender within that time; refusals are never cached)."""

    def __init__(
        self,
        store: EmbeddedStore,
        ttl: float = 1.0,
        max_entries: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._active: dict[tuple[str, str, Purpose, date], tuple[float, str]] = {}

    def forget(self) -> None:
        """Drop what is remembered (a revocation made in this process counts at once)."""
        self._active = {}

    def require(self, org: str, sid: str, purpose: Purpose, day: date) -> str:
        key = (org, sid, purpose, day)
        now = self._clock()
        hit = self._active.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        consent_id = require_consent(self._store, org, sid, purpose, day)
        if len(self._active) >= self._max:
            self._active = {k: v for k, v in self._active.items() if v[0] > now}
            if len(self._active) >= self._max:
                self._active.clear()
        self._active[key] = (now + self._ttl, consent_id)
        return consent_id
