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
    _map,
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
  RETURN {{r: r, other: {_map("o", SUBJECTS)}}}
  LIMIT $limit
}} AS hit
WITH sid, hit.r AS r, hit.other AS other
RETURN sid AS anchor, {_EDGE_COLUMNS}, other
"""
"""Relations of each subject in force on ``$as_of`` (of ``$types``, out and/or in), at most
``$limit`` per subject (a subject with more than the degree cap is a supernode, not expanded),
each with the subject row of its other end (so the ends need no second round trip)."""

CONTROL_EDGES = f"""
UNWIND $sids AS sid
MATCH (s:{_S} {{sid: sid}})-[r:{_HOLDS}|{_OFFICER}]-(o:{_S})
WHERE ((r:{_HOLDS} AND r.share >= $min_share) OR (r:{_OFFICER} AND r.role = $role))
  AND {_VALID_R}
  AND {_REGISTERED_O}
RETURN {_EDGE_COLUMNS}
"""
"""Control edges of each subject (HOLDS with share ≥ ``$min_share``, OFFICER in ``$role``)."""


def _group(kind: ContactKind) -> str:
    """One contact kind's group of ``s``: its value, size and first members (subject rows)."""
    holders = f"MATCH (o:{_S}) WHERE o.{kind} = s.{kind} AND {_REGISTERED_O}"
    return (
        f"s.{kind} AS {kind}, COUNT {{ {holders} }} AS {kind}_size,\n"
        f"  COLLECT {{ {holders} RETURN {_map('o', SUBJECTS)} ORDER BY o.sid LIMIT $limit }}"
        f" AS {kind}_members"
    )


_ANY_CONTACT = " OR ".join(f"s.{kind} IS NOT NULL" for kind in ContactKind)
_GROUPS = ",\n  ".join(_group(kind) for kind in ContactKind)

CONTACT_GROUPS = f"""
UNWIND $sids AS sid
MATCH (s:{_S} {{sid: sid}})
WHERE {_ANY_CONTACT}
RETURN s.sid AS sid,
  {_GROUPS}
"""
"""Each subject's phone, email and address groups on ``$as_of``: the value, how many registered
subjects share it, and the first ``$limit`` of them by sid as subject rows (one index seek per
value; a missing value matches nobody)."""
