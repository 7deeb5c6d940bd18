"""Example statements for Browser and Bloom users: ownership chains, shortest connections, risky
neighbours, high-risk firms, shared phones. docs/neo4j.md shows each verbatim (a test checks it)
and they are linted like every other statement; linkrisk itself never sends them."""

from __future__ import annotations

from linkrisk.graph.neo4j.cypher.vocabulary import (
    _BRANCH,
    _HOLDS,
    _OFFICER,
    _ORG,
    _S,
    Label,
    LinkType,
)

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
