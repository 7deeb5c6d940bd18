"""A subject from what a person has in hand: its key, a unique key prefix, or its name.

``linkrisk show 麟游尚恒物流有限公司``, ``linkrisk show Pf608e3ff…`` (a key a table cut short) and
``linkrisk show 9161…`` all name one subject; when a prefix or name fits several, the error
lists them (with their keys) instead of picking one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from linkrisk.errors import InputError, NotFound
from linkrisk.graph.queries.search import SearchIndex
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.keys import subject_key

MIN_PREFIX = 4  # shorter prefixes match thousands of keys: search instead
CANDIDATES = 10  # listed when a prefix or name is ambiguous


class Ambiguous(InputError):
    """A prefix or name fits several subjects; ``candidates`` are their keys, best first."""

    title, type_slug = "Ambiguous subject", "ambiguous-subject"


def prefix_nodes(snapshot: Snapshot, prefix: str, limit: int) -> list[int]:
    """Nodes whose key starts with ``prefix`` (binary search on the sorted keys), at most
    ``limit``."""
    key = prefix.encode()
    lo = int(np.searchsorted(snapshot.sids, key, side="left"))
    hi = int(np.searchsorted(snapshot.sids, key + b"\xff", side="left"))
    return list(range(lo, min(hi, lo + limit)))


def resolve_subject(
    text: str,
    snapshot: Snapshot,
    index: Callable[[], SearchIndex],
    describe: Callable[[str], str],
    *,
    person_names: bool = True,
) -> str:
    """The key of the one subject ``text`` names.

    ``index`` builds the name index when a name must be looked up (not needed for keys);
    ``describe`` renders a candidate's key for the error listing several; persons are found
    by name only with ``person_names`` (an API key without the ``pii`` scope). Raises
    ``InputError`` for a USCC that does not check, ``Ambiguous`` for several fits and
    ``NotFound`` for none.
    """
    key = subject_key(text)
    if not key:
        raise InputError("no subject given: a USCC, a person key P…, or a name")
    if snapshot.try_index(key) is not None:
        return key
    if len(key) >= MIN_PREFIX and key.isascii() and key.isalnum():
        nodes = prefix_nodes(snapshot, key, CANDIDATES + 1)
        if len(nodes) == 1:
            return snapshot.sid(nodes[0])
        if nodes:
            _ambiguous(text, "key prefix", [snapshot.sid(n) for n in nodes], describe)
    found = index()
    exact = found.exact(text, person_names=person_names)
    if len(exact) == 1:
        return snapshot.sid(exact[0])
    if exact:
        _ambiguous(text, "name", [snapshot.sid(n) for n in exact], describe)
    hits = found.search(text, limit=CANDIDATES, person_names=person_names)
    if len(hits) == 1 and hits[0].matched != "fuzzy":  # a typo's one look-alike is not picked
        return snapshot.sid(hits[0].node)
    if hits:
        _ambiguous(text, "search", [snapshot.sid(h.node) for h in hits], describe)
    raise NotFound(
        f"no subject in snapshot {snapshot.version} has the key or name {text!r}"
        " (`linkrisk search` finds subjects by part of a name, pinyin or initials)"
    )


def _ambiguous(text: str, how: str, sids: list[str], describe: Callable[[str], str]) -> None:
    more = " (and more)" if len(sids) > CANDIDATES else ""
    shown = "\n".join(f"  {describe(s)}" for s in sids[:CANDIDATES])
    what = {"key prefix": "keys start with", "name": "are named", "search": "match"}[how]
    count = len(sids[:CANDIDATES])
    raise Ambiguous(
        f"{count}{more} subjects {what} {text!r}; give one of their keys:\n{shown}",
        candidates=sids[:CANDIDATES],
    )
