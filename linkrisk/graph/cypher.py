"""Every Cypher statement linkrisk sends to Neo4j, one named constant each.

Rules that keep these safe and checkable:

- labels and relationship types are formatted into the text only from fixed enums
  (:class:`Label`, :class:`LinkType` here, :class:`~linkrisk.graph.relations.RelType`);
- property names only from the canonical tables (:mod:`linkrisk.loaders.records`) and the
  fixed lists below; every *value* is a ``$param`` (no string literal appears in any statement);
- each constant is followed by a docstring saying what it does;
- ``tests/graph/test_cypher_lint.py`` finds every upper-case ``str`` constant of this module
  and lints it with Neo4j's own parser and semantic analysis (``tools/cypherlint``), under
  Cypher 5 and Cypher 25, against the labels, types and property keys declared here.

Graph model (what Browser and Bloom users see)::

    (:Subject:Organisation {sid, kind, name, …, risk_score, risk_tier, …})
    (:Subject:Person {sid, kind, name, id_masked, …})
    (holder:Subject)-[:HOLDS {share, subscribed, start_date, end_date, start_key}]->(org:Subject)
    (person)-[:OFFICER {role, start_date, end_date, start_key}]->(org)
    (parent)-[:BRANCH {start_date, end_date}]->(branch)
    (subject)-[:HAS_EVENT]->(:Event {event_id, sid, type, severity, decision_date, …})
    (subject)-[:INSPECTED_IN]->(:Inspection {plan_id, sid, matter, matter_key, result, …})
    (:Inspector {inspector_id, …})-[:IS_PERSON]->(:Person)
    (:Load {load_id, file, sha256, status, counts, …})

A node labelled only ``:Subject`` (no ``:Organisation``/``:Person``) is a *placeholder*: an
endpoint named by a relation or event before its own subject row arrived. It is not counted or
read back as a subject (the embedded store keeps such relations as dangling rows just the same).
``start_key``/``matter_key`` are the nullable key columns as text with ``""`` for unknown,
because ``MERGE`` cannot match on a null property.
"""

from __future__ import annotations

from enum import StrEnum

from linkrisk.graph.relations import ContactKind, RelType
from linkrisk.loaders.records import (
    BRANCHES,
    EVENTS,
    HOLDINGS,
    INSPECTIONS,
    INSPECTORS,
    OFFICERS,
    SUBJECTS,
    TABLES,
    Table,
)


class Label(StrEnum):
    """Node labels."""

    SUBJECT = "Subject"  # every subject, and placeholders for not-yet-loaded endpoints
    ORGANISATION = "Organisation"  # subjects of every organisation kind
    PERSON = "Person"
    EVENT = "Event"
    INSPECTION = "Inspection"
    INSPECTOR = "Inspector"
    LOAD = "Load"  # one load of one source file
    SEQUENCE = "Sequence"  # a named counter (load ids)


class LinkType(StrEnum):
    """Relationship types that attach records to subjects (not graph edges for the models)."""

    HAS_EVENT = "HAS_EVENT"
    INSPECTED_IN = "INSPECTED_IN"
    IS_PERSON = "IS_PERSON"


#: risk properties written back on subjects by ``write_scores`` (score column → property)
SCORE_PROPERTIES: dict[str, str] = {
    "score": "risk_score",
    "tier": "risk_tier",
    "model_version": "risk_model_version",
    "snapshot_id": "risk_snapshot_id",
    "as_of": "risk_as_of",
}
#: properties of (:Load) nodes (counts is a JSON text: maps cannot be property values)
LOAD_PROPERTIES = (
    "load_id", "file", "sha256", "source_kind", "started", "finished", "rows_ok",
    "rows_rejected", "status", "counts",
)  # fmt: skip
#: properties that exist only in Neo4j (keys for nullable key columns, bookkeeping)
EXTRA_PROPERTIES = ("start_key", "matter_key", "risk_run", "name", "value")

