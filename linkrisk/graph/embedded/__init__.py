"""The embedded store: SQLite as the system of record (``store``, ``schema``, ``rows``), whole-file
bulk loads merged by a writer process (``bulk``, ``bulk_writer``, ``bulk_mirror``) and the
columnar Arrow mirror that whole-table reads use (``mirror``, ``mirror_compact``, ``arrow_reader``).

May import ``graph.store``, ``graph.relations``, ``loaders.records`` and ``arrays``; never
``graph.neo4j``.
"""
