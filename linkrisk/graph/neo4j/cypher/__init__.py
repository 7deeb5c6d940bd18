"""Every Cypher statement linkrisk sends to Neo4j, one named constant each.

Rules that keep these safe and checkable:

- labels and relationship types are formatted into the text only from fixed enums
  (:class:`Label`, :class:`LinkType` of ``vocabulary``, :class:`~linkrisk.graph.relations.RelType`);
- property names only from the canonical tables (:mod:`linkrisk.loaders.records`) and the
  fixed lists of ``vocabulary``; every *value* is a ``$param`` (no string literal appears in
  any statement);
- each constant is followed by a docstring saying what it does;
- ``tests/graph/neo4j/test_cypher_lint.py`` finds every upper-case ``str`` constant of the package
  (:func:`statements`) and lints it with Neo4j's own parser and semantic analysis
  (``tools/cypherlint``), under Cypher 5 and Cypher 25, against the labels, types and property
  keys declared in ``vocabulary``.

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

One module per kind of statement, catalogued in this order: ``schema`` (``migrate``),
``writes`` (``write_batch``), ``loads`` (load history and scores), ``reads``, ``subgraphs``
(the investigator queries) and ``examples`` (for Browser and Bloom users), all written in the
labels, types and helpers of ``vocabulary``. Import from the package, which re-exports them all.
"""

from __future__ import annotations

from linkrisk.graph.neo4j.cypher import (
    examples,
    loads,
    reads,
    schema,
    subgraphs,
    vocabulary,
    writes,
)
from linkrisk.graph.neo4j.cypher.examples import (
    EXAMPLE_HIGH_RISK_FIRMS,
    EXAMPLE_OWNERSHIP_CHAIN,
    EXAMPLE_RISKY_NEIGHBOURS,
    EXAMPLE_SHARED_PHONE,
    EXAMPLE_SHORTEST_PATHS,
    EXAMPLES,
)
from linkrisk.graph.neo4j.cypher.loads import (
    CLEAR_STALE_SCORES,
    CREATE_LOAD,
    FINISH_LOAD,
    LOAD_HISTORY,
    WRITE_SCORES,
)
from linkrisk.graph.neo4j.cypher.reads import (
    COUNT_TABLES,
    DELETE_ALL,
    EVENTS_OF,
    GET_SUBJECT,
    PAGES,
    PING,
    READ_BRANCHES_PAGE,
    READ_EVENTS_PAGE,
    READ_HOLDINGS_PAGE,
    READ_INSPECTIONS_PAGE,
    READ_INSPECTORS_PAGE,
    READ_OFFICERS_PAGE,
    READ_SUBJECTS_PAGE,
)
from linkrisk.graph.neo4j.cypher.schema import (
    AWAIT_INDEXES,
    CONSTRAINT_EVENT_ID,
    CONSTRAINT_INSPECTION_KEY,
    CONSTRAINT_INSPECTOR_ID,
    CONSTRAINT_LOAD_ID,
    CONSTRAINT_ORGANISATION_SID,
    CONSTRAINT_PERSON_SID,
    CONSTRAINT_SEQUENCE_NAME,
    CONSTRAINT_SUBJECT_SID,
    INDEX_EVENT_DATE,
    INDEX_EVENT_SID,
    INDEX_EVENT_TYPE_DATE,
    INDEX_INSPECTION_DATE,
    INDEX_INSPECTION_SID,
    INDEX_INSPECTOR_PERSON,
    INDEX_SUBJECT_ADDRESS,
    INDEX_SUBJECT_EMAIL,
    INDEX_SUBJECT_NAME,
    INDEX_SUBJECT_NAME_TEXT,
    INDEX_SUBJECT_PHONE,
    INDEX_SUBJECT_REGION,
    INDEX_SUBJECT_RISK_TIER,
    SCHEMA,
    SHOW_CONSTRAINTS,
    SHOW_INDEXES,
    schema_name,
)
from linkrisk.graph.neo4j.cypher.subgraphs import (
    CONTACT_GROUPS,
    CONTROL_EDGES,
    SUBGRAPH_EDGES,
    SUBGRAPH_SUBJECTS,
)
from linkrisk.graph.neo4j.cypher.vocabulary import (
    EXTRA_PROPERTIES,
    LOAD_PROPERTIES,
    SCORE_PROPERTIES,
    Label,
    LinkType,
    property_keys,
)
from linkrisk.graph.neo4j.cypher.writes import (
    MENTION_ORGANISATIONS,
    MENTION_PERSONS,
    MERGE_BRANCHES,
    MERGE_EVENTS,
    MERGE_HOLDINGS,
    MERGE_INSPECTIONS,
    MERGE_INSPECTORS,
    MERGE_OFFICERS,
    MERGE_ORGANISATIONS,
    MERGE_PERSONS,
    WRITES,
)

