"""The shared value behind a 疑似关联 (which phone, which address), masked where it is personal.

A registered address or a landline is registration data (公示) and shown as it is. A mobile
number or an e-mail address is usually a person's own, and any contact of a person is personal:
those are masked (138****0001, z***@example.com) unless the key has the ``pii`` scope. A value
too many subjects share to draw (a supernode) comes with the list of subjects holding it.
"""

from __future__ import annotations

import re
from typing import Any

from linkrisk.api.naming import Namer, is_person
from linkrisk.api.state import ServingState
from linkrisk.graph.queries.contacts import contact_members

MOBILE = re.compile(r"^(?:\+?86)?1\d{10}$")
#: subjects listed for a supernode value (registered-agent addresses hold thousands)
MEMBERS_LIMIT = 200


def mask_contact(kind: str, value: str | None, personal: bool, pii: bool) -> str | None:
    """``value`` as an investigator may see it: masked when personal and the key lacks pii."""
    if value is None or pii:
        return value
    if kind == "phone" and (personal or MOBILE.match(value)):
        return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:] if len(value) > 7 else "***"
    if kind == "email" or personal:
        if kind == "email" and "@" in value:
            user, domain = value.split("@", 1)
            return f"{user[:1]}***@{domain}"
        return value[:2] + "*" * max(len(value) - 2, 1)
    return value


def annotate_contacts(
    data: dict[str, Any], state: ServingState, namer: Namer, pii: bool
) -> dict[str, Any]:
    """Add each shared contact's value and, for supernodes, the subjects holding it."""
    sid = data["sid"]
    subject = namer.subject(sid) or {}
    personal = is_person(subject)
    node = state.snapshot.index(sid)
    for contact in data["contacts"]:
        kind = contact["kind"]
        contact["value"] = mask_contact(kind, subject.get(kind), personal, pii)
        if contact.get("supernode"):
            members, total = contact_members(state.snapshot, node, kind, MEMBERS_LIMIT)
            listed = []
            for other in members:
                row = namer.subject(other) or {}
                namer.seen[other] = None
                listed.append(
                    {
                        "sid": other,
                        "kind": row.get("kind"),
                        "name": namer.name(other, row.get("kind")),
                        "status": row.get("status"),
                    }
                )
            contact["members"], contact["members_total"] = listed, total
    return data
