"""People: who turns up in which firm, and their synthetic names and resident ID numbers.

Structure code asks a ``PersonPool`` for person ids while it builds holdings and officer rows;
most are fresh, some come from a heavy-tailed pool of "serial" people who appear in many firms.
Once every row exists, ``materialise`` keeps the ids actually used and gives each person a
birth date that fits their earliest role, a birth county valid in that year, a name and an ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from linkrisk.demo.codes import resident_ids
from linkrisk.demo.draws import I64, pareto_weights
from linkrisk.demo.names import person_names, render_person_names
from linkrisk.demo.region import draw_birth_codes
from linkrisk.demo.timeline import add_years, day, ymd

EARLIEST_BIRTH = day(date(1955, 1, 1))
LATEST_BIRTH = day(date(2002, 12, 31))
LOCAL_BIRTH = 0.85  # the rest were born elsewhere in China


class PersonPool:
    """Hands out raw person ids: fresh people, or serial people who turn up again and again."""

    def __init__(self, rng: np.random.Generator, serial: int) -> None:
        self.rng = rng
        # capped Pareto activity: most serial people hold a few roles, a handful several dozen
        self._cum = np.cumsum(pareto_weights(rng, serial, 1.2, 30.0))
        self.next = serial

    def fresh(self, n: int) -> I64:
        ids = np.arange(self.next, self.next + n, dtype=np.int64)
        self.next += n
        return ids

    def serial(self, n: int) -> I64:
        u = self.rng.random(n) * self._cum[-1]
        return np.asarray(np.searchsorted(self._cum, u, side="right"), np.int64)

    def pick(self, n: int, p_serial: float) -> I64:
        out = self.fresh(n)
        again = self.rng.random(n) < p_serial
        out[again] = self.serial(int(again.sum()))
        return out


@dataclass(slots=True)
class Persons:
    male: NDArray[np.bool_]
    birth: I64
    id_number: NDArray[np.bytes_]  # S18
    id_key: I64  # the first 17 digits as an integer
    names: pa.Array  # string

    def __len__(self) -> int:
        return len(self.birth)


def materialise(rng: np.random.Generator, n: int, first_role_day: I64, as_of: int) -> Persons:
    """People for ids 0..n-1: adults (18+) by their first role, born 1955–2002."""
    male = rng.random(n) < 0.68  # registered officers and shareholders are mostly men
    latest = np.minimum(add_years(first_role_day, -18) - 1, LATEST_BIRTH)
    latest = np.minimum(latest, add_years(np.full(n, as_of), -24))
    age_gap = rng.gamma(2.0, 7.0 * 365.25, n).astype(np.int64)  # years older than the minimum
    span = np.maximum(latest - EARLIEST_BIRTH, 0)
    # born no earlier than 1955: a gap past that is drawn again, uniformly over what is left
    age_gap = np.where(age_gap > span, (rng.random(n) * span).astype(np.int64), age_gap)
    birth = latest - age_gap
    year = ymd(birth)[0]
    region = draw_birth_codes(rng, year, rng.random(n) < LOCAL_BIRTH)
    ids, keys = resident_ids(rng, region, birth, male)
    surname, g1, g2 = person_names(rng, male)
    return Persons(male, birth, ids, keys, render_person_names(surname, g1, g2))


def earliest(person: I64, days: I64, n: int) -> I64:
    """Earliest day each person 0..n-1 appears (far future if never)."""
    out = np.full(n, np.iinfo(np.int64).max // 4)
    np.minimum.at(out, person, days)
    return out
