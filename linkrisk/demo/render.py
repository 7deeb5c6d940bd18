"""Rows of each output file as Arrow tables, rendered a slice at a time from the city's arrays.

Headers are the Chinese or English aliases of ``linkrisk.loaders.columns``; values are the texts
users' files carry (mixed date formats in orgs.csv, shares as "35%" or "35").
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.demo.contacts import render_addresses, render_emails, render_phones
from linkrisk.demo.draws import I64
from linkrisk.demo.model import City
from linkrisk.demo.names import join, pick, text, vocab
from linkrisk.demo.offshore import foreign_identity
from linkrisk.demo.orgs import ACTIVE, BRANCH, IB, INDUSTRY_CODES, PREFIXES, REVOKED
from linkrisk.demo.ownership import EXTERNAL, FOREIGN, ORG, PERSON
from linkrisk.demo.region import counties
from linkrisk.demo.timeline import NO_DAY, iso, mixed
from linkrisk.demo.vocab import (
    HOLDER_TYPES,
    KIND_LABELS,
    ROLES,
    STATUS_LABELS,
)

ORG_HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "主体类型",
    "成立日期",
    "登记状态",
    "行业代码",
    "行政区划代码",
    "注册资本(万元)",
    "住所",
    "联系电话",
    "电子邮箱",
)
HOLDING_HEADERS = (
    "org_uscc",
    "holder_name",
    "holder_type",
    "holder_id_type",
    "holder_country",
    "holder_id",
    "share",
    "subscribed",
    "start_date",
    "end_date",
)
OFFICER_HEADERS = ("统一社会信用代码", "姓名", "证件号码", "职务", "任职日期", "离任日期")
_STATUS = [(s, v) for s, vs in enumerate(STATUS_LABELS.values()) for v in vs]


def text_or_null(values: np.ndarray) -> pa.Array:
    """Fixed-width byte strings (``S18``…) as Arrow text; empty ones become null."""
    arr = pc.cast(pa.array(values), pa.string())
    return pc.if_else(pc.equal(arr, ""), pa.nulls(len(arr), pa.string()), arr)


def hash_uniform(key: I64, salt: int) -> np.ndarray:
    """A uniform in [0, 1) per key, stable whatever slice it is rendered in."""
    h = (key.astype(np.uint64) + np.uint64(salt)) * np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(31)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(29)
    return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def org_labels(city: City) -> I64:
    """主体类型 per org as an index into KIND_LABELS."""
    o, h = city.orgs, city.holdings
    n = len(o)
    current = h.end == NO_DAY
    persons = np.bincount(h.dst[current & (h.src_kind == PERSON)], minlength=n)
    firms = np.bincount(h.dst[current & np.isin(h.src_kind, (ORG, EXTERNAL))], minlength=n)
    foreign = np.bincount(h.dst[current & (h.src_kind == FOREIGN)], minlength=n)
    joint = city.name_keys[:n] % 4 == 2
    keys = list(KIND_LABELS)
    label = np.select(
        [foreign > 0, joint, (firms == 1) & (persons == 0), (persons == 1) & (firms == 0)],
        [
            keys.index("foreign"),
            keys.index("joint_stock"),
            keys.index("corporate"),
            keys.index("sole"),
        ],
        keys.index("persons"),
    )
    label = np.where(o.role == BRANCH, keys.index("branch"), label)
    label = np.where(o.kind == IB, keys.index("ib"), label)
    for k in range(2, len(PREFIXES)):
        label = np.where(o.kind == k, keys.index(PREFIXES[k]), label)
    return label


def orgs_table(city: City, lo: int, hi: int, labels: I64) -> pa.Table:
    o, c = city.orgs, city.contacts
    idx = np.arange(lo, hi)
    u = hash_uniform(idx, 1)
    status = np.where(o.exit_day[idx] >= 10**7, ACTIVE, o.status[idx])
    variant = np.where(
        status == ACTIVE,
        np.select([u < 0.7, u < 0.9], [0, 1], 2),
        np.where(status == REVOKED, (u < 0.5).astype(np.int64), 0),
    )
    starts = {s: i for i, (s, _v) in reversed(list(enumerate(_STATUS)))}
    st_idx = np.array([starts[s] for s in range(len(STATUS_LABELS))])[status] + variant
    shared_addr = (c.agent[idx] >= 0) | (o.cluster[idx] >= 0)
    capital = o.capital[idx]
    date_style = np.select([u < 0.6, u < 0.85], [0, 1], 2)
    cols = [
        text_or_null(city.uscc[idx]),
        city.names.slice(lo, hi - lo),
        pick(vocab(tuple(KIND_LABELS.values())), labels[idx]),
        mixed(o.reg_day[idx], date_style),
        pick(vocab(tuple(v for _s2, v in _STATUS)), st_idx),
        pick(vocab(INDUSTRY_CODES), o.industry[idx]),
        pick(vocab(tuple(p.code for p in counties())), o.county[idx]),
        pc.cast(pa.array(np.round(capital, 4), mask=np.isnan(capital)), pa.string()),
        render_addresses(c.address[idx], shared_addr & (hash_uniform(idx, 2) < 0.2)),
        render_phones(c.phone[idx], (hash_uniform(idx, 3) < 0.25).astype(np.int64)),
        render_emails(c.email[idx]),
    ]
    return pa.table(cols, names=list(ORG_HEADERS))


def _share_text(bp: I64, style: I64) -> pa.Array:
    """ "35%" (style 0) or "35" (1): a share column is percent or fraction as a whole (the
    loaders decide per column), so plain percents are never mixed with plain fractions."""
    pct = text(np.round(bp / 100, 2))
    return pc.choose(pa.array(style.astype(np.int8)), join(pct, "%"), pct)


def holder_columns(city: City, kind: I64, src: I64, no_id: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Names and identifiers of holders of any kind."""
    p = city.persons
    pk, ok, ek = kind == PERSON, kind == ORG, kind >= EXTERNAL
    names = pc.choose(
        pa.array(np.select([ok, ek], [1, 2], 0).astype(np.int8)),
        pc.take(p.names, pa.array(np.where(pk, src, 0))),
        city.names.take(pa.array(np.where(ok, src, 0))),
        city.external_names.take(pa.array(np.where(ek, src, 0))),
    )
    ids = np.where(pk & ~no_id, p.id_number[np.where(pk, src, 0)], b"")
    ids = np.where(ok, city.uscc[np.where(ok, src, 0)], ids)
    ids = np.where(ek, city.external_uscc[np.where(ek, src, 0)], ids)
    return names, text_or_null(ids.astype("S18"))


