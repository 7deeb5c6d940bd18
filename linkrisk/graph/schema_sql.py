"""SQLite schema of the embedded store, as ordered migrations (``PRAGMA user_version``).

The canonical tables are generated from ``linkrisk.loaders.records`` so the two cannot drift:
strings and dates are TEXT (dates ISO ``YYYY-MM-DD``), floats REAL, booleans INTEGER. Key columns
that may be unknown (e.g. a holding's start date) are stored as '' rather than NULL, because
SQLite treats NULLs as distinct in a primary key and a reload would then duplicate the row.
Operational tables (scores, plans, consents, keys, audit) are added by later migrations.
"""

from __future__ import annotations

import pyarrow as pa

from linkrisk.loaders.records import TABLES, Table


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


def _canonical_tables() -> str:
    statements = [table_ddl(t) for t in TABLES.values()]
    statements += [
        "CREATE INDEX IF NOT EXISTS holdings_dst ON holdings(dst)",
        "CREATE INDEX IF NOT EXISTS officers_org ON officers(org)",
        "CREATE INDEX IF NOT EXISTS branches_branch ON branches(branch)",
        "CREATE INDEX IF NOT EXISTS events_sid ON events(sid)",
        "CREATE INDEX IF NOT EXISTS inspections_sid ON inspections(sid)",
        "CREATE INDEX IF NOT EXISTS subjects_name ON subjects(name)",
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

#: (version, script). Append only: a released migration is never edited.
MIGRATIONS: list[tuple[int, str]] = [
    (1, _canonical_tables()),
    (2, SCORES),
    # (3, …) sampling plans — linkrisk/models/sampling
    # (4, …) API keys, consents, audit log — linkrisk/api
]
