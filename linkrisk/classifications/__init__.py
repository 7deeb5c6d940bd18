"""Names for the classification codes a registration carries, read from data tables.

- Industry (国民经济行业分类, GB/T 4754-2017): ``industries_gbt4754_2017.csv`` beside this module
  holds the standard's 20 sections (门类, A–T) and 97 divisions (大类, 01–97). A code such as
  ``C1810`` is named by its section and division (制造业 › 纺织服装、服饰业); the standard's
  groups and classes (中类, 小类) are not in the table, so the code itself is shown with them
  (rows for them, keyed by division + group digits, would be used as they are).
- Region (行政区划代码, GB/T 2260): python-stdnum's ``cn/loc`` table (maintained with the
  library, every code with its names over time); a code is named province › prefecture ›
  county with each one's latest name (陕西省 宝鸡市 岐山县).

A leaf module: it imports no other linkrisk package.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from stdnum import numdb

_INDUSTRY_TABLE = "industries_gbt4754_2017.csv"
_SPAN = re.compile(r"^\[\d*-\d*\]")
_INDUSTRY = re.compile(r"^([A-T])(\d{2})(\d{0,2})$")


@dataclass(frozen=True, slots=True)
class Named:
    """A code with its name and the names of the levels above it, outermost first."""

    code: str
    name: str | None  # the most specific level the table knows; None for an unknown code
    path: tuple[str, ...]  # e.g. ("制造业", "纺织服装、服饰业")

    @property
    def full(self) -> str:
        return " › ".join(self.path)


@lru_cache(maxsize=1)
def _industries() -> dict[str, str]:
    text = files(__package__).joinpath(_INDUSTRY_TABLE).read_text(encoding="utf-8")
    return {row["code"].strip(): row["name"].strip() for row in csv.DictReader(text.splitlines())}


def industry(code: str | None) -> Named | None:
    """The section and division names of a GB/T 4754-2017 code (``C1810``, ``C18`` or ``C``)."""
    if not code:
        return None
    code = code.strip().upper()
    table = _industries()
    match = _INDUSTRY.match(code)
    if match is None:
        return Named(code, table.get(code), (table[code],) if code in table else ())
    section, division, rest = match.groups()
    path = [table[k] for k in (section, division) if k in table]
    for extra in (division + rest[:1], division + rest) if rest else ():
        if extra in table and table[extra] not in path:  # a full table's 中类 / 小类
            path.append(table[extra])
    return Named(code, path[-1] if path else None, tuple(path))


def _latest(value: str) -> str:
    """The latest of a code's successive names (``[-2003]宝鸡县,…``)."""
    return _SPAN.sub("", value.split(",")[-1])


@lru_cache(maxsize=4096)
def region(code: str | None) -> Named | None:
    """Province, prefecture and county names of a 6-digit GB/T 2260 code (latest names)."""
    if not code:
        return None
    code = str(code).strip()
    if not re.fullmatch(r"\d{6}", code):
        return Named(code, None, ())
    loc = numdb.get("cn/loc")
    path: list[str] = []
    for part in (code[:2] + "0000", code[:4] + "00", code):
        info = loc.info(part)
        if len(info) < 2 or not info[1][1]:
            continue
        province, county = info[0][1].get("province"), info[1][1].get("county")
        if not path and province:
            path.append(_latest(province))
        if county:
            name = _latest(county)
            if name not in path and name != "市辖区" and not name.endswith("市区"):
                path.append(name)
    if not path:
        return Named(code, None, ())
    known = loc.info(code)
    exact = (len(known) >= 2 and bool(known[1][1])) or code.endswith("0000")
    return Named(code, path[-1] if exact else None, tuple(path))
