"""Build the whole city in memory, stage by stage, each stage with its own random stream."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np

from linkrisk.demo import inspections as insp
from linkrisk.demo.codes import L_PREFIX, MA, MJ, NUMERIC, usccs
from linkrisk.demo.contacts import assign_contacts
from linkrisk.demo.decisions import decide
from linkrisk.demo.draws import I64, distinct, stream
from linkrisk.demo.firmnames import branch_ranks, name_keys, render_names
from linkrisk.demo.hazard import contagion_graph, plant_rings, static_risk
from linkrisk.demo.inspectors import assign, build_inspectors
from linkrisk.demo.model import City
from linkrisk.demo.officers import Officers, build_officers
from linkrisk.demo.orgs import (
    ACTIVE,
    ENT,
    IB,
    NEVER,
    PREFIXES,
    S51,
    assign_exits,
    date_branches,
    generate_orgs,
)
from linkrisk.demo.ownership import EXTERNAL, PERSON, Holdings, build_holdings
from linkrisk.demo.people import PersonPool, earliest, materialise
from linkrisk.demo.region import CITY_CODE, counties, outside_codes
from linkrisk.demo.simulate import simulate
from linkrisk.demo.timeline import NO_DAY, day, month_index, month_start
from linkrisk.demo.vocab import LEGAL

MONTHS = 60  # five years of events before as_of
SERIAL_SHARE = 0.08  # serial people in the pool, per organisation
NO_ID_SHARE = 0.04  # holding/officer rows whose person has no ID number (weak identities)
MODERN = day(date(2016, 1, 1))  # codes assigned since then use the "MA"/"MJ" bodies

Step = Callable[[str], None]


def _remap(used: I64, ids: I64) -> I64:
    """Raw person ids → compact ids (-1 where the person was never used in a row)."""
    pos = np.searchsorted(used, np.maximum(ids, 0))
    pos = np.minimum(pos, len(used) - 1)
    return np.where((ids >= 0) & (used[pos] == ids), pos, -1)


def build_city(subjects: int, seed: int, as_of: int, step: Step) -> City:
    orgs = generate_orgs(stream(seed, "orgs"), subjects, as_of)
    pool = PersonPool(stream(seed, "people"), max(20, round(SERIAL_SHARE * subjects)))
    holdings, st = build_holdings(stream(seed, "holdings"), orgs, pool, as_of)
    date_branches(stream(seed, "branches"), orgs, as_of)
    assign_exits(stream(seed, "exits"), orgs, as_of)
    officers = build_officers(stream(seed, "officers"), orgs, st, pool, as_of)
    step("structure")

    hp = holdings.src_kind == PERSON
    used = distinct(np.r_[holdings.src[hp], officers.person])
    holdings.src[hp] = _remap(used, holdings.src[hp])
    officers.person = _remap(used, officers.person)
    for name in ("primary", "second", "group_controller", "staff", "cluster_controller"):
        setattr(st, name, _remap(used, getattr(st, name)))
    st.cluster_straws = _remap(used, st.cluster_straws.ravel()).reshape(st.cluster_straws.shape)
    n_persons = len(used)
    # the two biggest tables in 32-bit integers: every value fits, and it halves their memory
    holdings = Holdings(*(np.asarray(getattr(holdings, f), np.int32) for f in Holdings.__slots__))
    officers = Officers(*(np.asarray(getattr(officers, f), np.int32) for f in Officers.__slots__))
    first = earliest(
        np.r_[holdings.src[hp], officers.person],
        np.r_[holdings.start[hp], officers.start],
        n_persons,
    )
    persons = materialise(stream(seed, "persons"), n_persons, first, as_of)
    step("people")

    rng = stream(seed, "codes")
    county_codes = np.array([int(p.code) for p in counties()])
    region = county_codes[orgs.county]
    city_level = (orgs.kind == ENT) & (rng.random(subjects) < 0.2)
    region[city_level] = int(CITY_CODE)
    modern = orgs.reg_day >= MODERN
    scheme = np.select(
        [orgs.kind == IB, orgs.kind >= S51],
        [np.where(modern, MA, L_PREFIX), np.where(modern, MJ, NUMERIC)],
        np.where(modern, MA, NUMERIC),
    )
    n_ext = len(st.external_kind)
    ext_kind = np.array(st.external_kind, np.int64)
    outside = np.array([int(c) for c in outside_codes()])
    prefixes = np.r_[np.array([int(p) for p in PREFIXES])[orgs.kind], np.full(n_ext, 91)]
    codes = usccs(
        rng,
        prefixes,
        np.r_[region, outside[rng.integers(0, len(outside), n_ext)]],
        np.r_[scheme, np.where(rng.random(n_ext) < 0.5, MA, NUMERIC)],
    )
    uscc, ext_uscc = codes[:subjects], np.where(ext_kind == EXTERNAL, codes[subjects:], b"")
    contacts = assign_contacts(stream(seed, "contacts"), orgs)
    keys, _z = name_keys(stream(seed, "names"), orgs, st)
    names = render_names(keys[:subjects], orgs.parent, branch_ranks(orgs.parent), orgs.county)
    ext_names = render_names(
        keys[subjects:], np.full(n_ext, -1), np.full(n_ext, -1), np.zeros(n_ext, np.int64)
    )
    step("names and codes")

    risk = static_risk(stream(seed, "risk"), orgs)
    rings = plant_rings(stream(seed, "rings"), orgs, st, holdings, officers, n_persons, MONTHS)
    rings.controllers = [c[c >= 0] for c in rings.controllers]
    graph = contagion_graph(orgs, holdings, officers, n_persons)
    current_legal = (officers.role == LEGAL) & (officers.end == NO_DAY)
    legal_of = np.full(subjects, -1)
    legal_of[officers.org[current_legal]] = officers.person[current_legal]
    first_month = int(month_index(np.array([as_of]), 0)[0]) - MONTHS + 1
    plans = insp.plans(first_month, MONTHS)
    events, inspections = simulate(
        stream(seed, "events"),
        orgs,
        risk,
        rings,
        graph,
        legal_of,
        n_persons,
        first_month,
        MONTHS,
        plans,
    )
    del graph  # the contagion matrices are only needed by the simulation
    late = orgs.exit_day > as_of  # revocations the simulation scheduled after as_of
    orgs.exit_day[late], orgs.status[late] = NEVER, ACTIVE
    step("events")

    rng = stream(seed, "decisions")
    person = events.person
    subj = events.subject
    county = np.where(
        person, rng.integers(0, len(counties()), len(subj)), orgs.county[np.where(person, 0, subj)]
    )
    industry = np.where(person, 0, orgs.industry[np.where(person, 0, subj)])
    decisions = decide(
        rng,
        events,
        first_month,
        as_of,
        county,
        industry,
        np.where(person, 0.0, risk[np.where(person, 0, subj)]),
    )
    rng = stream(seed, "inspections")
    dept = (
        np.array([p.dept for p in plans], np.int64)[inspections.plan]
        if plans
        else np.zeros(0, np.int64)
    )
    matter = insp.matters(rng, dept, orgs.industry[inspections.org])
    start = month_start(first_month + inspections.month)
    inspections_day = np.minimum(start + rng.integers(0, 28, len(start)), as_of)
    linked = distinct(officers.person[orgs.kind[officers.org] == ENT])
    roster = build_inspectors(stream(seed, "inspectors"), subjects, linked, persons)
    staff = assign(rng, roster, dept, matter)
    step("inspections")

    rng = stream(seed, "identities")
    conflict = np.zeros(n_persons, bool)
    conflict[list(roster.conflicts.values())] = True
    h_person = holdings.src_kind == PERSON
    holding_no_id = h_person & (rng.random(len(holdings.dst)) < NO_ID_SHARE)
    holding_no_id &= ~conflict[np.where(h_person, holdings.src, 0)]
    officer_no_id = (rng.random(len(officers.org)) < NO_ID_SHARE) & ~conflict[officers.person]
    city = City(
        as_of,
        first_month,
        orgs,
        uscc,
        names,
        keys,
        persons,
        holdings,
        officers,
        st,
        ext_uscc,
        ext_names,
        contacts,
        risk,
        rings,
        events,
        decisions,
        inspections,
        plans,
        matter,
        inspections_day,
        staff,
        roster,
        holding_no_id,
        officer_no_id,
    )
    return city
