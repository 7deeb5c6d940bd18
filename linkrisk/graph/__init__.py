"""The graph: where subjects and their relations are kept, and how they are read.

``store`` (the ``GraphStore`` protocol both stores provide), ``relations`` (relation types and
codes), ``open`` (the configured store); ``embedded/`` (SQLite, bulk writer, columnar mirror) and
``neo4j/`` (the Neo4j store and every Cypher statement), which never import each other;
``snapshot/`` (point-in-time CSR arrays) and ``queries/`` (the investigator's questions), which
read a store only through the protocol. May import ``loaders`` (the canonical tables) and
``arrays``; never ``models``, ``sampling`` or the packages above them.
"""
