"""The demo city's places: real county-level codes from python-stdnum's ``cn/loc`` table.

The city itself is fictional (澜城市, abbreviated 澜), but its districts and counties carry the
real codes and names of one prefecture so that organisation region codes look right and the
resident ID numbers generated for its people pass region checks (``resident_id_region_known``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np

from linkrisk.demo.draws import I64

PREFECTURE = "6103"  # 12 current districts/counties, 8 of them unchanged since before 1955
CITY_NAME = "澜城市"  # fictional: no real city has this name
CITY_ABBR = "澜"  # used in decision numbers: 澜市监罚〔2024〕12号
CITY_CODE = PREFECTURE + "00"  # city-level registrations carry the prefecture's "00" code
AREA_CODE = "0917"  # telephone area code matching the prefecture's codes
_NOT_COUNTY = ("00", "01")  # the province/prefecture itself and "市辖区" are not counties
_SPAN = re.compile(r"^\[(\d*)-(\d*)\](.*)$")
_OUTSIDE_PROVINCES_EXCLUDED = ("71", "81", "82")  # Taiwan, Hong Kong, Macau: not in the ID scheme


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str  # the latest name
    spans: tuple[tuple[int, int], ...]  # (first, last) years of validity; 0 and 9999: open

    def valid_in(self, year: int) -> bool:
        return any(first <= year <= last for first, last in self.spans)

    @property
    def current(self) -> bool:
        return self.spans[-1][1] == 9999

    @property
    def short(self) -> str:
        """简称: 岐山县 → 岐山, but 眉县 stays 眉县."""
        return self.name[:-1] if len(self.name) > 2 and self.name[-1] in "区县市" else self.name


def _parse(value: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A code can carry successive names, each with its span of years."""
    spans: list[tuple[int, int]] = []
    name = value
    for part in value.split(","):
        m = _SPAN.match(part)
        if m is None:
            spans.append((0, 9999))
            name = part
        else:
            spans.append((int(m[1] or 0), int(m[2] or 9999)))
            name = m[3]
    return name, tuple(spans)


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """Every county-level code in the table (province and prefecture rows left out)."""
    text = files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    out: list[Place] = []
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        code, rest = line.strip().split(" ", 1)
        m = re.search(r'county="([^"]*)"', rest)
        if m is None or code[2:] in _NOT_COUNTY:
            continue
        name, spans = _parse(m[1])
        out.append(Place(province + code, name, spans))
    return tuple(out)


@lru_cache(maxsize=1)
def counties() -> tuple[Place, ...]:
    """The city's current districts and counties."""
    return tuple(p for p in places() if p.code.startswith(PREFECTURE) and p.current)


def county_weights() -> np.ndarray:
    """Urban districts (区) hold more firms than rural counties (县)."""
    return np.array([3.0 if p.name.endswith("区") else 1.0 for p in counties()])


@lru_cache(maxsize=1)
def _span_table() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Codes, (first, last) years padded to the longest span list, and the local flag."""
    ps = places()
    width = max(len(p.spans) for p in ps)
    first = np.full((len(ps), width), 10_000)
    last = np.full((len(ps), width), -1)
    for i, p in enumerate(ps):
        for j, (a, b) in enumerate(p.spans):
            first[i, j], last[i, j] = a, b
    codes = np.array([p.code for p in ps], "S6")
    local = np.char.startswith(codes, PREFECTURE.encode())
    usable = ~np.isin(
        np.char.ljust(codes, 2).astype("S2"), [c.encode() for c in _OUTSIDE_PROVINCES_EXCLUDED]
    )
    return codes, first, last, np.where(local, 1, np.where(usable, 0, -1))


@lru_cache(maxsize=128)
def birth_codes(year: int, local: bool) -> tuple[str, ...]:
    """Codes valid in ``year``: the city's own (``local``) or any other county in China."""
    codes, first, last, where = _span_table()
    valid = ((first <= year) & (year <= last)).any(axis=1) & (where == (1 if local else 0))
    return tuple(c.decode() for c in codes[valid])


@lru_cache(maxsize=2)
def _birth_table(local: bool) -> tuple[np.ndarray, np.ndarray]:
    """(years × codes) table of the codes valid in each year 1900–2030, and their counts."""
    codes, first, last, where = _span_table()
    years = np.arange(1900, 2031)[:, None, None]
    valid = ((first[None] <= years) & (years <= last[None])).any(axis=2)
    valid &= (where == (1 if local else 0))[None, :]
    as_int = codes.astype(np.int64)
    count = valid.sum(axis=1)
    table = np.zeros((len(count), int(count.max())), np.int64)
    for i in range(len(count)):
        table[i, : count[i]] = as_int[valid[i]]
    return table, count


def draw_birth_codes(rng: np.random.Generator, years: I64, local: np.ndarray) -> I64:
    """A birth county code (as an integer) valid in each person's birth year."""
    row = np.clip(years, 1900, 2030) - 1900
    out = np.zeros(len(years), np.int64)
    for is_local in (True, False):
        table, count = _birth_table(is_local)
        idx = np.flatnonzero(local == is_local)
        pick = (rng.random(len(idx)) * count[row[idx]]).astype(np.int64)
        out[idx] = table[row[idx], pick]
    return out


def outside_codes() -> tuple[str, ...]:
    """Current county codes elsewhere, for shareholders registered outside the city."""
    return birth_codes(2026, local=False)