# short names for the f-strings below (private: only upper-case public names are statements)
_S, _ORG, _PER = Label.SUBJECT, Label.ORGANISATION, Label.PERSON
_HOLDS, _OFFICER, _BRANCH = RelType.HOLDS, RelType.OFFICER, RelType.BRANCH


def _keep_known(var: str, table: Table, skip: tuple[str, ...]) -> str:
    """``SET`` items where a null in the row never overwrites a known value."""
    return ",\n    ".join(
        f"{var}.{c} = coalesce(row.{c}, {var}.{c})" for c in table.column_names if c not in skip
    )


def _fill_unknown(var: str, table: Table, skip: tuple[str, ...]) -> str:
    """``SET`` items where the row's value is taken only where none is known."""
    return ",\n    ".join(
        f"{var}.{c} = coalesce({var}.{c}, row.{c})" for c in table.column_names if c not in skip
    )


def _replace(var: str, table: Table, skip: tuple[str, ...]) -> str:
    """``SET`` items that take the row's value (a null removes the property)."""
    return ",\n    ".join(f"{var}.{c} = row.{c}" for c in table.column_names if c not in skip)


def _project(var: str, table: Table, skip: tuple[str, ...] = ()) -> str:
    """``RETURN`` items naming each canonical column after itself."""
    return ", ".join(f"{var}.{c} AS {c}" for c in table.column_names if c not in skip)


def property_keys() -> list[str]:
    """Every property key any statement reads or writes (the linter's schema)."""
    keys = {c for t in TABLES.values() for c in t.column_names}
    keys |= set(SCORE_PROPERTIES.values()) | set(LOAD_PROPERTIES) | set(EXTRA_PROPERTIES)
    return sorted(keys)


# -- schema (migrate) ------------------------------------------------------------------------

CONSTRAINT_SUBJECT_SID = (
    f"CREATE CONSTRAINT subject_sid IF NOT EXISTS FOR (s:{_S}) REQUIRE s.sid IS UNIQUE"
)
"""A subject key names one node (also the index every MERGE and page read seeks on)."""

CONSTRAINT_ORGANISATION_SID = (
    f"CREATE CONSTRAINT organisation_sid IF NOT EXISTS FOR (s:{_ORG}) REQUIRE s.sid IS UNIQUE"
)
"""Unique USCC among organisations (lets Bloom look organisations up by key)."""

CONSTRAINT_PERSON_SID = (
    f"CREATE CONSTRAINT person_sid IF NOT EXISTS FOR (s:{_PER}) REQUIRE s.sid IS UNIQUE"
)
"""Unique person key (the ID-number hash) among persons."""

CONSTRAINT_EVENT_ID = (
    f"CREATE CONSTRAINT event_id IF NOT EXISTS FOR (e:{Label.EVENT}) REQUIRE e.event_id IS UNIQUE"
)
"""One node per event id."""

CONSTRAINT_INSPECTION_KEY = (
    f"CREATE CONSTRAINT inspection_key IF NOT EXISTS FOR (i:{Label.INSPECTION})"
    " REQUIRE (i.plan_id, i.sid, i.matter_key) IS UNIQUE"
)
"""One node per (plan, subject, matter), the canonical inspection key."""

CONSTRAINT_INSPECTOR_ID = (
    f"CREATE CONSTRAINT inspector_id IF NOT EXISTS FOR (n:{Label.INSPECTOR})"
    " REQUIRE n.inspector_id IS UNIQUE"
)
"""One node per inspector id."""

CONSTRAINT_LOAD_ID = (
    f"CREATE CONSTRAINT load_id IF NOT EXISTS FOR (l:{Label.LOAD}) REQUIRE l.load_id IS UNIQUE"
)
"""One node per load id."""

CONSTRAINT_SEQUENCE_NAME = (
    f"CREATE CONSTRAINT sequence_name IF NOT EXISTS FOR (q:{Label.SEQUENCE})"
    " REQUIRE q.name IS UNIQUE"
)
"""One counter node per sequence name (two concurrent loads cannot create two)."""

