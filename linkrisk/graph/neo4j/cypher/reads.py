"""The reads of the store: each canonical table page by page in key order (keyset pagination
after ``$after``, :data:`PAGES`), the row counts, one subject, the events of given subjects; and
the ping of ``from_settings`` and the emptying of a test database. Placeholders are never read
back as subjects."""

from __future__ import annotations

from linkrisk.graph.neo4j.cypher.vocabulary import (
    _BRANCH,
    _HOLDS,
    _OFFICER,
    _ORG,
    _PER,
    _REGISTERED,
    _S,
    Label,
    LinkType,
    _project,
)
from linkrisk.graph.relations import RelType
from linkrisk.loaders.records import (
    BRANCHES,
    EVENTS,
    HOLDINGS,
    INSPECTIONS,
    INSPECTORS,
    OFFICERS,
    SUBJECTS,
    Table,
)

# -- reads -----------------------------------------------------------------------------------

READ_SUBJECTS_PAGE = f"""
MATCH (s:{_S})
WHERE s.sid > $after AND {_REGISTERED}
RETURN {_project("s", SUBJECTS)}
ORDER BY sid
LIMIT $limit
"""
"""One page of subjects in key order after the ``$after`` key (keyset pagination)."""


def _edges_page(rel: RelType, table: Table, a: str, b: str) -> str:
    """Relations of one page of source subjects; a source without any gives one null row."""
    return f"""
MATCH (a:{_S})
WHERE a.sid > $after
WITH a ORDER BY a.sid LIMIT $limit
OPTIONAL MATCH (a)-[r:{rel}]->(b:{_S})
RETURN a.sid AS cursor, a.sid AS {a}, b.sid AS {b}, {_project("r", table, (a, b))}
"""


READ_HOLDINGS_PAGE = _edges_page(_HOLDS, HOLDINGS, "src", "dst")
"""Shareholdings of one page of holders (keyset pagination on the holder's key)."""

READ_OFFICERS_PAGE = _edges_page(_OFFICER, OFFICERS, "person", "org")
"""Officer roles of one page of persons (keyset pagination on the person's key)."""

READ_BRANCHES_PAGE = _edges_page(_BRANCH, BRANCHES, "parent", "branch")
"""Branch links of one page of parents (keyset pagination on the parent's key)."""

READ_EVENTS_PAGE = f"""
MATCH (e:{Label.EVENT})
WHERE e.event_id > $after
RETURN {_project("e", EVENTS)}
ORDER BY event_id
LIMIT $limit
"""
"""One page of events in id order after ``$after``."""

READ_INSPECTIONS_PAGE = f"""
MATCH (s:{_S})
WHERE s.sid > $after
WITH s ORDER BY s.sid LIMIT $limit
OPTIONAL MATCH (s)-[:{LinkType.INSPECTED_IN}]->(i:{Label.INSPECTION})
RETURN s.sid AS cursor, {_project("i", INSPECTIONS)}
"""
"""Inspections of one page of subjects (keyset pagination on the subject's key)."""

READ_INSPECTORS_PAGE = f"""
MATCH (n:{Label.INSPECTOR})
WHERE n.inspector_id > $after
RETURN {_project("n", INSPECTORS)}
ORDER BY inspector_id
LIMIT $limit
"""
"""One page of inspectors in id order after ``$after``."""

#: canonical table → its page statement and whether it pages by source subject (with a cursor)
PAGES: dict[str, tuple[str, bool]] = {
    "subjects": (READ_SUBJECTS_PAGE, False),
    "holdings": (READ_HOLDINGS_PAGE, True),
    "officers": (READ_OFFICERS_PAGE, True),
    "branches": (READ_BRANCHES_PAGE, True),
    "events": (READ_EVENTS_PAGE, False),
    "inspections": (READ_INSPECTIONS_PAGE, True),
    "inspectors": (READ_INSPECTORS_PAGE, False),
}

COUNT_TABLES = f"""
RETURN COUNT {{ (:{_ORG}) }} + COUNT {{ (:{_PER}) }} AS subjects,
       COUNT {{ ()-[:{_HOLDS}]->() }} AS holdings,
       COUNT {{ ()-[:{_OFFICER}]->() }} AS officers,
       COUNT {{ ()-[:{_BRANCH}]->() }} AS branches,
       COUNT {{ (:{Label.EVENT}) }} AS events,
       COUNT {{ (:{Label.INSPECTION}) }} AS inspections,
       COUNT {{ (:{Label.INSPECTOR}) }} AS inspectors
"""
"""Row count of every canonical table (placeholders are not subjects)."""

GET_SUBJECT = f"""
MATCH (s:{_S} {{sid: $sid}})
WHERE {_REGISTERED}
RETURN {_project("s", SUBJECTS)}
"""
"""One subject's canonical attributes."""

EVENTS_OF = f"""
MATCH (e:{Label.EVENT})
WHERE e.sid IN $sids
RETURN {_project("e", EVENTS)}
ORDER BY sid, decision_date, event_id
"""
"""All events of the given subjects."""

PING = "RETURN 1 AS ok"
"""Check that the configured database answers (``from_settings``)."""

DELETE_ALL = "MATCH (n) DETACH DELETE n"
"""Empty the database (``reset_for_tests`` only: refused outside LINKRISK_ENV=test)."""
