"""The paperwork of each event: decision day, authority, 文号, disclosure end, repair, objection.

Decision numbers run per issuing office and year in date order (澜市监罚〔2024〕17号); a court
case number (（2024）澜0323执45号) is shared by a debtor listing and the restrictions from the
same case. Disclosure periods follow the current rules in broad strokes (一般 penalties one year,
较重/严重 three years, dishonest debtors two years); some records were repaired (信用修复) early.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.demo.draws import F64, I64
from linkrisk.demo.eventlog import Events
from linkrisk.demo.names import join, pick, text, vocab
from linkrisk.demo.region import CITY_ABBR, CITY_NAME, PREFECTURE, counties
from linkrisk.demo.timeline import NO_DAY, add_years, month_start
from linkrisk.demo.vocab import (
    ABNORMAL,
    DEBTOR,
    DEPARTMENTS,
    INDUSTRIES,
    KEY_ATTENTION,
    PENALTY,
    PENALTY_REASONS,
    RED_LIST,
    RESTRICTION,
    SERIOUS_DISHONEST,
)

_C = len(counties())
_D = len(DEPARTMENTS)
# authorities: departments, county market bureaus, county courts, the intermediate court, the
# credit office; each with the text of its numbering and whether it numbers like a court
AUTHORITIES = (
    [d.name for d in DEPARTMENTS]
    + [f"{p.name}市场监督管理局" for p in counties()]
    + [f"{p.name}人民法院" for p in counties()]
    + [f"{CITY_NAME}中级人民法院", f"{CITY_NAME}社会信用体系建设领导小组办公室"]
)
COUNTY_BUREAU, COUNTY_COURT, CITY_COURT, CREDIT_OFFICE = _D, _D + _C, _D + 2 * _C, _D + 2 * _C + 1
# 文号 stems: per authority for penalties; special stems for lists and courts
STEMS = (
    [d.penalty_prefix for d in DEPARTMENTS]
    + [f"{p.short}市监罚" for p in counties()]
    + [f"{CITY_ABBR}{p.code[2:]}执" for p in counties()]
    + [f"{CITY_ABBR}{PREFECTURE[2:]}执", f"{CITY_ABBR}信办"]
    + [f"{p.short}市监异" for p in counties()]
    + [f"{CITY_ABBR}市监严", f"{CITY_ABBR}税信", f"{CITY_ABBR}市监信"]
)
ABNORMAL_STEM = len(AUTHORITIES)
SERIOUS_STEM, TAX_RED_STEM, MARKET_RED_STEM = (
    ABNORMAL_STEM + _C,
    ABNORMAL_STEM + _C + 1,
    ABNORMAL_STEM + _C + 2,
)
PENALTY_DISCLOSURE_YEARS = np.array([1, 3, 3])  # by severity: 一般, 较重, 严重
DISCLOSURE_YEARS: dict[int, int] = {
    SERIOUS_DISHONEST: 3,
    DEBTOR: 2,
    KEY_ATTENTION: 1,
    RED_LIST: 2,
}
# (probability, earliest and latest months after the decision) of an early repair or removal
PENALTY_REPAIR = np.array([(0.3, 3, 12), (0.15, 12, 30), (0.05, 12, 30)])  # by severity
REPAIR: dict[int, tuple[float, int, int]] = {
    SERIOUS_DISHONEST: (0.1, 12, 36),
    DEBTOR: (0.4, 2, 24),
    RESTRICTION: (0.35, 2, 24),
    KEY_ATTENTION: (0.3, 3, 12),
}


@dataclass(slots=True)
class Decisions:
    day: I64
    authority: I64  # index into AUTHORITIES
    number: pa.Array  # 文号 / 案号
    disclosure_end: I64
    repair: I64
    objection: I64  # 0 "否", 1 "是", 2 blank


def decide(
    rng: np.random.Generator,
    ev: Events,
    first_month: int,
    as_of: int,
    subject_county: I64,
    subject_industry: I64,
    subject_risk: F64,
) -> Decisions:
    n = len(ev.type)
    start = month_start(first_month + ev.month)
    length = month_start(first_month + ev.month + 1) - start
    day = np.minimum(start + (rng.random(n) * length).astype(np.int64), as_of)
    t = ev.type
    letter = np.array([i.code[0] for i in INDUSTRIES] + ["S"] * 4)[subject_industry]
    auth = np.zeros(n, np.int64)
    u = rng.random(n)
    sector = np.select([letter == "G", np.isin(letter, ["C", "E", "N"])], [2, 3], 0)
    dept = np.where(u < 0.2, 1, np.where((u < 0.45) & (sector > 0), sector, 0))
    auth[t == PENALTY] = np.where(
        (dept == 0) & (rng.random(n) < 0.5), COUNTY_BUREAU + subject_county, dept
    )[t == PENALTY]
    auth[t == ABNORMAL] = (COUNTY_BUREAU + subject_county)[t == ABNORMAL]
    auth[t == SERIOUS_DISHONEST] = 0
    court = np.where(rng.random(n) < 0.15, CITY_COURT, COUNTY_COURT + subject_county)
    cased = ev.case >= 0
    _, first, inverse = np.unique(ev.case[cased], return_index=True, return_inverse=True)
    auth[cased] = court[cased][first][inverse]  # every record of a case names the same court
    auth[t == KEY_ATTENTION] = np.where(rng.random(n) < 0.5, CREDIT_OFFICE, 0)[t == KEY_ATTENTION]
    auth[t == RED_LIST] = np.where(ev.reason == 0, 1, 0)[t == RED_LIST]
    # penalty reasons fit the deciding department (county bureaus are market regulators)
    pen = np.flatnonzero(t == PENALTY)
    pen_dept = np.where(auth[pen] < _D, auth[pen], 0)
    sizes = np.array([len(PENALTY_REASONS[d.code]) for d in DEPARTMENTS])
    offsets = np.cumsum(sizes) - sizes
    ev.reason[pen] = offsets[pen_dept] + (rng.random(len(pen)) * sizes[pen_dept]).astype(np.int64)
    stem = auth.copy()
    stem[t == KEY_ATTENTION] = CREDIT_OFFICE
    stem[t == ABNORMAL] = (ABNORMAL_STEM + subject_county)[t == ABNORMAL]
    stem[t == SERIOUS_DISHONEST] = SERIOUS_STEM
    stem[t == RED_LIST] = np.where(ev.reason == 0, TAX_RED_STEM, MARKET_RED_STEM)[t == RED_LIST]
    year = start.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    number = _numbers(
        rng, stem, year, day, np.where(cased, ev.case, -1 - np.arange(n)), first_month
    )
    disclosure = np.full(n, NO_DAY)
    repair = np.full(n, NO_DAY)
    pen = np.flatnonzero(t == PENALTY)
    disclosure[pen] = add_years(day[pen], PENALTY_DISCLOSURE_YEARS[ev.severity[pen]])
    for etype, years in DISCLOSURE_YEARS.items():
        idx = np.flatnonzero(t == etype)
        disclosure[idx] = add_years(day[idx], years)
    scale = np.clip(np.exp(-0.5 * subject_risk), 0.3, 1.5)
    for etype in (PENALTY, *REPAIR):
        idx = np.flatnonzero(t == etype)
        if etype == PENALTY:
            rows = PENALTY_REPAIR[ev.severity[idx]]
        else:
            rows = np.tile(np.array(REPAIR[etype], float), (len(idx), 1))
        p, lo, hi = rows[:, 0] * scale[idx], rows[:, 1], rows[:, 2]
        months = lo + (rng.random(len(idx)) * (hi - lo + 1)).astype(np.int64)
        when = add_years(day[idx], 0) + (months * 30.44).astype(np.int64)
        repair[idx] = np.where(rng.random(len(idx)) < p, when, NO_DAY)
    ab = np.flatnonzero((t == ABNORMAL) & (ev.removed >= 0))
    removed_start = month_start(first_month + ev.removed[ab])
    repair[ab] = np.maximum(removed_start + rng.integers(0, 28, len(ab)), day[ab] + 1)
    repair[repair > as_of] = NO_DAY
    objection = np.where(t == RED_LIST, 2, np.select([u < 0.02, u < 0.15], [1, 2], 0))
    return Decisions(day, auth, number, disclosure, repair, objection)


def _numbers(
    rng: np.random.Generator, stem: I64, year: I64, day: I64, case: I64, first_month: int
) -> pa.Array:
    """Numbers in date order per (stem, year); rows sharing a case share its number.

    In the window's first, partial year the offices had already numbered the decisions of the
    months before: numbers there start where that many months' worth would have left them.
    """
    _, first, inverse = np.unique(case, return_index=True, return_inverse=True)
    c_stem, c_year, c_day = stem[first], year[first], day[first]
    order = np.lexsort((rng.random(len(first)), c_day, c_year, c_stem))
    key = c_stem[order] * 10_000 + c_year[order]
    starts = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    seq = np.empty(len(first), np.int64)
    counts = np.diff(np.r_[starts, len(first)])
    seq[order] = np.arange(len(first)) - np.repeat(starts, counts) + 1
    covered = 12 - first_month % 12
    before = np.where(
        c_year[order][starts] == 1970 + first_month // 12, counts * (12 - covered) // covered, 0
    )
    seq[order] += np.repeat(before, counts)
    seq, c_stem, c_year = seq[inverse], c_stem[inverse], c_year[inverse]
    stems = vocab(tuple(STEMS))
    is_court = (c_stem >= COUNTY_COURT) & (c_stem <= CITY_COURT)
    bracket = join(
        pick(stems, np.where(is_court, -1, c_stem)), "〔", text(c_year), "〕", text(seq), "号"
    )
    court = join(
        "（", text(c_year), "）", pick(stems, np.where(is_court, c_stem, -1)), text(seq), "号"
    )
    return pc.if_else(pa.array(is_court), court, bracket)