INDEX_SUBJECT_NAME = f"CREATE INDEX subject_name IF NOT EXISTS FOR (s:{_S}) ON (s.name)"
"""Exact name lookups."""

INDEX_SUBJECT_NAME_TEXT = (
    f"CREATE TEXT INDEX subject_name_text IF NOT EXISTS FOR (s:{_S}) ON (s.name)"
)
"""Name search with CONTAINS / ENDS WITH (Browser and Bloom users search by part of a name)."""

INDEX_SUBJECT_REGION = f"CREATE INDEX subject_region IF NOT EXISTS FOR (s:{_S}) ON (s.region)"
"""Subjects of a region (行政区划)."""

INDEX_SUBJECT_PHONE = f"CREATE INDEX subject_phone IF NOT EXISTS FOR (s:{_S}) ON (s.phone)"
"""Shared-phone lookups (疑似关联)."""

INDEX_SUBJECT_EMAIL = f"CREATE INDEX subject_email IF NOT EXISTS FOR (s:{_S}) ON (s.email)"
"""Shared-email lookups."""

INDEX_SUBJECT_ADDRESS = f"CREATE INDEX subject_address IF NOT EXISTS FOR (s:{_S}) ON (s.address)"
"""Shared-address lookups."""

INDEX_SUBJECT_RISK_TIER = (
    f"CREATE INDEX subject_risk_tier IF NOT EXISTS FOR (s:{_S}) ON (s.risk_tier)"
)
"""Subjects of a risk tier (written back by ``write_scores``)."""

INDEX_EVENT_SID = f"CREATE INDEX event_sid IF NOT EXISTS FOR (e:{Label.EVENT}) ON (e.sid)"
"""Events of given subjects (``events_of``)."""

INDEX_EVENT_TYPE_DATE = (
    f"CREATE INDEX event_type_date IF NOT EXISTS FOR (e:{Label.EVENT}) ON (e.type, e.decision_date)"
)
"""Events of a type decided in a date range."""

INDEX_EVENT_DATE = (
    f"CREATE INDEX event_date IF NOT EXISTS FOR (e:{Label.EVENT}) ON (e.decision_date)"
)
"""Events decided in a date range, whatever their type."""

INDEX_INSPECTION_SID = (
    f"CREATE INDEX inspection_sid IF NOT EXISTS FOR (i:{Label.INSPECTION}) ON (i.sid)"
)
"""Inspections of a subject."""

INDEX_INSPECTION_DATE = (
    f"CREATE INDEX inspection_date IF NOT EXISTS FOR (i:{Label.INSPECTION}) ON (i.inspect_date)"
)
"""Inspections in a date range."""

INDEX_INSPECTOR_PERSON = (
    f"CREATE INDEX inspector_person IF NOT EXISTS FOR (n:{Label.INSPECTOR}) ON (n.person_sid)"
)
"""The inspector who is a given person (回避 checks)."""

SHOW_CONSTRAINTS = """
SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties
RETURN name, type, labelsOrTypes, properties
ORDER BY name
"""
"""The constraints the database has (``linkrisk neo4j check`` compares them with ``SCHEMA``)."""

SHOW_INDEXES = """
SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties
RETURN name, type, state, labelsOrTypes, properties
ORDER BY name
"""
"""The indexes the database has and whether each is online."""

AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"
"""Wait until every index is online, so a fresh migrate is followed by fast MERGEs."""

