"""Synthetic identifiers and source files for the loader tests and the benchmark.

Every name here is made up; numbers are generated with valid (or deliberately broken) check
characters so that no real person or firm is involved.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from linkrisk.loaders.identifiers import (
    ID_CHECK,
    ID_WEIGHTS,
    USCC_ALPHABET,
    org_code_check_digit,
    uscc_check_char,
)

ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # org-code body chars that are also USCC chars


def make_uscc(rng: random.Random, prefix: str = "91", region: str = "110105") -> str:
    """A valid 18-character USCC with the given registration/type prefix."""
    body = "".join(rng.choice(ORG_CHARS) for _ in range(8))
    org = body + org_code_check_digit(body)
    if org[-1] not in USCC_ALPHABET:  # never happens (X and 0..9 are in it), kept for clarity
        raise AssertionError(org)
    first17 = prefix + region + org
    return first17 + uscc_check_char(first17)


def make_resident_id(rng: random.Random, region: str = "110105", born: str | None = None) -> str:
    """A valid 18-digit resident ID number (GB 11643) with a made-up sequence number."""
    if born is None:
        born = f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = region + born + f"{rng.randint(0, 999):03d}"
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def break_check(code: str) -> str:
    """The same code with a wrong last character."""
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last


SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def make_person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def make_org_name(rng: random.Random, i: int) -> str:
    return f"测试{i}号（北京）虚构科技有限公司" if i % 3 == 0 else f"示例{i}号虚构贸易有限公司"


HOLDINGS_HEADER = [
    "统一社会信用代码",
    "股东名称",
    "股东类型",
    "股东证照号码",
    "持股比例",
    "认缴出资额(万元)",
    "认缴出资日期",
]


def write_holdings_csv(path: Path, rows: int, seed: int = 7, encoding: str = "utf-8") -> Path:
    """A holdings-like CSV: a third org holders, a half persons with IDs, the rest without."""
    rng = random.Random(seed)
    orgs = [make_uscc(rng) for _ in range(max(rows // 4, 10))]
    ids = [make_resident_id(rng) for _ in range(max(rows // 2, 10))]
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HOLDINGS_HEADER)
        for i in range(rows):
            org = orgs[i % len(orgs)]
            kind = i % 6
            if kind < 2:
                holder = orgs[(i * 7 + 3) % len(orgs)]
                name, htype = make_org_name(rng, i), "企业法人"
            elif kind < 5:
                holder, name, htype = ids[i % len(ids)], make_person_name(rng), "自然人"
            else:
                holder, name, htype = "", make_person_name(rng), "自然人"
            share = f"{rng.randint(1, 100)}%" if i % 2 else f"{rng.randint(1, 99) / 100:.2f}"
            date = f"20{rng.randint(10, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            out.writerow([org, name, htype, holder, share, rng.randint(1, 5000), date])
    return path
