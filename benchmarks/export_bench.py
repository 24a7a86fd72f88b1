"""Export of every mart (ingestion/export.py) from a published database: wall time and size per
format, the median of --runs runs; the figures go in docs/benchmarks.md (no test asserts a time).

    .venv/bin/python -m benchmarks.export_bench --db data/warehouse/fou_nordvast.duckdb
    .venv/bin/python -m benchmarks.export_bench --db /tmp/fou-bench/national_290_0/warehouse/fou_nordvast.duckdb

The 290-municipality database is the national benchmark's (`make bench BENCH_ARGS="--only national
--national-sizes 290 --national-no-report --national-runs 1"`, docs/benchmarks.md)."""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.common import median
from ingestion import export
from ingestion.errors import FouError


def size_mib(paths: list[Path]) -> float:
    return round(sum(p.stat().st_size for p in paths) / 2**20, 1)


def bench(db: Path, runs: int, formats: tuple[str, ...] = export.FORMATS) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        marts = export.marts(con)
        municipalities = con.execute("select count(*) from marts.dim_municipality where is_region_member").fetchall()
    out = {
        "db": str(db),
        "members": municipalities[0][0],
        "marts": len(marts),
        "rows": sum(m.rows for m in marts),
        "largest": max(((m.name, m.rows) for m in marts), key=lambda x: x[1]),
    }
    for fmt in formats:
        seconds, files = [], []
        for _ in range(runs):
            folder = Path(tempfile.mkdtemp(prefix="fou-export-"))
            started = time.perf_counter()
            try:
                files = export.export(db, folder, fmt)
            except FouError as exc:  # the xlsx refused: the one line is the figure
                out[fmt] = {"refused": str(exc), "seconds": round(time.perf_counter() - started, 2)}
                break
            seconds.append(time.perf_counter() - started)
            out[fmt] = {"seconds": round(median(seconds), 2), "files": len(files), "mib": size_mib(files)}
            shutil.rmtree(folder)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True, help="a published database")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--formats", default=",".join(export.FORMATS), help="xlsx,parquet,csv-sv")
    a = ap.parse_args()
    print(json.dumps(bench(a.db, a.runs, tuple(a.formats.split(","))), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
