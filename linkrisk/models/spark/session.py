"""The Spark session the engine runs in: local by default, the cluster's under spark-submit.

``spark_session(master="local[2]")`` starts a local JVM (Java 17) with the web UI off, a small
driver and its scratch space under the temporary directory; under ``spark-submit`` (YARN,
Kubernetes, standalone) the master and memory come from the submission and ``master=None``
leaves them alone. ``LINKRISK_SPARK_CONF`` may add ``key=value,key=value`` settings.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

#: shuffle partitions per core on a local master; on a cluster set spark.sql.shuffle.partitions
LOCAL_PARTITIONS_PER_CORE = 1


def _local_cores(master: str) -> int:
    inside = master[master.find("[") + 1 : master.find("]")] if "[" in master else "1"
    if inside == "*":
        return os.cpu_count() or 2
    return max(int(inside), 1)


def spark_session(master: str | None = "local[2]", *, driver_memory: str = "1g") -> Any:
    """A Spark session for the engine (imported lazily: the numpy engine needs no Java)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", _python())
    builder = SparkSession.builder.appName("linkrisk")
    if master is not None:
        scratch = Path(tempfile.gettempdir()) / f"linkrisk-spark-{os.getuid()}"
        scratch.mkdir(parents=True, exist_ok=True)
        partitions = LOCAL_PARTITIONS_PER_CORE * _local_cores(master)
        builder = (
            builder.master(master)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", driver_memory)
            .config("spark.local.dir", str(scratch))
            .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
            .config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.default.parallelism", str(partitions))
            # small local jobs: re-planning each stage (AQE) costs more than it saves
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={scratch}")
        )
    for item in filter(None, os.environ.get("LINKRISK_SPARK_CONF", "").split(",")):
        key, _, value = item.partition("=")
        builder = builder.config(key.strip(), value.strip())
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _python() -> str:
    import sys

    return sys.executable