#: the schema statements, in the order ``migrate`` runs them
SCHEMA: tuple[str, ...] = (
    CONSTRAINT_SUBJECT_SID,
    CONSTRAINT_ORGANISATION_SID,
    CONSTRAINT_PERSON_SID,
    CONSTRAINT_EVENT_ID,
    CONSTRAINT_INSPECTION_KEY,
    CONSTRAINT_INSPECTOR_ID,
    CONSTRAINT_LOAD_ID,
    CONSTRAINT_SEQUENCE_NAME,
    INDEX_SUBJECT_NAME,
    INDEX_SUBJECT_NAME_TEXT,
    INDEX_SUBJECT_REGION,
    INDEX_SUBJECT_PHONE,
    INDEX_SUBJECT_EMAIL,
    INDEX_SUBJECT_ADDRESS,
    INDEX_SUBJECT_RISK_TIER,
    INDEX_EVENT_SID,
    INDEX_EVENT_TYPE_DATE,
    INDEX_EVENT_DATE,
    INDEX_INSPECTION_SID,
    INDEX_INSPECTION_DATE,
    INDEX_INSPECTOR_PERSON,
)


def schema_name(statement: str) -> str:
    """The name a schema statement gives its constraint or index."""
    words = statement.split()
    return words[words.index("IF") - 1]


# -- writes (write_batch: one managed transaction, rows as $rows) -----------------------------

MERGE_ORGANISATIONS = f"""
UNWIND $rows AS row
MERGE (s:{_S} {{sid: row.sid}})
SET s:{_ORG},
    {_keep_known("s", SUBJECTS, ("sid",))}
REMOVE s:{_PER}
"""
"""Upsert organisations; a null never overwrites a known value."""

MERGE_PERSONS = f"""
UNWIND $rows AS row
MERGE (s:{_S} {{sid: row.sid}})
SET s:{_PER},
    {_keep_known("s", SUBJECTS, ("sid",))}
REMOVE s:{_ORG}
"""
"""Upsert persons; a null never overwrites a known value."""


def _mention(label: Label, other: Label) -> str:
    """An upsert of subjects another file mentions, labelled ``label``."""
    return f"""
UNWIND $rows AS row
MERGE (s:{_S} {{sid: row.sid}})
WITH s, row, s.kind IS NULL AS unknown
SET {_fill_unknown("s", SUBJECTS, ("sid",))}
WITH s, unknown
WHERE unknown
SET s:{label}
REMOVE s:{other}
"""


MENTION_ORGANISATIONS = _mention(_ORG, _PER)
"""Organisations another file mentions: they only fill in unknown properties, and label a
subject only when its kind was unknown (a placeholder or a new node)."""

MENTION_PERSONS = _mention(_PER, _ORG)
"""Persons another file mentions: they only fill in unknown properties, and label a subject
only when its kind was unknown (a placeholder or a new node)."""

MERGE_HOLDINGS = f"""
UNWIND $rows AS row
MERGE (a:{_S} {{sid: row.src}})
MERGE (b:{_S} {{sid: row.dst}})
MERGE (a)-[r:{_HOLDS} {{start_key: row.start_key}}]->(b)
SET {_replace("r", HOLDINGS, ("src", "dst"))}
"""
"""Upsert shareholdings keyed by (holder, organisation, start date)."""

MERGE_OFFICERS = f"""
UNWIND $rows AS row
MERGE (p:{_S} {{sid: row.person}})
MERGE (o:{_S} {{sid: row.org}})
MERGE (p)-[r:{_OFFICER} {{role: row.role, start_key: row.start_key}}]->(o)
SET {_replace("r", OFFICERS, ("person", "org", "role"))}
"""
"""Upsert officer roles keyed by (person, organisation, role, start date)."""

MERGE_BRANCHES = f"""
UNWIND $rows AS row
MERGE (p:{_S} {{sid: row.parent}})
MERGE (b:{_S} {{sid: row.branch}})
MERGE (p)-[r:{_BRANCH}]->(b)
SET {_replace("r", BRANCHES, ("parent", "branch"))}
"""
"""Upsert branch links keyed by (parent, branch)."""

MERGE_EVENTS = f"""
UNWIND $rows AS row
MERGE (e:{Label.EVENT} {{event_id: row.event_id}})
SET {_replace("e", EVENTS, ("event_id",))}
WITH e, row
MERGE (s:{_S} {{sid: row.sid}})
MERGE (s)-[:{LinkType.HAS_EVENT}]->(e)
"""
"""Upsert events and link each to its subject."""

