"""Made-up resident ID numbers for the security tests, and the ways people write them.

No real person's number is used: every number is generated with a valid GB 11643 check digit
(``tests.api.city.make_id_number``); the one that also passes the USCC checks is found by search.
"""

from __future__ import annotations

from functools import lru_cache

from linkrisk.loaders.identifiers import check_resident_id, check_uscc
from tests.api.city import make_id_number


@lru_cache(maxsize=1)
def dual_valid_id_number() -> str:
    """A valid resident ID number that is also a valid USCC (about 0.3 % of them are)."""
    for day in range(1, 29):
        for serial in range(1000):
            number = make_id_number(serial, born=f"199003{day:02d}", region="110101")
            if check_resident_id(number) is None and check_uscc(number) is None:
                return number
    raise AssertionError("no ID number among 28,000 passes the USCC checks")


def full_width(text: str) -> str:
    """Digits and letters as full-width forms (１１０１…)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in text)


def spellings(number: str) -> list[str]:
    """How an ID number reaches linkrisk: as is, grouped with dashes or spaces, full-width."""
    grouped = f"{number[:6]}-{number[6:14]}-{number[14:]}"
    return [
        number,
        grouped,
        f"{number[:6]} {number[6:14]} {number[14:]}",
        full_width(number),
        full_width(grouped),
    ]


def leaks(text: str, numbers: list[str]) -> list[str]:
    """The numbers (in any spelling) that ``text`` shows unmasked, and their telling part
    (region and birth date, the first 14 digits) as well."""
    found = []
    for number in numbers:
        for spelled in [*spellings(number), number[:14]]:
            if spelled in text:
                found.append(spelled)
    return found
