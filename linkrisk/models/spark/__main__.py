"""``spark-submit …/linkrisk/models/spark/__main__.py EXPORT OUT``: the Spark engine as a job.

Reads a snapshot export (``linkrisk snapshot-export``) at EXPORT and writes ``OUT/features.parquet``
and ``OUT/scores.parquet`` (node, sid, score, tier, reasons). The master, executors and memory
are the submission's (``--master yarn`` / ``k8s://…``, ``--executor-memory`` …); EXPORT and OUT
must be paths the driver and the executors both see (a shared file system). ``linkrisk score
--engine spark`` on the API host then publishes the scores for the API.
"""

from __future__ import annotations

import sys
from pathlib import Path

from linkrisk.models.spark.run import run_spark
from linkrisk.models.spark.session import spark_session


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: spark-submit linkrisk/models/spark/__main__.py EXPORT OUT")
    spark = spark_session(None)  # the submission's master and resources
    run = run_spark(spark, Path(argv[0]), Path(argv[1]))
    print({"nodes": len(run.score), "cutoffs": run.cutoffs, "seconds": run.seconds})


if __name__ == "__main__":
    main(sys.argv[1:])
