"""Benchmark of loading a generated city: parse + validate, and end to end into the store.

    python bench/load.py                   # 1,000,000 subjects' worth of files
    python bench/load.py --subjects 100000

Generates the city's files once (cached under LINKRISK_BENCH_CACHE), then
1. loads every file into a store that discards the batches (parse + validate only),
2. loads every file into a fresh embedded store (end to end),
and prints rows/s for both with peak memory (this process's and the bulk writer processes'), beside
a reference measured in the same run (in a child process, after the peaks are taken): a plain
pyarrow read of the same CSV/Parquet files, and the machine's speed against the one the target
was set on (bench/calibrate.py). Writes bench/results/load.json.
Target: ≥ 200,000 rows/s end to end on 2 cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import calibrate
from bench.common import AS_OF, CACHE, peak_rss_mb, timed, write_result
from bench.parse import DiscardingStore
from linkrisk.config import Settings
from linkrisk.demo.city import generate_city
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.pipeline import load_directory


def _reference_read(files: Path) -> tuple[int, float]:
    """Rows and seconds for pyarrow reading the CSV and Parquet files with no validation."""
    rows = 0
    with timed() as t:
        for path in sorted(files.iterdir()):
            if path.suffix == ".parquet":
                rows += pq.read_table(path).num_rows
            elif path.suffix == ".csv":
                encoding = "gb18030" if path.name == "officers.csv" else "utf-8-sig"
                options = pacsv.ReadOptions(encoding=encoding)
                rows += pacsv.read_csv(path, read_options=options).num_rows
    return rows, t.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    files = CACHE / f"load-{args.subjects}-{args.seed}" / "files"
    if not (files / "manifest.json").exists():
        with timed() as t:
            generate_city(files, subjects=args.subjects, seed=args.seed, as_of=AS_OF)
        print(f"generated in {t.seconds:.1f} s", file=sys.stderr)
    settings = Settings(data_dir=files.parent / "data", env="test")

    with timed() as t:
        reports = load_directory(files, DiscardingStore(), settings=settings)  # type: ignore[arg-type]
    parse_rows, parse_seconds = sum(r.rows_read for r in reports), t.seconds

    shutil.rmtree(settings.data_dir, ignore_errors=True)
    store = EmbeddedStore(settings.db_path)
    store.migrate()
    with timed() as t:
        reports = load_directory(files, store, settings=settings)
    rows, seconds = sum(r.rows_read for r in reports), t.seconds
    store.close()
    peaks = {"loader": round(peak_rss_mb()), "bulk_writer": round(peak_rss_mb(children=True))}
    # the reference holds whole files as tables: read in a child, after the peaks are taken
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        ref_rows, ref_seconds = child.submit(_reference_read, files).result()
    machine = calibrate.in_child()

    write_result(
        "load",
        {
            "subjects": args.subjects,
            "rows": rows,
            "parse_validate": {
                "seconds": round(parse_seconds, 2),
                "rows_per_s": round(parse_rows / parse_seconds),
            },
            "end_to_end": {"seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)},
            "reference_pyarrow_read": {
                "rows": ref_rows,
                "seconds": round(ref_seconds, 2),
                "rows_per_s": round(ref_rows / ref_seconds),
            },
            "rejected": sum(r.rows_rejected for r in reports),
            # this process (parse pass, load, and generation if this run generated the files);
            # the largest bulk writer process
            "peak_rss_mb": peaks,
            "target_rows_per_s": 200_000,
            "machine_reference": machine,
        },
    )
    print(calibrate.summary(machine))


if __name__ == "__main__":
    main()
