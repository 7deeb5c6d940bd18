"""The schema ``migrate`` creates: a uniqueness constraint per node key, the indexes every
lookup seeks on, in the order :data:`SCHEMA` runs them; and the statements that read the
database's own constraints and indexes back (``linkrisk neo4j check``) and wait for the indexes
to come online."""

from __future__ import annotations

from linkrisk.graph.neo4j.cypher.vocabulary import _ORG, _PER, _S, Label

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
