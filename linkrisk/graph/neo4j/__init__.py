"""The Neo4j store: ``store`` owns the driver and its sessions, ``rows`` converts between Arrow
and Cypher parameters, ``queries`` answers the investigator's questions from subgraphs read by
``subgraph`` and ``search``; ``cypher/`` holds every statement.

May import ``graph.store``, ``graph.relations``, ``graph.snapshot`` and ``graph.queries`` (a
fetched region is answered by the same algorithms as the embedded snapshot), ``loaders.records``;
never ``graph.embedded``.
"""
