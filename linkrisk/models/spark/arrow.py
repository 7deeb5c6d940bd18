"""Arrow batches ↔ numpy column dicts, for ``mapInArrow`` functions that reuse the numpy code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa

Columns = dict[str, np.ndarray]


def columns(batch: pa.RecordBatch) -> Columns:
    return {
        name: batch.column(i).to_numpy(zero_copy_only=False)
        for i, name in enumerate(batch.schema.names)
    }


def per_batch(
    fn: Callable[[Columns], dict[str, Any]],
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """A ``mapInArrow`` function applying ``fn`` (numpy columns → numpy columns) to each batch."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = fn(columns(batch))
            yield pa.RecordBatch.from_pydict({k: pa.array(v) for k, v in out.items()})

    return run
