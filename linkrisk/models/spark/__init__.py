"""The Spark engine: intrinsic risk, propagation, features and batch scoring as Spark jobs over
the snapshot's Parquet export (``linkrisk.graph.snapshot.parquet``), for graphs beyond one
machine. Same definitions as the numpy engine (the rule arithmetic is the same numpy code, run per
Arrow batch); equality with it is tested. PySpark is imported lazily."""
