"""Snapshots: versioned, read-only, point-in-time CSR arrays of the whole graph.

``arrays`` (the ``Snapshot`` and loading it), ``build`` and ``parts`` (building one from a store),
``publish`` (writing it under a version and switching ``CURRENT``), ``names`` (the name
search arrays built with it). Reads a store only through
the ``GraphStore`` protocol; may import ``graph.relations``, ``loaders.records``, ``arrays``.
"""
