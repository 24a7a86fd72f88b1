"""The figures of benchmarks/run.py as Markdown (data/benchmarks/latest.md, docs/benchmarks.md)."""

from __future__ import annotations


def markdown(r: dict) -> str:
    """The write-up of one benchmark run: a section for each part that was run, in this order."""
    L = machine_lines(r["machine"])
    for key, lines in SECTIONS:
        if key in r:
            L += lines(r)
    return "\n".join(L)


def machine_lines(m: dict) -> list[str]:
    return [
        f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}; load average at start "
        f"{m['load_average_at_start']}, at end {m.get('load_average_at_end')}; CPU probe (20 M Python additions) "
        f"{m.get('cpu_probe_s_at_start')} s at start, {m.get('cpu_probe_s_at_end')} s at end; {m['when']}.",
        "",
    ]


def stage_lines(r: dict) -> list[str]:
    L = [
        "### Offline monthly load, stage by stage (8 municipalities, bundled snapshot, new data dir)",
        "",
        "| stage | wall s | peak RSS MiB |",
        "|---|---:|---:|",
    ]
    L += [f"| {s} | {v['seconds']} | {v['peak_mib']} |" for s, v in r["stages"]["stages"].items()]
    L += ["", f"Process wall including interpreter start-up: {r['stages']['process_wall_s_incl_startup']} s.", ""]
    return L


def dbt_lines(r: dict) -> list[str]:
    d = r["dbt"]
    L = [
        f"**Plain `dbt build` (CLI, the floor)**: {d['seconds']} s, {d['peak_mib']} MiB "
        f"(first run with a full parse: {d['first_with_full_parse_s']} s).",
        "",
    ]
    return L


def dag_lines(r: dict) -> list[str]:
    d = r["dag"]
    L = [
        "### Whole DAG (dag.test, as `python -m ingestion.cli run`)",
        "",
        f"**{d['seconds']} s** for the run; Airflow's start-up before it {d['airflow_startup_s']} s "
        f"(DagBag {d['dagbag_s']} s, in-process execution API {d['execution_api_s']} s): "
        f"{d['seconds_with_airflow_startup']} s in all (interpreter start-up and the one-off `airflow db migrate` "
        f"not counted). Peak RSS {d['peak_mib']} MiB; sum of task durations {d['sum_of_tasks_s']} s.",
        "",
        "| task | s |",
        "|---|---:|",
    ]
    L += [f"| {t} | {s} |" for t, s in d["tasks"].items()]
    L.append("")
    if "stages" in r and "dbt" in r:
        L += overhead_lines(r)
    return L


def incremental_lines(r: dict) -> list[str]:
    i = r["incremental"]
    skipped = sorted(t for t, st in i.get("unchanged_task_states", {}).items() if "skipped" in st)
    L = [
        "### Incremental reload (the DAG again in the same data dir)",
        "",
        f"- nothing changed: {i['unchanged_seconds']} s = {i['unchanged_over_full']:.0%} of the full load "
        f"(runs without Airflow's start-up; skipped by Airflow: {', '.join(skipped) or 'none'})",
        f"- one record file changed: {i['one_record_file_changed_seconds']} s; dbt rebuilt "
        f"{i['rebuilt_dbt_nodes']} nodes, models: {', '.join(i['rebuilt_models'])}",
        "",
    ]
    return L


def scheduler_lines(r: dict) -> list[str]:
    c = r["scheduler"]
    L = [
        "### Under a running scheduler (`airflow standalone`, LocalExecutor, SQLite)",
        "",
        f"Services up in {c['startup_s']} s (paid once, not per run). Full load in a new data dir "
        f"(one run): {c['full_run_s']} s from the run's start to its end; nothing changed (median of {c['runs']}): "
        f"{c['unchanged_run_s']} s = {c['unchanged_over_full']:.0%}. Each task runs in a process of its own.",
        "",
        "| task | full s | unchanged s |",
        "|---|---:|---:|",
    ]
    L += [f"| {t} | {v} | {c['unchanged_tasks'].get(t)} |" for t, v in c["full_tasks"].items()]
    L.append("")
    return L


def request_lines(r: dict) -> list[str]:
    L: list[str] = []
    s, k = r["requests"]["scb"], r["requests"]["kolada"]
    L += [
        "### HTTP calls of a live monthly load",
        "",
        "| source | calls | data calls | floor | naive | max in 10 s (limit) |",
        "|---|---:|---:|---:|---:|---:|",
        f"| SCB (8 municipalities) | {s['calls_total']} | {s['data_calls']} | {s['floor_data_calls']} | "
        f"{s['naive_data_calls']} | {s['max_calls_in_10s']} ({s['limit_calls_in_10s']}) |",
        f"| Kolada | {k['calls_total']} | {k['data_calls']} | {k['floor_data_calls']} | "
        f"{k['naive_data_calls']} (per municipality and year: {k['naive_per_municipality_year']}) | "
        f"{k['max_calls_in_10s']} |",
    ]
    if "scb_national_290" in r["requests"]:
        n = r["requests"]["scb_national_290"]
        L.append(
            f"| SCB (290, computed) | {n['calls_total']} | {n['calls_total'] - 3} | "
            f"{sum(t['floor'] for t in n['tables'].values())} | {n['naive_data_calls']} | ≤ 30 (limiter; "
            f"≥ {n['minimum_seconds_at_30_per_10s']} s) |"
        )
    L.append("")
    return L


