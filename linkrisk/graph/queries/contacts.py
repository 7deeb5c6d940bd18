"""疑似关联: subjects sharing a normalised phone, email or address with a subject.

The snapshot links the members of every contact group of size 2..cap with ``SAME_CONTACT``
edges (one per ordered pair and contact kind) and keeps, per node and kind, the group id and the
group size. A value held by more subjects than the cap (a registered-agent address, a call
centre) is a supernode: it links nobody, and is reported with the number of subjects sharing it.
"""

from __future__ import annotations

import numpy as np

from linkrisk.graph.queries.results import SharedContact, SharedContacts
from linkrisk.graph.relations import CONTACT_CODES, RelType
from linkrisk.graph.snapshot.arrays import Snapshot


def shared_contacts(snapshot: Snapshot, node: int) -> SharedContacts:
    """Per contact kind (phone, email, address): who shares the subject's value, or a supernode."""
    contact = snapshot.relations[RelType.SAME_CONTACT]
    others, edges = contact.out(node)
    kinds = np.asarray(contact.attrs["contact"][edges]) if len(edges) else np.zeros(0, np.int8)
    found = []
    for code, kind in enumerate(CONTACT_CODES):
        size = int(snapshot.nodes[f"{kind.value}_size"][node])
        if size < 2:
            continue
        linked = np.unique(np.asarray(others)[kinds == code])
        if linked.size:
            found.append(SharedContact(kind.value, size, tuple(snapshot.sid_list(linked.tolist()))))
        else:  # shared, yet unlinked: the snapshot's cap made it a supernode
            found.append(SharedContact(kind.value, size, (), supernode=True))
    return SharedContacts(snapshot.sid(node), tuple(found))


def contact_members(snapshot: Snapshot, node: int, kind: str, limit: int) -> tuple[list[str], int]:
    """The other subjects holding ``node``'s value of contact ``kind`` (its contact group),
    sorted by sid, at most ``limit``; and how many there are. For a supernode value (a
    registered-agent address) this lists the firms at that value instead of linking them."""
    group = np.asarray(snapshot.nodes[f"{kind}_group"])
    value = int(group[node])
    if value < 0:
        return [], 0
    members = np.flatnonzero(group == value)
    members = members[members != node]
    return sorted(snapshot.sid_list(members.tolist()))[:limit], int(members.size)