def _scatter(mask: np.ndarray, values: pa.Array) -> pa.Array:
    """``values`` at the rows of ``mask`` (in order), null elsewhere."""
    out = pa.nulls(len(mask), pa.string())
    return pc.replace_with_mask(out, pa.array(mask), pc.cast(values, pa.string()))


def holdings_table(city: City, lo: int, hi: int) -> pa.Table:
    h = city.holdings
    s = slice(lo, hi)
    idx = np.arange(lo, hi)
    names, ids = holder_columns(city, h.src_kind[s], h.src[s], city.holding_no_id[s])
    kind = np.minimum(h.src_kind[s], FOREIGN)
    htype = np.select([kind == PERSON, kind == FOREIGN], [0, 2], 1)
    style = (hash_uniform(idx, 4) * 2).astype(np.int64)
    capital = city.orgs.capital[h.dst[s]]
    subscribed = np.round(h.share_bp[s] * capital, 2)
    foreign = np.flatnonzero(kind == FOREIGN)  # offshore companies: typed registry numbers
    types, countries, numbers = foreign_identity(h.src[s][foreign])
    at = np.zeros(len(kind), bool)
    at[foreign] = True
    cols = [
        text_or_null(city.uscc[h.dst[s]]),
        names,
        pick(vocab(HOLDER_TYPES), htype),
        _scatter(at, types),
        _scatter(at, countries),
        pc.coalesce(ids, _scatter(at, numbers)),
        _share_text(h.share_bp[s], style),
        pc.cast(pa.array(subscribed, mask=np.isnan(subscribed)), pa.string()),
        iso(h.start[s]),
        iso(h.end[s]),
    ]
    return pa.table(cols, names=list(HOLDING_HEADERS))


def officers_table(city: City, lo: int, hi: int) -> pa.Table:
    f = city.officers
    s = slice(lo, hi)
    p = city.persons
    ids = np.where(city.officer_no_id[s], b"", p.id_number[f.person[s]])
    cols = [
        text_or_null(city.uscc[f.org[s]]),
        pc.take(p.names, pa.array(f.person[s])),
        text_or_null(ids.astype("S18")),
        pick(vocab(ROLES), f.role[s]),
        iso(f.start[s]),
        iso(f.end[s]),
    ]
    return pa.table(cols, names=list(OFFICER_HEADERS))


def branch_lines(city: City) -> pa.Array:
    o = city.orgs
    b = np.flatnonzero(o.parent >= 0)
    ended = o.exit_day[b] < 10**7
    end = iso(np.where(ended, o.exit_day[b], NO_DAY))
    tail = pc.if_else(pa.array(ended), join(', "end_date": "', end, '"'), pa.scalar(""))
    return join(
        '{"parent_uscc": "',
        text_or_null(city.uscc[o.parent[b]]),
        '", "branch_uscc": "',
        text_or_null(city.uscc[b]),
        '", "start_date": "',
        iso(o.reg_day[b]),
        '"',
        tail,
        "}",
    )