MERGE_INSPECTIONS = f"""
UNWIND $rows AS row
MERGE (i:{Label.INSPECTION} {{plan_id: row.plan_id, sid: row.sid, matter_key: row.matter_key}})
SET {_replace("i", INSPECTIONS, ("plan_id", "sid"))}
WITH i, row
MERGE (s:{_S} {{sid: row.sid}})
MERGE (s)-[:{LinkType.INSPECTED_IN}]->(i)
"""
"""Upsert inspection results keyed by (plan, subject, matter) and link each to its subject."""

MERGE_INSPECTORS = f"""
UNWIND $rows AS row
MERGE (n:{Label.INSPECTOR} {{inspector_id: row.inspector_id}})
SET {_replace("n", INSPECTORS, ("inspector_id",))}
WITH n, row
OPTIONAL MATCH (n)-[old:{LinkType.IS_PERSON}]->(p:{_S})
WHERE row.person_sid IS NULL OR p.sid <> row.person_sid
DELETE old
WITH DISTINCT n, row
WHERE row.person_sid IS NOT NULL
MERGE (p:{_S} {{sid: row.person_sid}})
MERGE (n)-[:{LinkType.IS_PERSON}]->(p)
"""
"""Upsert inspectors; link each to the person it is (a changed person id moves the link)."""

#: canonical table → the statement(s) that write it, in write order (subjects first)
WRITES: dict[str, str] = {
    "holdings": MERGE_HOLDINGS,
    "officers": MERGE_OFFICERS,
    "branches": MERGE_BRANCHES,
    "events": MERGE_EVENTS,
    "inspections": MERGE_INSPECTIONS,
    "inspectors": MERGE_INSPECTORS,
}

# -- load history and scores -----------------------------------------------------------------

CREATE_LOAD = f"""
MERGE (q:{Label.SEQUENCE} {{name: $sequence}})
ON CREATE SET q.value = 0
SET q.value = q.value + 1
CREATE (l:{Label.LOAD} {{load_id: q.value, file: $file, sha256: $sha256,
    source_kind: $source_kind, started: $started, status: $status}})
RETURN l.load_id AS load_id
"""
"""Record the start of a load under the next load id (the counter's write lock serialises ids)."""

FINISH_LOAD = f"""
MATCH (l:{Label.LOAD} {{load_id: $load_id}})
SET l.finished = $finished, l.rows_ok = $rows_ok, l.rows_rejected = $rows_rejected,
    l.status = $status, l.counts = $counts
"""
"""Record the end of a load (status, row counts, per-table counts as JSON text)."""

LOAD_HISTORY = f"""
MATCH (l:{Label.LOAD})
RETURN {", ".join(f"l.{p} AS {p}" for p in LOAD_PROPERTIES)}
ORDER BY load_id DESC
LIMIT $limit
"""
"""The most recent loads, newest first."""

WRITE_SCORES = f"""
UNWIND $rows AS row
MATCH (s:{_S} {{sid: row.sid}})
SET {", ".join(f"s.{p} = row.{c}" for c, p in SCORE_PROPERTIES.items())}, s.risk_run = $run
"""
"""Write risk score, tier, model version, snapshot id and as-of date onto subjects (for Bloom)."""

CLEAR_STALE_SCORES = f"""
MATCH (s:{_S})
WHERE s.risk_run IS NOT NULL AND s.risk_run <> $run
REMOVE {", ".join(f"s.{p}" for p in SCORE_PROPERTIES.values())}, s.risk_run
"""
"""Remove scores left from an earlier run (``write_scores`` replaces the whole set)."""

# -- reads -----------------------------------------------------------------------------------

_REGISTERED = f"(s:{_ORG} OR s:{_PER})"  # a subject, not a placeholder

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