def query_lines(r: dict) -> list[str]:
    L = [
        "### Analyst queries on the national published database",
        "",
        "| doc | query | rows | median ms | p95 ms |",
        "|---|---|---:|---:|---:|",
    ]
    L += [
        f"| {q['doc']} | `{q['query']}` | {q['rows']} | {q['median_ms']} | {q['p95_ms']} |"
        for q in r["queries"]["queries"]
    ]
    L.append("")
    return L


def overhead_lines(r: dict) -> list[str]:
    """Airflow's overhead: the DAG's run minus the same stages run without Airflow, against the
    plain dbt build, without and with Airflow's start-up."""
    d, st, dbt = r["dag"], r["stages"]["stages"]["sum_of_stages"]["seconds"], r["dbt"]["seconds"]
    own = round(d["seconds"] - st, 2)
    with_startup = round(d["seconds_with_airflow_startup"] - st, 2)
    return [
        f"Airflow's overhead: the run {d['seconds']} s − the same stages without Airflow {st} s = **{own} s = "
        f"{own / dbt:.2f} × the plain dbt build** ({dbt} s); with Airflow's start-up {with_startup} s = "
        f"{with_startup / dbt:.2f} ×. The whole run is {d['seconds'] / dbt:.2f} × the plain dbt build "
        f"(it also runs the loads, the quality gate and the report).",
        "",
    ]


def national_lines(nat: dict) -> list[str]:
    """The national rows: each stage against the plain dbt build of the same data (measured
    right after it, in the same run), then every stage's seconds, ratio and peak RSS."""
    L = [
        "### National scale: the whole DAG end to end (GENERATED population; generated ÖJ values)",
        "",
        "SCB extracted live from its stand-in with SCB's real limits (benchmarks/national_api.py); DAG s is the "
        "sum of the stages (extract, land, load, dbt build, quality gate, publish, report) in one process, "
        "Airflow's start-up excluded; dbt build s is the plain `dbt build` CLI on the same loaded data.",
        "",
        "| municipalities | SCB cells | load s | dbt build s | gate s | load ÷ dbt | gate ÷ dbt | DAG s | DAG ÷ dbt "
        "| SCB rate-limit wait s | peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, v in nat.items():
        st, dbt = v["stages"], v["plain_dbt_s"]
        L.append(
            f"| {n} | {v['scb_cells']:,} | {st['load']['seconds']} | {dbt} | {st['quality_gate']['seconds']} | "
            f"{st['load']['seconds'] / dbt:.2f} | {st['quality_gate']['seconds'] / dbt:.2f} | {v['dag_s']} | "
            f"{v['dag_s'] / dbt:.2f} | {st['extract'].get('rate_limit_wait_s')} | {v['dag_peak_mib']} |".replace(
                ",", " "
            )
        )
    L += ["", "| stage | " + " | ".join(f"{n}: s (÷ dbt), peak MiB" for n in nat) + " |"]
    L.append("|---|" + "---:|" * len(nat))
    for stage in next(iter(nat.values()))["stages"]:
        cells = []
        for v in nat.values():
            x = v["stages"].get(stage, {})
            cells.append(f"{x.get('seconds')} ({x.get('seconds', 0) / v['plain_dbt_s']:.2f}), {x.get('peak_mib')}")
        L.append(f"| {stage} | " + " | ".join(cells) + " |")
    L.append(
        "| plain dbt build | "
        + " | ".join(f"{v['plain_dbt_s']} (1.00), {v['plain_dbt_mib']}" for v in nat.values())
        + " |"
    )
    nexts = {n: v["next_month"] for n, v in nat.items() if v.get("next_month")}
    if nexts:
        L += [
            "",
            "A month later in the same data dir (SCB's monthly TAB6471 has a new month; TAB638, discontinued, and "
            "TAB5557 are unchanged and not downloaded again; dbt rebuilds what SCB's data feeds):",
            "",
            "| municipalities | DAG s | DAG ÷ dbt | " + " | ".join(next(iter(nexts.values()))["stages"]) + " |",
            "|---:|---:|---:|" + "---:|" * len(next(iter(nexts.values()))["stages"]),
        ]
        for n, x in nexts.items():
            dbt = nat[n]["plain_dbt_s"]
            L.append(
                f"| {n} | {x['dag_s']} | {x['dag_s'] / dbt:.2f} | "
                + " | ".join(str(v["seconds"]) for v in x["stages"].values())
                + " |"
            )
    failed = {n: v["gate_failed"] for n, v in nat.items() if v.get("gate_failed")}
    if failed:
        L += ["", "Gate failures on the generated data (published anyway for the benchmark): "]
        L += [f"- {n}: {' / '.join(f)}" for n, f in failed.items()]
    L.append("")
    return L


SECTIONS = [
    ("stages", stage_lines),
    ("dbt", dbt_lines),
    ("dag", dag_lines),
    ("incremental", incremental_lines),
    ("scheduler", scheduler_lines),
    ("national", lambda r: national_lines(r["national"])),
    ("requests", request_lines),
    ("queries", query_lines),
]
