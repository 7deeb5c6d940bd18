"""SQLite schema of the embedded store, as ordered migrations (``PRAGMA user_version``).

The canonical tables are generated from ``linkrisk.loaders.records`` so the two cannot drift:
strings and dates are TEXT (dates ISO ``YYYY-MM-DD``), floats REAL, booleans INTEGER. Key columns
that may be unknown (e.g. a holding's start date) are stored as '' rather than NULL, because
SQLite treats NULLs as distinct in a primary key and a reload would then duplicate the row.
Operational tables (scores, plans, consents, keys, audit) are added by later migrations.
"""

from __future__ import annotations

import re
import sqlite3

import pyarrow as pa

from linkrisk.loaders.records import MENTIONS, SUBJECTS, TABLES, Table, stored_in


def sql_type(type_: pa.DataType) -> str:
    if pa.types.is_floating(type_):
        return "REAL"
    if pa.types.is_boolean(type_) or pa.types.is_integer(type_):
        return "INTEGER"
    return "TEXT"


def table_ddl(table: Table) -> str:
    cols = []
    for col in table.columns:
        if col.name in table.key:
            cols.append(f"{col.name} {sql_type(col.type)} NOT NULL DEFAULT ''")
        else:
            cols.append(f"{col.name} {sql_type(col.type)}")
    cols.append(f"PRIMARY KEY ({', '.join(table.key)})")
    return (
        f"CREATE TABLE IF NOT EXISTS {table.name} (\n  " + ",\n  ".join(cols) + "\n) WITHOUT ROWID"
    )


#: The secondary indexes migration 1 created: (table, index, columns). Frozen with it.
_FIRST_INDEXES: tuple[tuple[str, str, str], ...] = (
    ("holdings", "holdings_dst", "dst"),
    ("officers", "officers_org", "org"),
    ("branches", "branches_branch", "branch"),
    ("events", "events_sid", "sid"),
    ("inspections", "inspections_sid", "sid"),
    ("subjects", "subjects_name", "name"),
)

#: Secondary indexes of the canonical tables now: only those a statement uses (events looked up
#: by subject). Graph questions are answered from the snapshot, and the canonical tables are
#: otherwise read whole or by a key prefix; the five indexes migration 6 drops served no query
#: but cost half of a bulk merge (the 200,000-subject city's officers file merged in 7.9 s with
#: subjects_name and officers_org, in 3.8 s without). The bulk writer drops and recreates a
#: table's indexes around a large merge (building an index once after the merge is ~4× faster
#: than keeping it up to date row by row).
CANONICAL_INDEXES: tuple[tuple[str, str, str], ...] = (("events", "events_sid", "sid"),)
_UNUSED_INDEXES = sorted({i[1] for i in _FIRST_INDEXES} - {i[1] for i in CANONICAL_INDEXES})


def index_ddl(table: str, index: str, columns: str) -> str:
    return f"CREATE INDEX IF NOT EXISTS {index} ON {table}({columns})"


def upsert_sql(table: Table) -> str:
    """INSERT … ON CONFLICT on the canonical key, one row of parameters in column order:
    ``EmbeddedStore.write_batch`` runs it with ``executemany``, the bulk writer binds whole
    Arrow tables to it. Rows are applied in order: of two rows with one key the later wins. For
    subjects a NULL never overwrites (the later row's known values win); mentions go into
    subjects and only fill in unknown values (``records.MENTIONS``)."""
    names = table.column_names
    stored = stored_in(table.name)
    if stored != SUBJECTS.name:
        updates = [f"{n} = excluded.{n}" for n in names if n not in table.key]
        action = "UPDATE SET " + ", ".join(updates) if updates else "NOTHING"
    else:
        mention = table.name == MENTIONS.name
        updates, changed = [], []
        for n in (n for n in names if n not in table.key):
            known, incoming = f"{stored}.{n}", f"excluded.{n}"
            if mention:  # fills in an unknown value
                updates.append(f"{n} = coalesce({known}, {incoming})")
                changed.append(f"({incoming} IS NOT NULL AND {known} IS NULL)")
            else:  # a known value wins
                updates.append(f"{n} = coalesce({incoming}, {known})")
                changed.append(f"({incoming} IS NOT NULL AND {incoming} IS NOT {known})")
        # Only when a row brings something new: a reload, or a mention of a subject already
        # known, then costs a lookup instead of rewriting the row.
        action = f"UPDATE SET {', '.join(updates)} WHERE {' OR '.join(changed)}"
    return (
        f"INSERT INTO {stored} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        f" ON CONFLICT ({', '.join(table.key)}) DO {action}"
    )


