"""Chains that leave the registry: the city's foreign holders as offshore companies, and who
owns them — passport holders, directly or through a second offshore layer.

Everything is a pure function of the foreign holders' indices (``render.hash_uniform``), so the
same seed gives the same files. Numbers are synthetic and unique per holder: a foreign holder
``e`` is registered as ``1000000 + e`` in its jurisdiction, its optional parent as
``5000000 + e`` in the Cayman Islands, passport holder ``q`` carries ``E`` + ``10000000 + q``.
A passport holder owns several offshore companies, so the same document shows up in several
firms (one person in the graph).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.demo.draws import I64
from linkrisk.demo.model import City
from linkrisk.demo.names import join, pick, text, vocab
from linkrisk.demo.ownership import FOREIGN

#: (identifier type as a file writes it, country): where the foreign holders are registered
JURISDICTIONS = (
    ("境外注册号", "VG"),  # British Virgin Islands
    ("境外注册号", "KY"),  # Cayman Islands
    ("香港公司注册编号", None),  # Hong Kong: hk-cr, no country needed
    ("境外注册号", "BM"),  # Bermuda
    ("境外注册号", "WS"),  # Samoa
)
PASSPORT_COUNTRIES = ("SG", "US", "GB", "CA", "AU", "MY")
GIVEN = ("Alex", "Robin", "Sam", "Jordan", "Casey", "Morgan", "Taylor", "Jamie", "Avery", "Quinn")
FAMILY = ("Lane", "Hart", "Vale", "Reed", "Moss", "Frost", "Wren", "Ashby", "Pike", "Brook")
PARENT_SHARE = 0.35  # foreign holders owned through a second offshore company
SPLIT_SHARE = 0.2  # foreign holders owned by two passport holders (60/40)
HEADERS = (
    "org_uscc",
    "org_id_type",
    "org_country",
    "holder_name",
    "holder_type",
    "holder_id_type",
    "holder_country",
    "holder_id",
    "share",
)


def _uniform(key: I64, salt: int) -> np.ndarray:
    from linkrisk.demo.render import hash_uniform  # render imports this module

    return hash_uniform(key, salt)


def foreign_identity(ext: I64) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(identifier type, country, number) of foreign holders by their external index."""
    j = (_uniform(ext, 11) * len(JURISDICTIONS)).astype(np.int64)
    types = pick(vocab(tuple(t for t, _c in JURISDICTIONS)), j)
    countries = pick(pa.array([c for _t, c in JURISDICTIONS], pa.string()), j)
    return types, countries, text(1_000_000 + ext)


def foreign_holders(city: City) -> I64:
    """The external indices of the foreign holders that hold something, ascending."""
    h = city.holdings
    return np.unique(h.src[h.src_kind == FOREIGN])


def _people(n: int) -> int:
    return max(1, n // 3)  # about three offshore companies per passport holder


def _passport_holders(ext: I64, n: int, salt: int) -> I64:
    return (_uniform(ext, salt) * _people(n)).astype(np.int64)


def _persons(q: I64) -> tuple[pa.Array, pa.Array, pa.Array]:
    names = join(
        pick(vocab(GIVEN), q % len(GIVEN)), " ", pick(vocab(FAMILY), (q // len(GIVEN)) % 10)
    )
    country = pick(
        vocab(PASSPORT_COUNTRIES), (_uniform(q, 15) * len(PASSPORT_COUNTRIES)).astype(int)
    )
    return names, country, join("E", text(10_000_000 + q))


def offshore_table(city: City) -> pa.Table:
    """Holdings of the offshore companies: passport holders and parent companies above them."""
    ext = foreign_holders(city)
    n = len(ext)
    v = _uniform(ext, 13)
    parented = v < PARENT_SHARE
    split = (v >= 1 - SPLIT_SHARE) & ~parented & (_people(n) > 1)
    parts: list[pa.Table] = []

    def rows(held: tuple[pa.Array, pa.Array, pa.Array], holder: list[pa.Array], share: str) -> None:
        m = len(held[0])
        parts.append(
            pa.table(
                [held[2], held[0], held[1], *holder, pa.array([share] * m, pa.string())],
                names=list(HEADERS),
            )
        )

    def person_cols(q: I64) -> list[pa.Array]:
        names, country, number = _persons(q)
        m = len(q)
        return [
            names,
            pa.array(["自然人股东"] * m, pa.string()),
            pa.array(["护照"] * m, pa.string()),
            country,
            number,
        ]

    types, countries, numbers = foreign_identity(ext)

    def held(mask: np.ndarray) -> tuple[pa.Array, pa.Array, pa.Array]:
        at = pa.array(np.flatnonzero(mask))
        return types.take(at), countries.take(at), numbers.take(at)

    first = _passport_holders(ext, n, 14)
    alone = ~parented & ~split
    rows(held(alone), person_cols(first[alone]), "100")
    rows(held(split), person_cols(first[split]), "60")
    rows(held(split), person_cols((first[split] + 1) % _people(n)), "40")  # someone else
    # a second layer: a Cayman parent holds the offshore company, a passport holder the parent
    parent_no = text(5_000_000 + ext[parented])
    k = int(parented.sum())
    cayman = (pa.array(["境外注册号"] * k, pa.string()), pa.array(["KY"] * k, pa.string()))
    parent_names = join(pick(vocab(FAMILY), ext[parented] % 10), " Holdings Ltd")
    rows(
        held(parented),
        [parent_names, pa.array(["外国(地区)企业"] * k, pa.string()), *cayman, parent_no],
        "100",
    )
    rows((cayman[0], cayman[1], parent_no), person_cols(first[parented]), "100")
    table = pa.concat_tables(parts)
    return table.set_column(
        HEADERS.index("org_country"), "org_country", pc.cast(table["org_country"], pa.string())
    )
