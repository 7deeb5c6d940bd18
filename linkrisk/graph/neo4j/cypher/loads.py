"""Load history and risk scores: a (:Load) node per load of a source file, numbered by a
(:Sequence) counter and closed with its status and counts; and the risk scores ``write_scores``
puts on subjects (for Bloom), replacing those of an earlier run."""

from __future__ import annotations

from linkrisk.graph.neo4j.cypher.vocabulary import _S, LOAD_PROPERTIES, SCORE_PROPERTIES, Label

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
