"""Per source kind: which fields are checked how, and which canonical rows a source row gives.

Rejected (the row is not loaded): a missing required value, an invalid USCC or ID number, an
unreadable date, amount or percentage, an unknown status, role, event type, severity of a
penalty or inspection result, an end before its start, and a future date of something that has
happened (成立日期, 决定日期, 修复日期, 检查日期 after today: a typo such as 2099 that would
otherwise make a firm's age negative or an event silently inactive). Warned (loaded, the value
dropped and counted): an unusable phone, e-mail, industry or region code, an unrecognised subject
kind (the kind then comes from the USCC), a severity on an event that is not a penalty. Warned
and kept: a start date of a holding, office or branch after today (it may be scheduled). End
dates and disclosure ends may lie ahead and are not checked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.loaders import enums, normalise
from linkrisk.loaders.checks import (
    Built,
    Context,
    Fields,
    Problems,
    canonical,
    happened,
    period,
    subjects,
)
from linkrisk.loaders.columns import SourceKind
from linkrisk.loaders.identity import resolve, type_hints, uscc_reason, uscc_validity
from linkrisk.loaders.records import (
    BRANCHES,
    EVENTS,
    HOLDINGS,
    INSPECTIONS,
    INSPECTORS,
    OFFICERS,
    SUBJECTS,
    EventType,
    Severity,
    SubjectKind,
)
from linkrisk.loaders.textops import as_string_array, collapse_whitespace, present, to_bool
from linkrisk.loaders.typed import typed_identities, typed_orgs

Builder = Callable[[Fields, Problems, Context], Built]
NULL = pa.scalar(None, pa.string())


def _uscc(
    f: Fields, p: Problems, name: str, *, required: bool = True, typed: np.ndarray | None = None
) -> pa.StringArray:
    """Valid USCCs of a field (null elsewhere); ``typed`` rows carry another scheme's key."""
    codes = normalise.codes(f[name])
    if required:
        p.require(name)
    ok = uscc_validity(codes)
    p.add(name, present(codes) & ~ok & (True if typed is None else ~typed), uscc_reason)
    return as_string_array(pc.if_else(pa.array(ok), codes, NULL))


def _stub(uscc: pa.StringArray, name: pa.Array | None = None) -> pa.Table:
    kind = enums.kind_from_uscc(uscc)
    if pc.any(pc.match_substring(uscc, ":")).as_py():  # a typed key: an organisation abroad
        foreign = pa.scalar(SubjectKind.FOREIGN_ORG.value, pa.string())
        kind = pc.if_else(pc.match_substring(uscc, ":"), foreign, kind)
    return subjects(len(uscc), sid=uscc, kind=kind, name=name)


def _inspector_ids(values: pa.StringArray) -> pa.StringArray:
    """Inspector ids (执法证号) as both the inspectors and the inspections files give them."""
    return as_string_array(pc.ascii_upper(collapse_whitespace(values, replacement="")))


def _id_list(values: pa.StringArray) -> pa.StringArray:
    """ "A1, A2；A3" → "A1;A2;A3" (empty → null)."""
    joined = pc.utf8_trim(
        pc.replace_substring_regex(values, r"[\s;,，；、/|]+", ";"), characters=";"
    )
    return as_string_array(pc.if_else(pc.equal(joined, ""), NULL, joined))


def _region(f: Fields, name: str, built_warnings: list[tuple[str, np.ndarray]]) -> pa.StringArray:
    region = f[name]
    ok = pc.match_substring_regex(region, r"^\d{6}$")
    built_warnings.append(
        (f"{name}: not a 6-digit region code (dropped)", present(region) & ~to_bool(ok))
    )
    return as_string_array(pc.if_else(ok, region, NULL))


def orgs(f: Fields, p: Problems, ctx: Context) -> Built:
    n = f.n
    uscc = _uscc(f, p, "uscc")
    p.require("name")
    warnings: list[tuple[str, np.ndarray]] = []
    from_prefix = enums.kind_from_uscc(uscc)
    kind = enums.SUBJECT_KIND.map(f["kind"])
    warnings.append(("kind: subject kind not recognised (taken from the USCC)", kind.bad))
    status = p.parsed("status", enums.STATUS.map(f["status"]))
    industry = pc.ascii_upper(pc.replace_substring(f["industry"], " ", ""))
    industry_ok = pc.match_substring_regex(industry, r"^[A-T]?\d{2,4}$|^[A-T]$")
    warnings.append(
        ("industry: not a GB/T 4754 code (dropped)", present(industry) & ~to_bool(industry_ok))
    )
    region = _region(f, "region", warnings)
    region = pc.coalesce(region, pc.utf8_slice_codeunits(uscc, 2, 8))  # the USCC embeds it
    phone = normalise.phones(f["phone"])
    email = normalise.emails(f["email"])
    warnings += [
        ("phone: not a phone number (dropped)", phone.bad),
        ("email: not an e-mail address (dropped)", email.bad),
    ]
    primary = canonical(
        SUBJECTS,
        n,
        sid=uscc,
        kind=pc.coalesce(kind.values, from_prefix),
        name=normalise.names(f["name"]),
        reg_date=happened(p, "reg_date", p.parsed("reg_date", normalise.dates(f["reg_date"])), ctx),
        status=status,
        industry=pc.if_else(industry_ok, industry, NULL),
        region=region,
        capital=p.parsed("capital", normalise.amounts(f["capital"], ctx.units.get("capital"))),
        address=normalise.addresses(f["address"]),
        phone=phone.values,
        email=email.values,
        weak=np.zeros(n, dtype=bool),
    )
    return Built(SUBJECTS, primary, np.arange(n), warnings=warnings)