# -- subgraph reads for investigator queries (linkrisk.graph.neo4j_queries) -----------------
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

# -- for Browser and Bloom users (docs/neo4j.md shows these verbatim) ------------------------

EXAMPLE_OWNERSHIP_CHAIN = f"""
MATCH p = (holder:{_S})-[:{_HOLDS}]->{{1,5}}(firm:{_ORG} {{sid: $sid}})
RETURN p
"""
"""Every ownership chain up to five levels above a firm (股权穿透 at a glance)."""

EXAMPLE_SHORTEST_PATHS = f"""
MATCH p = SHORTEST 5
  (a:{_S} {{sid: $a}})-[:{_HOLDS}|{_OFFICER}|{_BRANCH}]-{{1,6}}(b:{_S} {{sid: $b}})
RETURN p
"""
"""Up to five shortest connections of two subjects over stored relations (查关系)."""

EXAMPLE_RISKY_NEIGHBOURS = f"""
MATCH (firm:{_ORG} {{sid: $sid}})-[:{_HOLDS}|{_OFFICER}|{_BRANCH}]-{{1,2}}(other:{_S})
      -[:{LinkType.HAS_EVENT}]->(e:{Label.EVENT})
WHERE e.type IN $types AND e.repair_date IS NULL
  AND (e.disclosure_end IS NULL OR e.disclosure_end > date())
RETURN DISTINCT other.sid AS sid, other.name AS name, collect(e.type) AS events
"""
"""Subjects within two hops of a firm with an unrepaired listing or penalty (周边风险)."""

EXAMPLE_HIGH_RISK_FIRMS = f"""
MATCH (s:{_ORG})
WHERE s.risk_tier = $tier AND s.region STARTS WITH $region
RETURN s.sid AS sid, s.name AS name, s.risk_score AS score, s.risk_model_version AS model
ORDER BY score DESC
LIMIT 100
"""
"""The highest-scored firms of a tier in a region (after ``linkrisk score`` wrote scores back)."""

EXAMPLE_SHARED_PHONE = f"""
MATCH (s:{_S} {{sid: $sid}})
MATCH (o:{_S})
WHERE o.phone = s.phone AND o <> s
RETURN o.sid AS sid, o.name AS name
"""
"""Subjects sharing a subject's phone number (疑似关联)."""

#: the examples docs/neo4j.md must show verbatim (tests check it, and lint them like the rest)
EXAMPLES: dict[str, str] = {
    "EXAMPLE_OWNERSHIP_CHAIN": EXAMPLE_OWNERSHIP_CHAIN,
    "EXAMPLE_SHORTEST_PATHS": EXAMPLE_SHORTEST_PATHS,
    "EXAMPLE_RISKY_NEIGHBOURS": EXAMPLE_RISKY_NEIGHBOURS,
    "EXAMPLE_HIGH_RISK_FIRMS": EXAMPLE_HIGH_RISK_FIRMS,
    "EXAMPLE_SHARED_PHONE": EXAMPLE_SHARED_PHONE,
}


# -- catalogue -------------------------------------------------------------------------------


def statements() -> dict[str, str]:
    """Every statement of this module by name: its public upper-case ``str`` constants."""
    return {
        name: value
        for name, value in globals().items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    }


def documentation() -> dict[str, str]:
    """Each statement's docstring (the string literal after its assignment), one line each."""
    import ast
    import inspect
    import itertools
    import sys

    docs = {}
    body = ast.parse(inspect.getsource(sys.modules[__name__])).body
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.targets[0].id] = " ".join(following.value.value.split())
    return {name: doc for name, doc in docs.items() if name in statements()}


_NAMES = {text: name for name, text in statements().items()}


def name_of(statement: str) -> str:
    """The constant name of a statement (sent as query metadata, shown in ``SHOW TRANSACTIONS``)."""
    try:
        return _NAMES[statement]
    except KeyError:
        raise ValueError("not a statement of linkrisk.graph.cypher") from None
