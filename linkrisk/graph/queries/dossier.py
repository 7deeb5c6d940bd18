"""What an investigator reads about one subject (工商信息): its relations, with their details.

For an organisation: 法定代表人, 股东信息 (each holder's 持股比例, 认缴出资额 and 出资日期),
主要人员 (each person and role, since when), 对外投资 (the firms it holds), 分支机构 and the head
office it is a branch of. For a person: the roles it holds and the firms it holds shares in
(the person's page). Everything comes from the snapshot (the graph in force on its as-of
date), so the answer is the same whichever store the snapshot was built from.

Unknown values stay unknown (``None``), never 0: a holding without a recorded share is not a
0 % holding.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta

import numpy as np

from linkrisk.graph.relations import KIND_CODES, NO_END, NO_START, ROLE_CODES, STATUS_CODES, RelType
from linkrisk.graph.snapshot.arrays import Relation, Snapshot

_EPOCH = date(1970, 1, 1)


@dataclasses.dataclass(frozen=True, slots=True)
class Stake:
    """A holding: ``sid`` is the other party (the holder in 股东信息, the held firm in 对外投资)."""

    sid: str
    kind: str | None
    share: float | None  # fraction in [0, 1]; None when the source gave none
    subscribed: float | None  # 认缴出资额, yuan
    since: date | None  # 认缴出资日期 / 入股日期


@dataclasses.dataclass(frozen=True, slots=True)
class Post:
    """A role: ``sid`` is the other party (the person in 主要人员, the firm on a person's page)."""

    sid: str
    kind: str | None
    role: str
    since: date | None


@dataclasses.dataclass(frozen=True, slots=True)
class Link:
    """A branch (分支机构) or the head office (隶属企业)."""

    sid: str
    kind: str | None
    status: str | None
    since: date | None


@dataclasses.dataclass(frozen=True, slots=True)
class Dossier:
    """A subject's relations in force on ``as_of``; lists sorted by share or role, then sid."""

    sid: str
    kind: str | None
    status: str | None
    as_of: date
    snapshot: str
    legal_representatives: tuple[str, ...]
    shareholders: tuple[Stake, ...]  # 股东信息 (who holds this subject)
    officers: tuple[Post, ...]  # 主要人员 (persons in roles at this subject)
    investments: tuple[Stake, ...]  # 对外投资 (what this subject holds)
    posts: tuple[Post, ...]  # roles this subject (a person) holds at firms
    branches: tuple[Link, ...]  # 分支机构
    head_office: Link | None  # the firm this one is a branch of


def day(value: int) -> date | None:
    """A snapshot day number as a date (None when unknown)."""
    value = int(value)
    return None if value in (NO_START, NO_END) else _EPOCH + timedelta(days=value)


def code(codes: tuple[object, ...], value: int) -> str | None:
    value = int(value)
    return str(getattr(codes[value], "value", codes[value])) if 0 <= value < len(codes) else None


def _number(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def kind_of(snapshot: Snapshot, node: int) -> str | None:
    return code(KIND_CODES, snapshot.nodes["kind"][node])


def status_of(snapshot: Snapshot, node: int) -> str | None:
    return code(STATUS_CODES, snapshot.nodes["status"][node])


def _attr(relation: Relation, name: str, edges: np.ndarray, missing: float) -> np.ndarray:
    values = relation.attrs.get(name)  # ``subscribed`` is absent from older snapshots
    return np.full(len(edges), missing) if values is None else np.asarray(values)[edges]


def _stakes(snapshot: Snapshot, others: np.ndarray, edges: np.ndarray) -> tuple[Stake, ...]:
    holds = snapshot.relations[RelType.HOLDS]
    shares = _attr(holds, "share", edges, math.nan)
    subscribed = _attr(holds, "subscribed", edges, math.nan)
    starts = _attr(holds, "start", edges, NO_START)
    stakes = [
        Stake(
            snapshot.sid(int(o)),
            kind_of(snapshot, int(o)),
            _number(shares[i]),
            _number(subscribed[i]),
            day(starts[i]),
        )
        for i, o in enumerate(others)
    ]
    return tuple(sorted(stakes, key=lambda s: (-(s.share or 0.0), s.sid)))


def _posts(snapshot: Snapshot, others: np.ndarray, edges: np.ndarray) -> tuple[Post, ...]:
    officer = snapshot.relations[RelType.OFFICER]
    roles = _attr(officer, "role", edges, -1)
    starts = _attr(officer, "start", edges, NO_START)
    posts = [
        Post(
            snapshot.sid(int(o)),
            kind_of(snapshot, int(o)),
            code(ROLE_CODES, roles[i]) or "unknown",
            day(starts[i]),
        )
        for i, o in enumerate(others)
    ]
    order = {r.value: i for i, r in enumerate(ROLE_CODES)}
    return tuple(sorted(posts, key=lambda p: (order.get(p.role, 99), p.sid)))


def _links(snapshot: Snapshot, others: np.ndarray, edges: np.ndarray) -> tuple[Link, ...]:
    branch = snapshot.relations[RelType.BRANCH]
    starts = _attr(branch, "start", edges, NO_START)
    links = [
        Link(
            snapshot.sid(int(o)),
            kind_of(snapshot, int(o)),
            status_of(snapshot, int(o)),
            day(starts[i]),
        )
        for i, o in enumerate(others)
    ]
    return tuple(sorted(links, key=lambda link: link.sid))


def dossier(snapshot: Snapshot, sid: str) -> Dossier:
    """The relations of ``sid`` in force on the snapshot's as-of date (``NotFound`` if absent).

    Examples
    --------
    >>> d = dossier(load_current(settings.snapshot_dir), "91320100MA1XXXXXX1")  # doctest: +SKIP
    >>> [(s.sid, s.share, s.subscribed) for s in d.shareholders]  # doctest: +SKIP
    """
    node = snapshot.index(sid)
    holds = snapshot.relations[RelType.HOLDS]
    officer = snapshot.relations[RelType.OFFICER]
    branch = snapshot.relations[RelType.BRANCH]
    officers = _posts(snapshot, *officer.into(node))
    heads = _links(snapshot, *branch.into(node))
    return Dossier(
        sid=sid,
        kind=kind_of(snapshot, node),
        status=status_of(snapshot, node),
        as_of=snapshot.as_of,
        snapshot=snapshot.version,
        legal_representatives=tuple(p.sid for p in officers if p.role == "legal_representative"),
        shareholders=_stakes(snapshot, *holds.into(node)),
        officers=officers,
        investments=_stakes(snapshot, *holds.out(node)),
        posts=_posts(snapshot, *officer.out(node)),
        branches=_links(snapshot, *branch.out(node)),
        head_office=heads[0] if heads else None,
    )