def _canonical_tables() -> str:
    statements = [table_ddl(t) for t in TABLES.values()]
    statements += [index_ddl(*index) for index in _FIRST_INDEXES]
    statements += [
        """CREATE TABLE IF NOT EXISTS loads (
  load_id INTEGER PRIMARY KEY,
  file TEXT NOT NULL, sha256 TEXT NOT NULL, source_kind TEXT NOT NULL,
  started TEXT NOT NULL, finished TEXT, rows_ok INTEGER, rows_rejected INTEGER,
  status TEXT NOT NULL, counts TEXT
)""",
    ]
    return ";\n".join(statements)


SCORES = """
CREATE TABLE IF NOT EXISTS scores (
  sid TEXT PRIMARY KEY,
  score REAL NOT NULL,
  tier TEXT NOT NULL,
  model_version TEXT NOT NULL,
  snapshot_id TEXT NOT NULL,
  as_of TEXT NOT NULL
) WITHOUT ROWID
"""

# API keys (hashed), lender consents (授权), the hash-chained audit log and batch check jobs. The
# text lives here (graph must not import api); linkrisk/api is the only code that uses these tables.
API_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
  key_id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  org TEXT NOT NULL,
  scopes TEXT NOT NULL DEFAULT '',
  label TEXT,
  created TEXT NOT NULL,
  revoked TEXT
);
CREATE TABLE IF NOT EXISTS consents (
  consent_id TEXT PRIMARY KEY,
  org TEXT NOT NULL,
  sid TEXT NOT NULL,
  purpose TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  reference TEXT,
  created TEXT NOT NULL,
  created_by TEXT,
  revoked TEXT,
  revoked_by TEXT
);
CREATE INDEX IF NOT EXISTS consents_lookup ON consents(org, sid, purpose);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  key_id TEXT,
  org TEXT,
  role TEXT,
  method TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  subjects TEXT NOT NULL,
  purpose TEXT,
  status INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS check_jobs (
  job_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  org TEXT NOT NULL,
  status TEXT NOT NULL,
  total INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  snapshot_id TEXT,
  created TEXT NOT NULL,
  finished TEXT,
  error TEXT
)
"""

# Who may read a check job's results follows the role that may create such a job: one that
# checked persons by ID number is for regulator keys only. Jobs from before this column are
# taken to hold persons when a regulator key created them (the safe guess).
CHECK_JOB_READERS = """
ALTER TABLE check_jobs ADD COLUMN persons INTEGER NOT NULL DEFAULT 0;
UPDATE check_jobs SET persons = 1
  WHERE key_id IN (SELECT key_id FROM api_keys WHERE role = 'regulator')
