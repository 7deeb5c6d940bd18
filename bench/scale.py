"""The cost curve: the whole pipeline at growing city sizes, per stage time and peak memory.

    flock /tmp/linkrisk-bench.lock .venv/bin/python bench/scale.py run --sizes 500000,1000000
    .venv/bin/python bench/scale.py report        # table, fitted growth, PNG plot

``run`` measures every stage of each size in its own process (``bench/scale_stages.py``):
generate, load and snapshot build (skipped when the city is already in the cache — the shared 2M
city is never rebuilt), then intrinsic risk, propagation, features and scoring with the numpy
engine, and with ``--spark`` the same stages with the Spark engine on ``local[2]``. Results are
merged into ``bench/results/scale.json`` size by size, so a long run can be resumed.

``report`` prints the table, fits each stage's growth ``t = a·n^b`` by least squares on log–log
(and says whether ``c·n`` or ``c·n·log n`` fits better), extrapolates to 180 million subjects
and draws ``bench/results/scale.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, city_settings

STAGES = Path(__file__).with_name("scale_stages.py")
NATIONAL = 180_000_000  # market subjects in China
BUILD = ("generate", "load", "snapshot")
NUMPY = ("intrinsic", "propagation", "features", "score")
SPARK = ("export", "spark_intrinsic", "spark_propagation", "spark_features", "spark_score")


def run_stage(name: str, subjects: int) -> dict[str, Any]:
    """Run one stage process; its JSON plus the process tree's peak RSS (``wait4``)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(STAGES), name, str(subjects)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"stage {name} at {subjects:,} failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["_process"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: KiB
    }
    return result


def measure(subjects: int, spark: bool) -> dict[str, Any]:
    record: dict[str, Any] = {"subjects": subjects, "stages": {}, "processes": {}}
    ready = city_settings(subjects).data_dir / "READY"
    names = ([] if ready.exists() else list(BUILD)) + ["analyse"] + (["spark"] if spark else [])
    if ready.exists():
        record["city"] = "cached (build stages not re-measured)"
    for name in names:
        print(f"[scale] {subjects:,}: {name}", file=sys.stderr, flush=True)
        result = run_stage(name, subjects)
        record["processes"][name] = result.pop("_process")
        if "graph" in result:
            record["graph"] = result.pop("graph")
        record["stages"].update(result)
    return record


def load_results() -> dict[str, Any]:
    path = RESULTS / "scale.json"
    return json.loads(path.read_text()) if path.exists() else {"benchmark": "scale", "runs": {}}


def save_results(data: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "scale.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def fit(sizes: np.ndarray, seconds: np.ndarray) -> dict[str, Any]:
    """``t = a·n^b`` on log–log; and which of ``c·n`` / ``c·n·log n`` has the smaller residual."""
    x, y = np.log(sizes), np.log(seconds)
    b, log_a = np.polyfit(x, y, 1)
    residual = {}
    for model, basis in (("n", sizes), ("n log n", sizes * np.log(sizes))):
        log_c = float(np.mean(y - np.log(basis)))  # least squares for a fixed exponent
        residual[model] = float(np.sum((y - log_c - np.log(basis)) ** 2))
    best = min(residual, key=lambda m: residual[m])
    return {"exponent": round(float(b), 3), "log_a": float(log_a), "better": best}


def report(data: dict[str, Any]) -> dict[str, Any]:
    runs = sorted(data["runs"].values(), key=lambda r: r["subjects"])
    stages = [s for s in (*BUILD, *NUMPY, *SPARK) if any(s in r["stages"] for r in runs)]
    print(f"{'stage':<18}" + "".join(f"{r['subjects']:>16,}" for r in runs))
    for s in stages:
        cells: list[str] = []
        for r in runs:
            v = r["stages"].get(s)
            peak = f" {v['peak_rss_mb'] / 1024:4.1f}G" if v and "peak_rss_mb" in v else "      "
            cells.append(f"{v['seconds']:9.1f}s{peak}" if v else f"{'—':>16}")
        print(f"{s:<18}" + "".join(f"{c:>16}" for c in cells))
    fits: dict[str, Any] = {}
    for s in stages:
        points = [(r["subjects"], r["stages"][s]) for r in runs if s in r["stages"]]
        if len(points) < 2:
            continue
        n = np.array([p[0] for p in points], np.float64)
        f = fit(n, np.array([max(p[1]["seconds"], 1e-3) for p in points]))
        f["national_seconds"] = round(float(np.exp(f["log_a"]) * NATIONAL ** f["exponent"]))
        mem = [p[1].get("peak_rss_mb") for p in points]
        if all(m is not None for m in mem):
            g = fit(n, np.array(mem, np.float64))
            f["memory_exponent"] = g["exponent"]
            f["national_peak_gb"] = round(
                float(np.exp(g["log_a"]) * NATIONAL ** g["exponent"]) / 1024, 1
            )
        fits[s] = f
    print("\nfitted growth t = a·n^b (n = subjects) and the extrapolation to 180M subjects")
    for s, f in fits.items():
        hours = f["national_seconds"] / 3600
        peak_gb = f" peak {f['national_peak_gb']:,} GB" if "national_peak_gb" in f else ""
        print(
            f"  {s:<18} b={f['exponent']:<6} ({f['better']:>7} fits better) {hours:8.2f} h{peak_gb}"
        )
    data["fits"] = fits
    _plot(runs, stages)
    return data


def _plot(runs: list[dict[str, Any]], stages: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for s in stages:
        pts = [(r["subjects"], r["stages"][s]) for r in runs if s in r["stages"]]
        n = [p[0] for p in pts]
        left.plot(n, [p[1]["seconds"] for p in pts], marker="o", label=s)
        if all("peak_rss_mb" in p[1] for p in pts):
            right.plot(n, [p[1]["peak_rss_mb"] / 1024 for p in pts], marker="o", label=s)
    for ax, title in ((left, "seconds per stage"), (right, "peak RSS per stage (GB)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("subjects")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    fig.suptitle("linkrisk pipeline at growing city sizes (2 shared cores)")
    fig.tight_layout()
    RESULTS.mkdir(exist_ok=True)
    fig.savefig(RESULTS / "scale.png", dpi=110)
    print(f"plot → {RESULTS / 'scale.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--sizes", default="500000,1000000,2000000")
    run.add_argument("--spark", action="store_true", help="also the Spark engine (local[2])")
    sub.add_parser("report")
    args = parser.parse_args()
    data = load_results()
    if args.command == "run":
        for size in (int(s) for s in args.sizes.split(",")):
            record = measure(size, args.spark)
            previous = data["runs"].get(str(size), {"stages": {}, "processes": {}})
            previous["stages"].update(record.pop("stages"))
            previous["processes"].update(record.pop("processes"))
            data["runs"][str(size)] = {**previous, **record}
            data["contended"] = "shared 2-core machine; other helpers running"
            save_results(data)
    print(f"results → {save_results(report(data))}")


if __name__ == "__main__":
    main()