def holdings(f: Fields, p: Problems, ctx: Context) -> Built:
    n = f.n
    abroad, typed = typed_orgs(f, p, "org", normalise.codes(f["org_uscc"]))
    org = as_string_array(pc.coalesce(abroad, _uscc(f, p, "org_uscc", typed=typed)))
    p.require("holder_name")
    name = normalise.names(f["holder_name"])
    codes = normalise.codes(f["holder_id"])
    org_hint, person_hint = type_hints(f["holder_type"])
    who = resolve(codes, name, org, ctx.key, org_hint=org_hint, person_hint=person_hint)
    who = typed_identities(who, f, p, ctx, "holder", codes)
    p.add("holder_id", who.bad, who.reason, secret=True)
    start, end, warnings = period(f, p, ctx)
    primary = canonical(
        HOLDINGS,
        n,
        src=who.sid,
        dst=org,
        start_date=start,
        end_date=end,
        share=p.parsed(
            "share",
            normalise.percentages(f["share"], ctx.units.get("share"), percent=ctx.share_percent),
        ),
        subscribed=p.parsed(
            "subscribed", normalise.amounts(f["subscribed"], ctx.units.get("subscribed"))
        ),
    )
    holders = subjects(
        n, sid=who.sid, kind=who.kind, name=name, id_masked=who.id_masked, weak=who.weak
    )
    return Built(
        HOLDINGS,
        primary,
        np.arange(n),
        [holders, _stub(org)],
        warnings,
        id_numbers=[(codes, who.persons)],
    )


def officers(f: Fields, p: Problems, ctx: Context) -> Built:
    n = f.n
    org = _uscc(f, p, "org_uscc")
    p.require("person_name", "role")
    name = normalise.names(f["person_name"])
    codes = normalise.codes(f["person_id"])
    who = resolve(codes, name, org, ctx.key, allow_org=False)
    who = typed_identities(who, f, p, ctx, "person", codes, allow_org=False)
    p.add("person_id", who.bad, who.reason, secret=True)
    parents, roles, unknown = enums.roles(f["role"])
    p.add("role", unknown, enums.ROLE.reason)
    start, end, warnings = period(f, p, ctx)
    take = pa.array(parents)
    primary = canonical(
        OFFICERS,
        len(parents),
        person=who.sid.take(take),
        org=org.take(take),
        role=roles,
        start_date=start.take(take),
        end_date=end.take(take),
    )
    people = subjects(
        n, sid=who.sid, kind=who.kind, name=name, id_masked=who.id_masked, weak=who.weak
    )
    return Built(OFFICERS, primary, parents, [people, _stub(org)], warnings, [(codes, who.persons)])


def branches(f: Fields, p: Problems, ctx: Context) -> Built:
    parent = _uscc(f, p, "parent_uscc")
    branch = _uscc(f, p, "branch_uscc")
    p.add("branch_uscc", to_bool(pc.equal(parent, branch)), "a branch cannot be its own parent")
    start, end, warnings = period(f, p, ctx)
    primary = canonical(BRANCHES, f.n, parent=parent, branch=branch, start_date=start, end_date=end)
    return Built(BRANCHES, primary, np.arange(f.n), [_stub(parent), _stub(branch)], warnings)


def _event_ids(sid: pa.Array, type_: pa.Array, number: pa.Array, date: pa.Array) -> pa.StringArray:
    """sha256("sid|type|decision_no|decision_date")[:24] where sid, type and date are known."""
    parts = [sid, type_, number, pc.cast(date, pa.string())]
    joined = pc.binary_join_element_wise(*parts, "|", null_handling="replace", null_replacement="")
    complete = pc.and_(pc.and_(pc.is_valid(sid), pc.is_valid(type_)), pc.is_valid(date))
    texts = pc.if_else(complete, joined, NULL).to_pylist()
    ids = [None if t is None else hashlib.sha256(t.encode()).hexdigest()[:24] for t in texts]
    return as_string_array(pa.array(ids, pa.string()))