__all__ = [
    "AWAIT_INDEXES",
    "CLEAR_STALE_SCORES",
    "CONSTRAINT_EVENT_ID",
    "CONSTRAINT_INSPECTION_KEY",
    "CONSTRAINT_INSPECTOR_ID",
    "CONSTRAINT_LOAD_ID",
    "CONSTRAINT_ORGANISATION_SID",
    "CONSTRAINT_PERSON_SID",
    "CONSTRAINT_SEQUENCE_NAME",
    "CONSTRAINT_SUBJECT_SID",
    "CONTACT_GROUPS",
    "CONTROL_EDGES",
    "COUNT_TABLES",
    "CREATE_LOAD",
    "DELETE_ALL",
    "EVENTS_OF",
    "EXAMPLES",
    "EXAMPLE_HIGH_RISK_FIRMS",
    "EXAMPLE_OWNERSHIP_CHAIN",
    "EXAMPLE_RISKY_NEIGHBOURS",
    "EXAMPLE_SHARED_PHONE",
    "EXAMPLE_SHORTEST_PATHS",
    "EXTRA_PROPERTIES",
    "FINISH_LOAD",
    "GET_SUBJECT",
    "INDEX_EVENT_DATE",
    "INDEX_EVENT_SID",
    "INDEX_EVENT_TYPE_DATE",
    "INDEX_INSPECTION_DATE",
    "INDEX_INSPECTION_SID",
    "INDEX_INSPECTOR_PERSON",
    "INDEX_SUBJECT_ADDRESS",
    "INDEX_SUBJECT_EMAIL",
    "INDEX_SUBJECT_NAME",
    "INDEX_SUBJECT_NAME_TEXT",
    "INDEX_SUBJECT_PHONE",
    "INDEX_SUBJECT_REGION",
    "INDEX_SUBJECT_RISK_TIER",
    "LOAD_HISTORY",
    "LOAD_PROPERTIES",
    "MENTION_ORGANISATIONS",
    "MENTION_PERSONS",
    "MERGE_BRANCHES",
    "MERGE_EVENTS",
    "MERGE_HOLDINGS",
    "MERGE_INSPECTIONS",
    "MERGE_INSPECTORS",
    "MERGE_OFFICERS",
    "MERGE_ORGANISATIONS",
    "MERGE_PERSONS",
    "PAGES",
    "PING",
    "READ_BRANCHES_PAGE",
    "READ_EVENTS_PAGE",
    "READ_HOLDINGS_PAGE",
    "READ_INSPECTIONS_PAGE",
    "READ_INSPECTORS_PAGE",
    "READ_OFFICERS_PAGE",
    "READ_SUBJECTS_PAGE",
    "SCHEMA",
    "SCORE_PROPERTIES",
    "SHOW_CONSTRAINTS",
    "SHOW_INDEXES",
    "SUBGRAPH_EDGES",
    "SUBGRAPH_SUBJECTS",
    "WRITES",
    "WRITE_SCORES",
    "Label",
    "LinkType",
    "documentation",
    "name_of",
    "property_keys",
    "schema_name",
    "statements",
]


# -- catalogue -------------------------------------------------------------------------------

#: the modules that define statements, in the order they are catalogued
_MODULES = (vocabulary, schema, writes, loads, reads, subgraphs, examples)


def statements() -> dict[str, str]:
    """Every statement of the package by name: the public upper-case ``str`` constants of its
    modules, module by module in catalogue order, each in the order it is defined."""
    return {
        name: value
        for module in _MODULES
        for name, value in vars(module).items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    }


def documentation() -> dict[str, str]:
    """Each statement's docstring (the string literal after its assignment), one line each,
    parsed from the source of each module in catalogue order."""
    import ast
    import inspect
    import itertools

    docs = {}
    for module in _MODULES:
        body = ast.parse(inspect.getsource(module)).body
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
        raise ValueError("not a statement of linkrisk.graph.neo4j.cypher") from None
