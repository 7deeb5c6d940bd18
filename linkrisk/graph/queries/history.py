"""A subject through time: its shareholders, officers and status in each published snapshot.

Snapshots are versioned by their as-of date and kept side by side under the snapshot root
(``linkrisk snapshot --as-of …``), so the registry as it stood on each of those dates can be
read back: ``state_at`` gives a subject's shareholders, officers and status in one snapshot,
``diff`` what changed between two (who entered, who left, whose share or role changed, the
status), and ``timeline`` every snapshot date with the changes since the one before — the
subject's 变更记录 as the snapshots saw them. Changes are known to within the two dates that
bracket them; a date the registry recorded (出资日期, 任职日期) is given with the entry.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from linkrisk.errors import NotFound, NotReady
from linkrisk.graph.queries.dossier import Post, Stake, dossier
from linkrisk.graph.snapshot.arrays import CURRENT, Snapshot, load_snapshot

#: shares closer than this are the same share (rounding in the sources)
SHARE_TOLERANCE = 1e-6


@dataclasses.dataclass(frozen=True, slots=True)
class Version:
    """A published snapshot: its version id, as-of date and when it was built."""

    version: str
    as_of: date
    built_at: str
    current: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class State:
    """A subject in one snapshot (``present`` False: not registered, or unknown, then)."""

    version: str
    as_of: date
    present: bool
    status: str | None = None
    shareholders: tuple[Stake, ...] = ()
    officers: tuple[Post, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """One difference between two states.

    ``section``: ``subject`` (registered / gone), ``status``, ``shareholder`` or ``officer``;
    ``change``: ``entered``, ``left``, ``share_changed``, ``subscribed_changed`` or
    ``status_changed``; ``sid`` the shareholder or officer concerned (None for the subject's
    own status); ``before`` / ``after`` the share, role or status on either side; ``since`` a
    date the registry recorded for an entry (出资日期, 任职日期) when it gave one.
    """

    section: str
    change: str
    sid: str | None = None
    role: str | None = None
    before: float | str | None = None
    after: float | str | None = None
    since: date | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Diff:
    """The changes of ``sid`` from the state on ``before.as_of`` to the one on ``after.as_of``."""

    sid: str
    before: State
    after: State
    changes: tuple[Change, ...]


def versions(root: Path) -> list[Version]:
    """Every snapshot published under ``root``, oldest as-of date first (then by build time)."""
    current = (root / CURRENT).read_text().strip() if (root / CURRENT).exists() else None
    found = []
    for meta_path in root.glob("*/meta.json"):
        if meta_path.parent.name.startswith("."):
            continue  # a build in progress
        meta = json.loads(meta_path.read_text())
        found.append(
            Version(
                str(meta["version"]),
                date.fromisoformat(meta["as_of"]),
                str(meta.get("built_at", "")),
                meta["version"] == current,
            )
        )
    if not found:
        raise NotReady(f"no snapshot published under {root}: run `linkrisk snapshot` first")
    return sorted(found, key=lambda v: (v.as_of, v.built_at, v.version))


def dated(root: Path) -> list[Version]:
    """One version per as-of date: the last one built for that date (it knows the most)."""
    latest: dict[date, Version] = {}
    for version in versions(root):
        latest[version.as_of] = version
    return [latest[d] for d in sorted(latest)]


def version_on(root: Path, when: date) -> Version:
    """The snapshot in force on ``when``: the latest as-of date on or before it."""
    earlier = [v for v in dated(root) if v.as_of <= when]
    if not earlier:
        first = dated(root)[0].as_of
        raise NotFound(f"no snapshot is as of {when} or earlier (the first is as of {first})")
    return earlier[-1]


@lru_cache(maxsize=16)
def open_version(root: Path, version: str) -> Snapshot:
    """A published snapshot by version id (memory-mapped; a few are kept open)."""
    path = root / version
    if not (path / "meta.json").exists() or "/" in version or version.startswith("."):
        raise NotFound(f"no snapshot version {version!r} under {root}")
    return load_snapshot(path)


def state_at(snapshot: Snapshot, sid: str) -> State:
    """``sid``'s shareholders, officers and status in ``snapshot``."""
    try:
        snapshot.index(sid)  # a key that is no key at all (a bad USCC) is an InputError
    except NotFound:
        return State(snapshot.version, snapshot.as_of, False)
    facts = dossier(snapshot, sid)
    return State(
        snapshot.version,
        snapshot.as_of,
        True,
        facts.status,
        facts.shareholders,
        facts.officers,
    )


def _shares_differ(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(a - b) > SHARE_TOLERANCE


def changes(before: State, after: State) -> tuple[Change, ...]:
    """What changed from ``before`` to ``after`` (entries first, then by sid)."""
    out: list[Change] = []
    if before.present != after.present:
        out.append(Change("subject", "entered" if after.present else "left"))
    if before.present and after.present and before.status != after.status:
        out.append(Change("status", "status_changed", before=before.status, after=after.status))
    old = {s.sid: s for s in before.shareholders}
    new = {s.sid: s for s in after.shareholders}
    for sid in sorted(new.keys() - old.keys()):
        entry = new[sid]
        out.append(Change("shareholder", "entered", sid, after=entry.share, since=entry.since))
    for sid in sorted(old.keys() - new.keys()):
        out.append(Change("shareholder", "left", sid, before=old[sid].share))
    for sid in sorted(old.keys() & new.keys()):
        if _shares_differ(old[sid].share, new[sid].share):
            earlier, later = old[sid].share, new[sid].share
            out.append(Change("shareholder", "share_changed", sid, before=earlier, after=later))
        elif _shares_differ(old[sid].subscribed, new[sid].subscribed):
            out.append(
                Change(
                    "shareholder",
                    "subscribed_changed",
                    sid,
                    before=old[sid].subscribed,
                    after=new[sid].subscribed,
                )
            )
    was = {(p.sid, p.role): p for p in before.officers}
    now = {(p.sid, p.role): p for p in after.officers}
    for key in sorted(now.keys() - was.keys()):
        out.append(Change("officer", "entered", key[0], key[1], since=now[key].since))
    for key in sorted(was.keys() - now.keys()):
        out.append(Change("officer", "left", key[0], key[1]))
    return tuple(out)


def diff(root: Path, sid: str, first: date, second: date) -> Diff:
    """``sid`` on the snapshot dates in force on ``first`` and on ``second``, and what changed."""
    a = state_at(open_version(root, version_on(root, first).version), sid)
    b = state_at(open_version(root, version_on(root, second).version), sid)
    if not (a.present or b.present):
        raise NotFound(f"subject {sid} is in neither snapshot ({a.as_of}, {b.as_of})")
    return Diff(sid, a, b, changes(a, b))


def timeline(root: Path, sid: str) -> tuple[tuple[State, ...], tuple[Diff, ...]]:
    """``sid`` on every snapshot date, and the changes between consecutive dates that had any."""
    states = tuple(state_at(open_version(root, v.version), sid) for v in dated(root))
    if not any(s.present for s in states):
        raise NotFound(f"subject {sid} is in no published snapshot")
    diffs = []
    for a, b in itertools.pairwise(states):
        found = changes(a, b)
        if found:
            diffs.append(Diff(sid, a, b, found))
    return states, tuple(diffs)
