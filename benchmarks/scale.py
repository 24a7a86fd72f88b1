"""National scale (8 → 26 → 290 municipalities), HTTP request counts and analyst queries."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from benchmarks.common import PROJECT_DIR, PY, base_env, fresh, json_lines, median, p95, run_child


def national(work: Path, runs: int, log: Path) -> dict:
    from benchmarks import national as gen

    made = gen.generate(work / "generated")
    out = {}
    for n, info in made.items():
        rows: dict[str, list] = {}
        for i in range(runs):
            d = fresh(work / f"national_{n}_{i}")
            env = {**base_env(work), "FOU_REGION_CONFIG": info["config"]}
            _, _, o, rc = run_child(
                [
                    PY,
                    "-m",
                    "benchmarks.stages",
                    "--data-dir",
                    str(d),
                    "--scb-snapshot",
                    info["snapshot"],
                    "--no-report",
                    "--gate-may-fail",
                ],
                env,
                log,
            )
            if rc:
                raise SystemExit(f"national run {n} failed, see {log}")
            for row in json_lines(o):
                if "stage" in row:
                    rows.setdefault(row["stage"], []).append(row)
                elif "gate_failed" in row:
                    out.setdefault(n, {})["gate_failed"] = row["gate_failed"]
        import duckdb

        with duckdb.connect(str(work / f"national_{n}_0" / "warehouse" / "fou_nordvast.duckdb"), read_only=True) as con:
            counts = {
                t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in (
                    "raw.scb_population_cells",
                    "marts.fct_population",
                    "raw.kolada_values",
                    "marts.fct_oj_results",
                )
            }
        out.setdefault(n, {}).update(
            {
                "stages": {
                    s: {"seconds": median([r["seconds"] for r in v]), "peak_mib": median([r["peak_mib"] for r in v])}
                    for s, v in rows.items()
                },
                "rows": counts,
                "scb_answers": info["scb"],
                "runs": runs,
            }
        )
    return out


def queries(work: Path, repeat: int = 20) -> dict:
    import duckdb

    blocks = []
    for doc in (PROJECT_DIR / "README.md", PROJECT_DIR / "docs" / "analysts.md"):
        blocks += [
            (doc.name, b.strip()) for b in re.findall(r"```sql\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
        ]
    db = work / "national_290_0" / "warehouse" / "fou_nordvast.duckdb"
    out = []
    with duckdb.connect(str(db), read_only=True) as con:
        for doc, sql in blocks:
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                rows = con.execute(sql).fetchall()
                times.append((time.perf_counter() - t) * 1000)
            out.append(
                {
                    "doc": doc,
                    "query": " ".join(sql.split())[:70],
                    "rows": len(rows),
                    "median_ms": median(times),
                    "p95_ms": p95(times),
                }
            )
    return {"database": "national_290 (generated population, generated ÖJ values)", "repeat": repeat, "queries": out}


def requests(work: Path) -> dict:
    from benchmarks import requests_bench

    out = requests_bench.run(fresh(work / "requests"))
    # national scale: the client's own split (benchmarks/national.py uses scb.split_selection)
    made = (
        json.loads((work / "generated" / "snapshot_290" / "done.json").read_text())
        if (work / "generated" / "snapshot_290" / "done.json").exists()
        else None
    )
    if made:
        import math

        calls = sum(v["calls"] for v in made.values()) + 3
        out["scb_national_290"] = {
            "tables": {t: {**v, "floor": math.ceil(v["cells"] / 150_000)} for t, v in made.items()},
            "calls_total": calls,
            "naive_data_calls": 292 * 58,
            "minimum_seconds_at_30_per_10s": (math.ceil(calls / 30) - 1) * 10,
        }
    return out
