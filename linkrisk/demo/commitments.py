"""The city's 信用承诺 (告知承诺制) file: ``commitments/承诺.csv`` beside the loadable files.

Deterministic per seed: about one organisation in 50 made a commitment to one of the city's
authorities in the three years before the as-of date. Most kept their promise or are within its
period; about one in eight committed shortly before a penalty the same authority later decided
(a breach that ``linkrisk commitments load`` finds), and some of the promises that required
papers by a deadline were never fulfilled (a missed deadline). It sits in a subdirectory so that
``linkrisk load city/`` does not take it for a source of another kind.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np

from linkrisk.demo.decisions import AUTHORITIES
from linkrisk.demo.draws import stream
from linkrisk.demo.model import City
from linkrisk.demo.timeline import day, to_date
from linkrisk.demo.vocab import PENALTY

FILE = Path("commitments") / "承诺.csv"
HEADERS = ("承诺书编号", "统一社会信用代码", "承诺事项", "承诺内容", "承诺日期", "履约期限",
           "承诺受理机关", "需补正", "履约日期")  # fmt: skip
MATTERS = (
    ("食品经营许可", "承诺具备食品经营许可条件，如实提交材料"),
    ("变更登记", "承诺在期限内补交变更登记所需章程修正案"),
    ("广告发布", "承诺发布的广告内容真实合法"),
    ("消防安全检查", "承诺场所符合消防安全要求"),
    ("环境影响评价", "承诺按环评批复落实污染防治措施"),
)


def write_commitments(city: City, out_dir: Path, seed: int, as_of: date) -> int:
    """Write the commitments file; the number of commitments written."""
    rng = stream(seed, "commitments")
    today = day(as_of)
    n = len(city.orgs)
    rows: list[list[str]] = []
    # promises made shortly before a penalty of the same authority: breaches to be found
    e, d = city.events, city.decisions
    fined = np.flatnonzero((e.type == PENALTY) & ~e.person & (d.day > today - 3 * 365))
    picked = rng.choice(fined, size=min(len(fined), max(3, n // 400)), replace=False)
    for k in sorted(picked.tolist()):
        start = int(d.day[k]) - int(rng.integers(15, 120))
        rows.append(_row(city, int(e.subject[k]), start, start + 365, int(d.authority[k]), rng))
    # ordinary promises: kept, open, or (papers never handed in) a missed deadline
    for org in sorted(rng.choice(n, size=max(10, n // 50), replace=False).tolist()):
        start = today - int(rng.integers(30, 3 * 365))
        deadline = start + int(rng.choice([90, 180, 365]))
        rows.append(_row(city, org, start, deadline, int(rng.integers(len(AUTHORITIES))), rng))
    path = out_dir / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for i, row in enumerate(rows, 1):
            writer.writerow([f"CN{seed:04d}-{i:05d}", *row])
    return len(rows)


def _row(
    city: City, org: int, start: int, deadline: int, authority: int, rng: np.random.Generator
) -> list[str]:
    matter, content = MATTERS[int(rng.integers(len(MATTERS)))]
    papers = bool(rng.random() < 0.3)
    fulfilled = ""
    if papers and rng.random() < 0.7:
        when = start + int(rng.integers(1, max(2, deadline - start)))
        fulfilled = to_date(min(when, start + max(1, (deadline - start) // 2))).isoformat()
    return [
        city.uscc[org].decode() if isinstance(city.uscc[org], bytes) else str(city.uscc[org]),
        matter,
        content,
        to_date(start).isoformat(),
        to_date(deadline).isoformat(),
        AUTHORITIES[authority],
        "是" if papers else "否",
        fulfilled,
    ]