def events(f: Fields, p: Problems, ctx: Context) -> Built:
    n = f.n
    p.require("subject_id", "event_type", "decision_date")
    codes = normalise.codes(f["subject_id"])
    name = normalise.names(f["subject_name"])
    who = resolve(codes, name, None, ctx.key)
    who = typed_identities(who, f, p, ctx, "subject", codes)
    p.add("subject_id", who.bad, who.reason, secret=True)
    type_ = p.parsed("event_type", enums.EVENT_TYPE.map(f["event_type"]))
    penalty = to_bool(pc.equal(type_, EventType.PENALTY.value))
    severity = enums.SEVERITY.map(f["severity"])
    p.add("severity", severity.bad & penalty, enums.SEVERITY.reason)
    given = present(f["severity"])
    warnings = [("severity: only penalties have one (ignored)", given & ~penalty & present(type_))]
    severity_values = pc.if_else(
        pa.array(penalty), pc.coalesce(severity.values, Severity.MINOR.value), NULL
    )
    decided = p.parsed("decision_date", normalise.dates(f["decision_date"]))
    happened(p, "decision_date", decided, ctx)
    disclosure = p.parsed("disclosure_end", normalise.dates(f["disclosure_end"]))
    repaired = happened(
        p, "repair_date", p.parsed("repair_date", normalise.dates(f["repair_date"])), ctx
    )
    p.add("repair_date", to_bool(pc.less(repaired, decided)), "repair_date is before decision_date")
    number = normalise.free_text(f["decision_no"])
    primary = canonical(
        EVENTS,
        n,
        event_id=_event_ids(who.sid, type_, number, decided),
        sid=who.sid,
        type=type_,
        severity=severity_values,
        authority=normalise.free_text(f["authority"]),
        decision_no=number,
        decision_date=decided,
        disclosure_end=disclosure,
        repair_date=repaired,
        objection=p.parsed("objection", enums.booleans(f["objection"])),
        reason=normalise.free_text(f["reason"]),
    )
    stub = subjects(
        n, sid=who.sid, kind=who.kind, name=name, id_masked=who.id_masked, weak=np.zeros(n, bool)
    )
    return Built(EVENTS, primary, np.arange(n), [stub], warnings, [(codes, who.persons)])


def inspections(f: Fields, p: Problems, ctx: Context) -> Built:
    n = f.n
    p.require("plan_id", "inspect_date", "result")
    uscc = _uscc(f, p, "uscc")
    primary = canonical(
        INSPECTIONS,
        n,
        plan_id=f["plan_id"],
        sid=uscc,
        matter=normalise.free_text(f["matter"]),
        inspect_date=happened(
            p, "inspect_date", p.parsed("inspect_date", normalise.dates(f["inspect_date"])), ctx
        ),
        result=p.parsed("result", enums.INSPECTION_RESULT.map(f["result"])),
        inspectors=_id_list(pc.ascii_upper(f["inspectors"])),  # same spelling as _inspector_ids
        department=normalise.free_text(f["department"]),
    )
    return Built(INSPECTIONS, primary, np.arange(n), [_stub(uscc)])


def inspectors(f: Fields, p: Problems, ctx: Context) -> Built:
    n = f.n
    p.require("inspector_id", "department")
    codes = normalise.codes(f["id_number"])
    name = normalise.names(f["name"])
    who = resolve(codes, name, None, ctx.key, allow_org=False)
    p.add("id_number", who.bad, who.reason, secret=True)
    active = p.parsed("active", enums.booleans(f["active"]))
    warnings: list[tuple[str, np.ndarray]] = []
    primary = canonical(
        INSPECTORS,
        n,
        inspector_id=_inspector_ids(f["inspector_id"]),
        name=name,
        person_sid=who.sid,
        id_masked=who.id_masked,
        department=normalise.free_text(f["department"]),
        region=_region(f, "region", warnings),
        qualifications=_id_list(f["qualifications"]),
        active=pc.fill_null(active, True),
    )
    return Built(
        INSPECTORS, primary, np.arange(n), warnings=warnings, id_numbers=[(codes, who.persons)]
    )


BUILDERS: dict[SourceKind, Builder] = {
    SourceKind.ORGS: orgs,
    SourceKind.HOLDINGS: holdings,
    SourceKind.OFFICERS: officers,
    SourceKind.BRANCHES: branches,
    SourceKind.EVENTS: events,
    SourceKind.INSPECTIONS: inspections,
    SourceKind.INSPECTORS: inspectors,
}