"""

# 双随机、一公开 sampling plans (linkrisk/sampling). The frame is kept as the compressed
# canonical text whose SHA-256 is the published frame digest, not as a million rows: it is only
# ever read whole (to verify or publish). Mandatory inclusions, the ordered selection, the
# inspector pool and the teams are rows, keyed by plan.
SAMPLING_SCHEMA = """
CREATE TABLE IF NOT EXISTS sampling_plans (
  plan_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  params TEXT NOT NULL,
  params_digest TEXT NOT NULL,
  snapshot_id TEXT NOT NULL,
  model_version TEXT NOT NULL,
  frame_size INTEGER NOT NULL,
  frame_digest TEXT NOT NULL,
  mandatory_digest TEXT NOT NULL,
  seed_commitment TEXT NOT NULL,
  seed_source TEXT NOT NULL,
  plan_digest TEXT NOT NULL,
  seed TEXT,
  result_digest TEXT,
  assignment_digest TEXT,
  stats TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  drawn_at TEXT,
  assigned_at TEXT,
  results_at TEXT,
  published_at TEXT
);
CREATE TABLE IF NOT EXISTS sampling_frames (
  plan_id TEXT PRIMARY KEY REFERENCES sampling_plans(plan_id),
  frame BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS sampling_mandatory (
  plan_id TEXT NOT NULL REFERENCES sampling_plans(plan_id),
  sid TEXT NOT NULL,
  tier TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (plan_id, sid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sampling_selection (
  plan_id TEXT NOT NULL REFERENCES sampling_plans(plan_id),
  rank INTEGER NOT NULL,
  sid TEXT NOT NULL,
  tier TEXT NOT NULL,
  how TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (plan_id, rank)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS sampling_selection_sid ON sampling_selection(plan_id, sid);
CREATE TABLE IF NOT EXISTS sampling_pool (
  plan_id TEXT NOT NULL REFERENCES sampling_plans(plan_id),
  position INTEGER NOT NULL,
  inspector_id TEXT NOT NULL,
  name TEXT,
  department TEXT,
  eligible INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  load INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (plan_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sampling_teams (
  plan_id TEXT NOT NULL REFERENCES sampling_plans(plan_id),
  rank INTEGER NOT NULL,
  sid TEXT NOT NULL,
  status TEXT NOT NULL,
  inspectors TEXT NOT NULL DEFAULT '',
  skips TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (plan_id, rank)
) WITHOUT ROWID
"""

# Public verification of a plan without its tiers (linkrisk/sampling/commitment.py): the sealed
# frame key, the Merkle root over the salted frame and the digest of the creation announcement.
# Plans made before have none of them and verify at the auditor level only.
SAMPLING_PUBLIC_COMMITMENT = """
ALTER TABLE sampling_plans ADD COLUMN frame_key TEXT;
ALTER TABLE sampling_plans ADD COLUMN frame_root TEXT;
ALTER TABLE sampling_plans ADD COLUMN public_digest TEXT
"""

# Reassignments of a plan's inspector teams (linkrisk/sampling/reassign.py): the first draw's
# teams stay in sampling_teams; each reassignment is a row with its reason, the pool it drew
# from and the new teams of the subjects it covers, so every change stays visible.
SAMPLING_REASSIGNMENTS = """
CREATE TABLE IF NOT EXISTS sampling_reassignments (
  plan_id TEXT NOT NULL REFERENCES sampling_plans(plan_id),
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  reason TEXT NOT NULL,
  scope TEXT NOT NULL,
  pool TEXT NOT NULL,
  teams TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (plan_id, seq)
) WITHOUT ROWID
"""

# The generation of each canonical table, bumped in the transaction of every write to it: the
# columnar mirror (linkrisk/graph/embedded/mirror.py) is trusted only up to the generation
# SQLite records.
# A table that already holds rows starts at 1, for which no mirror segment exists: its first
# whole-table read comes from SQLite and becomes the mirror's base.
GENERATIONS = ";\n".join(
    [
        "CREATE TABLE IF NOT EXISTS table_generations (\n"
        "  name TEXT PRIMARY KEY,\n  generation INTEGER NOT NULL\n) WITHOUT ROWID",
        *(
            f"INSERT OR IGNORE INTO table_generations"
            f" SELECT '{name}', EXISTS (SELECT 1 FROM {name})"
            for name in TABLES
        ),
    ]
)

# The audit chain becomes keyed (HMAC-SHA256 with LINKRISK_AUDIT_KEY, linkrisk/api/audit_chain.py):
# the records written before keep their public SHA-256 chain, and the last of them is recorded
# here once, so that they still verify — as legacy, unkeyed records — and every later one must
# verify with the key. The audit checkpoints sign this boundary, so it cannot be moved unseen.
AUDIT_KEYED = """
CREATE TABLE IF NOT EXISTS audit_legacy (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  upto INTEGER NOT NULL
);
INSERT OR IGNORE INTO audit_legacy (id, upto)
  SELECT 1, max(coalesce((SELECT seq FROM audit_head WHERE id = 1), 0),
                coalesce((SELECT max(seq) FROM audit), 0))
"""

# What the key a request presented turned out to be (valid, revoked, unknown …), so that a
# revoked key is told from a typo in the audit log; NULL in the records written before.
AUDIT_AUTH = "ALTER TABLE audit ADD COLUMN auth TEXT"

# A consent carries the evidence of the authorisation it records: the SHA-256 of the signed
# document and the day it was signed (NULL for the consents recorded before they were required).
CONSENT_EVIDENCE = """
ALTER TABLE consents ADD COLUMN evidence_sha256 TEXT;
ALTER TABLE consents ADD COLUMN evidence_date TEXT
"""

# Monitoring (linkrisk/monitor): each organisation's watches, the alerts computed when a snapshot
# (or its tiers) changed, the evaluations done (so that one is never done twice) and the webhooks
# an organisation is told through, with each alert's deliveries.
MONITOR_SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
  org TEXT NOT NULL,
  sid TEXT NOT NULL,
  depth INTEGER NOT NULL CHECK (depth BETWEEN 0 AND 3),
  kinds TEXT NOT NULL,
  label TEXT,
  created TEXT NOT NULL,
  created_by TEXT,
  PRIMARY KEY (org, sid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alerts (
  alert_id INTEGER PRIMARY KEY AUTOINCREMENT,
  org TEXT NOT NULL,
  watch_sid TEXT NOT NULL,
  sid TEXT NOT NULL,
  kind TEXT NOT NULL,
  change TEXT NOT NULL,
  path TEXT NOT NULL,
  distance INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  previous TEXT NOT NULL,
  created TEXT NOT NULL,
  acked TEXT,
  acked_by TEXT,
  UNIQUE (org, watch_sid, snapshot, previous, sid, change)
);
CREATE INDEX IF NOT EXISTS alerts_org ON alerts(org, alert_id);
CREATE INDEX IF NOT EXISTS alerts_watch ON alerts(org, watch_sid, acked);
CREATE TABLE IF NOT EXISTS monitor_runs (
  previous TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  part TEXT NOT NULL,
  finished TEXT NOT NULL,
  changes INTEGER NOT NULL,
  alerts INTEGER NOT NULL,
  seconds REAL NOT NULL,
  PRIMARY KEY (previous, snapshot, part)
);
CREATE TABLE IF NOT EXISTS webhooks (
  webhook_id TEXT PRIMARY KEY,
  org TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  created TEXT NOT NULL,
  created_by TEXT,
  removed TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  webhook_id TEXT NOT NULL,
  alert_id INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending',
  last_error TEXT,
  next_try TEXT NOT NULL,
  delivered TEXT,
  PRIMARY KEY (webhook_id, alert_id)
) WITHOUT ROWID
"""

_ADD_COLUMN = re.compile(r"\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)", re.IGNORECASE)


def statement_needed(conn: sqlite3.Connection, statement: str) -> bool:
    """False for an ``ALTER TABLE t ADD COLUMN c`` whose column exists: SQLite has no ``IF NOT
    EXISTS`` for columns, and every migration must be safe to run again (as after a rollback of
    ``user_version``), like its ``CREATE … IF NOT EXISTS`` statements."""
    match = _ADD_COLUMN.match(statement)
    if match is None:
        return True
    table, column = match.groups()
    columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    return column not in columns


# 信易+ window checks (linkrisk/incentives, api/window_log.py): one row per check and scenario,
# with what the window then did (applied / overridden, and why); and the 信用承诺 commitments
# (linkrisk/incentives/commitment_book.py) with their breaches. A person is recorded by the
# keyed hash (subject) and the masked number (query), never the number itself.
MEASURE_CHECKS = """
CREATE TABLE IF NOT EXISTS measure_checks (
  check_id TEXT NOT NULL,
  scenario TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  key_id TEXT NOT NULL,
  org TEXT NOT NULL,
  subject TEXT,
  query TEXT NOT NULL,
  kind TEXT,
  outcome TEXT NOT NULL,
  measures TEXT NOT NULL,
  catalogue_version TEXT NOT NULL,
  snapshot_id TEXT NOT NULL,
  PRIMARY KEY (check_id, scenario)
);
CREATE INDEX IF NOT EXISTS measure_checks_when ON measure_checks (checked_at, scenario);
CREATE TABLE IF NOT EXISTS measure_feedback (
  check_id TEXT NOT NULL,
  scenario TEXT NOT NULL,
  measure_id TEXT NOT NULL,
  action TEXT NOT NULL,
  reason TEXT,
  key_id TEXT NOT NULL,
  org TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (check_id, scenario, measure_id)
);
ALTER TABLE check_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'credit';
CREATE TABLE IF NOT EXISTS commitments (
  commitment_id TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  shown TEXT NOT NULL,
  matter TEXT NOT NULL,
  content TEXT,
  committed TEXT NOT NULL,
  deadline TEXT NOT NULL,
  authority TEXT NOT NULL,
  requires_fulfilment INTEGER NOT NULL DEFAULT 0,
  fulfilled TEXT,
  breach_date TEXT,
  breach_reason TEXT
);
CREATE INDEX IF NOT EXISTS commitments_subject ON commitments (subject)
"""

#: (version, script). Append only: a released migration is never edited.
MIGRATIONS: list[tuple[int, str]] = [
    (1, _canonical_tables()),
    (2, SCORES),
    (3, SAMPLING_SCHEMA),
    (4, API_SCHEMA),
    (5, GENERATIONS),
    (6, ";\n".join(f"DROP INDEX IF EXISTS {index}" for index in _UNUSED_INDEXES)),
    (7, CHECK_JOB_READERS),
    (8, AUDIT_KEYED),
    (9, AUDIT_AUTH),
    (10, CONSENT_EVIDENCE),
    (11, SAMPLING_PUBLIC_COMMITMENT),
    (12, SAMPLING_REASSIGNMENTS),
    (13, MEASURE_CHECKS),
    (14, MONITOR_SCHEMA),
]
