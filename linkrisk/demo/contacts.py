"""Contacts: addresses, phones and e-mails.

Normal firms have their own. Shell clusters share an address and/or a phone (a few of them at a
registered agent's address); co-located family firms share an address; registered agents'
addresses (集群注册) and bookkeeping call centres' phones are shared by 30–200 firms each —
the supernodes that a shared-contact rule must cap. Shared values are written with small
variations (full-width digits, spaces, no dash) that normalisation has to see through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.demo.draws import I64, dedupe, unique_ints
from linkrisk.demo.names import (
    BUILDINGS,
    EMAIL_DOMAINS,
    PLACE,
    ROAD_TYPES,
    SYLLABLES,
    ZIHAO,
    join,
    pick,
    place_codes,
    render_place,
    text,
    vocab,
)
from linkrisk.demo.orgs import BRANCH, ENT, IB, SHELL, SMALL, Orgs
from linkrisk.demo.region import AREA_CODE, counties

MOBILE = (
    "138",
    "139",
    "137",
    "136",
    "135",
    "134",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "180",
    "189",
    "177",
    "199",
    "166",
)
LANDLINES = 8_000_000  # 7-digit local numbers starting 2–9
_ROADS = len(PLACE) ** 2 * len(ROAD_TYPES)
_BLDG = (
    40 * 40 * len(BUILDINGS) + 1
)  # building code 0 = none; two 字号 characters from the first 40
_ROOMS = 3000
EMAILS = 2_000_000_000  # e-mail codes: even → QQ number, odd → syllable + digits at another domain


@dataclass(slots=True)
class Contacts:
    address: I64  # packed address key
    phone: I64  # phone code
    email: I64  # e-mail code, -1 = none
    agent: I64  # per org: registered-agent supernode id or -1
    call_centre: I64  # per org: call-centre supernode id or -1


def _address_keys(rng: np.random.Generator, county: I64, agent: bool = False) -> I64:
    county = np.asarray(county, np.int64)  # the packed key needs 64 bits
    n = len(county)
    road = place_codes(rng, n) * len(ROAD_TYPES) + rng.integers(0, len(ROAD_TYPES), n)
    number = np.minimum(rng.geometric(0.01, n), 999)
    with_bldg = agent | (rng.random(n) < 0.55)
    bldg = np.where(with_bldg, 1 + rng.integers(0, _BLDG - 1, n), 0)
    if agent:
        bldg = 1 + (bldg - 1) // len(BUILDINGS) * len(BUILDINGS) + 1  # a 商务中心
    room = np.where(with_bldg, rng.integers(1, 30, n) * 100 + rng.integers(1, 40, n), 0)
    return (((county * _ROADS + road) * 1000 + number) * _BLDG + bldg) * _ROOMS + room


def assign_contacts(rng: np.random.Generator, orgs: Orgs) -> Contacts:
    n = len(orgs)
    county = orgs.county

    def redraw(idx: I64) -> I64:
        return _address_keys(rng, county[idx])

    address = dedupe(_address_keys(rng, county), redraw)
    landline = rng.random(n) < 0.2
    n_land = int(landline.sum())
    lands = unique_ints(rng, n_land + 1000, LANDLINES)  # the spare ones go to call centres
    phone = LANDLINES + unique_ints(rng, n, len(MOBILE) * 10**8)
    phone[landline] = lands[:n_land]
    spare_phones = lands[n_land:]
    email_p = np.select([orgs.kind == ENT, orgs.kind == IB], [0.55, 0.2], 0.4)
    email = np.where(rng.random(n) < email_p, unique_ints(rng, n, EMAILS), -1)

    # clusters: a shell cluster shares an address and/or a phone, co-located firms an address
    members = np.flatnonzero(orgs.cluster >= 0)
    c = orgs.cluster[members]
    n_cl = int(c.max()) + 1 if len(c) else 0
    first = np.full(n_cl, n)
    np.minimum.at(first, c, members)
    shell_cl = np.zeros(n_cl, bool)
    shell_cl[orgs.cluster[orgs.role == SHELL]] = True
    u = rng.random(n_cl)
    share_addr = ~shell_cl | (u < 0.7)
    share_phone = np.where(shell_cl, (u >= 0.4) | (rng.random(n_cl) < 0.6), rng.random(n_cl) < 0.3)
    share_email = shell_cl & (rng.random(n_cl) < 0.15)
    for flag, col in ((share_addr, address), (share_phone, phone), (share_email, email)):
        sel = flag[c]
        col[members[sel]] = col[first[c[sel]]]

    # supernodes: registered agents' addresses and call centres' phones
    agent = np.full(n, -1)
    call = np.full(n, -1)
    pool = np.flatnonzero((orgs.role == SMALL) & (orgs.cluster < 0))
    n_agent, n_call = max(2, round(n / 4000)), max(2, round(n / 5000))
    cap = max(30, min(200, n // 25))
    for target, count, col, spare in (
        (agent, n_agent, address, None),
        (call, n_call, phone, spare_phones),
    ):
        sizes = np.minimum(30 + (rng.pareto(1.2, count) * 25).astype(np.int64), cap)
        chosen = rng.choice(pool, min(len(pool), int(sizes.sum())), replace=False)
        ids = np.repeat(np.arange(count), sizes)[: len(chosen)]
        target[chosen] = ids
        if spare is None:
            shared = _address_keys(
                rng, county[chosen[np.r_[0, np.flatnonzero(np.diff(ids)) + 1]]], True
            )
        else:
            shared = spare[:count]  # call centres: landlines
        col[chosen] = shared[ids]
    # some shell clusters register at an agent's address
    agent_cl = np.flatnonzero(shell_cl & share_addr & (rng.random(n_cl) < 0.2))
    for cl in agent_cl:
        sup = int(rng.integers(0, n_agent))
        idx = members[c == cl]
        address[idx] = address[np.flatnonzero(agent == sup)[0]]
        agent[idx] = sup
    # a branch often gives its parent's phone
    branches = np.flatnonzero((orgs.role == BRANCH) & (rng.random(n) < 0.3))
    phone[branches] = phone[orgs.parent[branches]]
    return Contacts(address, phone, email, agent, call)


def render_addresses(keys: I64, fullwidth: np.ndarray) -> pa.Array:
    room = keys % _ROOMS
    rest = keys // _ROOMS
    bldg, rest = rest % _BLDG, rest // _BLDG
    number, rest = rest % 1000, rest // 1000
    road, county = rest % _ROADS, rest // _ROADS
    names = vocab(tuple(p.name for p in counties()))
    has = bldg > 0
    b = np.maximum(bldg - 1, 0)
    zh = vocab(ZIHAO[:40])
    parts = [
        pick(names, county),
        render_place(road // len(ROAD_TYPES)),
        pick(vocab(ROAD_TYPES), road % len(ROAD_TYPES)),
        text(number),
        "号",
        pick(zh, np.where(has, b // len(BUILDINGS) // 40, -1)),
        pick(zh, np.where(has, b // len(BUILDINGS) % 40, -1)),
        pick(vocab(BUILDINGS), np.where(has, b % len(BUILDINGS), -1)),
        pc.if_else(pa.array(has), join(text(room), "室"), pa.nulls(len(keys), pa.string())),
    ]
    out = join(*parts)
    wide = np.flatnonzero(fullwidth)
    if not len(wide):
        return out
    return pc.replace_with_mask(out, pa.array(fullwidth), to_fullwidth(out.take(pa.array(wide))))


def to_fullwidth(values: pa.Array) -> pa.Array:
    for d in "0123456789":
        values = pc.replace_substring(values, d, chr(ord(d) + 0xFEE0))
    return values


def render_phones(codes: I64, style: I64) -> pa.Array:
    """Landlines ``0917-2345678`` (style 1: no dash); mobiles (style 1: ``138 1234 5678``)."""
    land = codes < LANDLINES
    local = text(2_000_000 + codes % LANDLINES)
    m = np.maximum(codes - LANDLINES, 0)
    prefix = pick(vocab(MOBILE), m // 10**8)
    tail = pc.utf8_lpad(text(m % 10**8), 8, "0")
    dashed = pa.array(style == 0)
    landline = join(AREA_CODE, pc.if_else(dashed, pa.scalar("-"), pa.scalar("")), local)
    spaced = join(
        prefix, " ", pc.utf8_slice_codeunits(tail, 0, 4), " ", pc.utf8_slice_codeunits(tail, 4)
    )
    mobile = pc.if_else(dashed, join(prefix, tail), spaced)
    return pc.if_else(pa.array(land), landline, mobile)


def render_emails(codes: I64) -> pa.Array:
    """Distinct codes give distinct addresses: ``10023456@qq.com`` or ``lin4711@163.com``."""
    has = codes >= 0
    c = np.maximum(codes, 0)
    numeric = c % 2 == 0
    k = c // 2
    others = vocab(EMAIL_DOMAINS[1:])
    qq = join(text(10_000 + k), "@", EMAIL_DOMAINS[0])
    v = k // len(others)
    word = join(
        pick(vocab(SYLLABLES), v % len(SYLLABLES)),
        text(100 + v // len(SYLLABLES)),
        "@",
        pick(others, k % len(others)),
    )
    out = pc.if_else(pa.array(numeric), qq, word)
    return pc.if_else(pa.array(has), out, pa.nulls(len(codes), pa.string()))
