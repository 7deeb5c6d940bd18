"""The subgraph reads of the investigator queries on Neo4j (:mod:`linkrisk.graph.neo4j.queries`):
subjects, the relations around them with a degree cap, control edges and shared-contact groups,
each as the graph stood on ``$as_of``."""

from __future__ import annotations

from linkrisk.graph.neo4j.cypher.vocabulary import (
    _BRANCH,
    _HOLDS,
    _OFFICER,
    _ORG,
    _PER,
    _REGISTERED,
    _S,
    _project,
)
from linkrisk.graph.relations import ContactKind
from linkrisk.loaders.records import SUBJECTS

# -- subgraph reads for investigator queries (linkrisk.graph.neo4j.queries) -----------------
# The graph in force on $as_of, as a snapshot built on that date would hold it: a relation
# counts when it started on or before the day and has not ended by it; a subject counts when
# it is registered (not a placeholder) on or before the day.

_VALID_R = (
    "(r.start_date IS NULL OR r.start_date <= $as_of)"
    " AND (r.end_date IS NULL OR r.end_date > $as_of)"
)
_REGISTERED_O = f"(o:{_ORG} OR o:{_PER}) AND (o.reg_date IS NULL OR o.reg_date <= $as_of)"
_EDGE_COLUMNS = (
    "type(r) AS rel, startNode(r).sid AS src, endNode(r).sid AS dst, r.share AS share,"
    " r.subscribed AS subscribed, r.role AS role, r.start_date AS start_date,"
    " r.end_date AS end_date"
)

SUBGRAPH_SUBJECTS = f"""
UNWIND $sids AS sid
MATCH (s:{_S} {{sid: sid}})
WHERE {_REGISTERED} AND (s.reg_date IS NULL OR s.reg_date <= $as_of)
RETURN {_project("s", SUBJECTS)}
"""
"""The subjects among ``$sids`` that are registered on ``$as_of``."""

SUBGRAPH_EDGES = f"""
UNWIND $sids AS sid
MATCH (s:{_S} {{sid: sid}})
UNWIND COLLECT {{
  MATCH (s)-[r:{_HOLDS}|{_OFFICER}|{_BRANCH}]-(o:{_S})
  WHERE type(r) IN $types
    AND ((startNode(r) = s AND $outgoing) OR (endNode(r) = s AND $incoming))
    AND {_VALID_R}
    AND {_REGISTERED_O}
  RETURN r
  LIMIT $limit
}} AS r
RETURN sid AS anchor, {_EDGE_COLUMNS}
"""
"""Relations of each subject in force on ``$as_of`` (of ``$types``, out and/or in), at most
``$limit`` per subject: a subject with more than the degree cap is a supernode, not expanded."""

CONTROL_EDGES = f"""
UNWIND $sids AS sid
MATCH (s:{_S} {{sid: sid}})-[r:{_HOLDS}|{_OFFICER}]-(o:{_S})
WHERE ((r:{_HOLDS} AND r.share >= $min_share) OR (r:{_OFFICER} AND r.role = $role))
  AND {_VALID_R}
  AND {_REGISTERED_O}
RETURN {_EDGE_COLUMNS}
"""
"""Control edges of each subject (HOLDS with share ≥ ``$min_share``, OFFICER in ``$role``)."""


def _contact_groups(kind: ContactKind) -> str:
    """Each subject's group for one contact kind: its size and its first members by sid."""
    return f"""
UNWIND $sids AS sid
MATCH (s:{_S} {{sid: sid}})
WHERE s.{kind} IS NOT NULL
RETURN s.sid AS sid, s.{kind} AS value,
  COUNT {{ MATCH (o:{_S}) WHERE o.{kind} = s.{kind} AND {_REGISTERED_O} }} AS size,
  COLLECT {{
    MATCH (o:{_S}) WHERE o.{kind} = s.{kind} AND {_REGISTERED_O}
    RETURN o.sid ORDER BY o.sid LIMIT $limit
  }} AS members
"""


CONTACT_GROUPS_PHONE = _contact_groups(ContactKind.PHONE)
"""Subjects sharing each subject's phone on ``$as_of``: how many, and the first ``$limit``."""

CONTACT_GROUPS_EMAIL = _contact_groups(ContactKind.EMAIL)
"""Subjects sharing each subject's email on ``$as_of``: how many, and the first ``$limit``."""

CONTACT_GROUPS_ADDRESS = _contact_groups(ContactKind.ADDRESS)
"""Subjects sharing each subject's address on ``$as_of``: how many, and the first ``$limit``."""

CONTACT_GROUPS: dict[ContactKind, str] = {
    ContactKind.PHONE: CONTACT_GROUPS_PHONE,
    ContactKind.EMAIL: CONTACT_GROUPS_EMAIL,
    ContactKind.ADDRESS: CONTACT_GROUPS_ADDRESS,
}
