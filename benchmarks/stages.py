"""Run the stages of the monthly load without Airflow, in this one process, and print one JSON
line per stage: wall seconds and peak RSS (MiB) of that stage alone.

Peak memory per stage: Linux keeps the process's peak RSS in /proc/self/status (VmHWM); writing
"5" to /proc/self/clear_refs resets it, so each stage's peak is measured on its own. DuckDB
allocates outside Python's allocator, so tracemalloc would not see it; RSS does.

    python benchmarks/stages.py --data-dir /tmp/x [--stages extract,land,...] [--no-report]

Called by benchmarks/run.py in a subprocess (the data dir's settings come from FOU_* env)."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # not Linux, or not allowed: the peak is then the process's peak so far
        pass


class LandTimer:
    """Extract and land happen in one call of the clients (fetch, then land each answer);
    wrapping `land` where the clients call it separates the two times."""

    def __init__(self):
        self.seconds = 0.0

    def install(self):
        from ingestion import http
        from ingestion.kolada import extract as kolada_extract
        from ingestion.scb import extract as scb_extract

        original = http.land

        def timed(*a, **kw):
            t = time.perf_counter()
            try:
                return original(*a, **kw)
            finally:
                self.seconds += time.perf_counter() - t

        scb_extract.land = kolada_extract.land = timed


class WaitTimer:
    """Seconds the clients' rate limiter slept to keep to SCB's 30 calls per 10 s: the API's
    limit, not the warehouse's work, so the extract row names it apart."""

    def __init__(self):
        self.seconds = 0.0

    def install(self):
        from ingestion.http import CallRateLimiter

        original = CallRateLimiter.wait

        def timed(limiter):
            t = time.perf_counter()
            try:
                return original(limiter)
            finally:
                self.seconds += time.perf_counter() - t

        CallRateLimiter.wait = timed


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--no-report", action="store_true", help="skip the PDF report stage")
    ap.add_argument("--only", default="", help="comma list: run only these stages (needs the earlier ones done)")
    ap.add_argument(
        "--scb-snapshot",
        type=Path,
        help="read SCB answers from this folder (<dir>/scb/<table>/) "
        "instead of ingestion/snapshots/ (generated national data)",
    )
    ap.add_argument(
        "--gate-may-fail",
        action="store_true",
        help="benchmarks of generated data: time the gate, record its failures, publish anyway",
    )
    ap.add_argument(
        "--kolada-snapshot",
        action="store_true",
        help="Kolada from the bundled (generated) values whatever FOU_SOURCE_MODE says: the national "
        "benchmark extracts SCB live from its stand-in and keeps the ÖJ values of the offline load",
    )
    return ap.parse_args()


class Stages:
    """The DAG's steps one after another, each timed with its peak memory (one JSON line each)."""

    def __init__(self, args: argparse.Namespace):
        from ingestion.settings import Settings, SourceMode

        self.args = args
        self.settings = Settings()
        snapshot = {"source_mode": SourceMode.snapshot}
        self.oj_settings = self.settings.model_copy(update=snapshot) if args.kolada_snapshot else self.settings
        self.only = set(filter(None, args.only.split(",")))
        self.landed: dict[str, list[str]] = {}
        self.timer, self.waits = LandTimer(), WaitTimer()
        self.timer.install()
        self.waits.install()

    def stage(self, name: str, fn):
        if self.only and name not in self.only:
            return None
        reset_peak()
        t = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - t
        print(json.dumps({"stage": name, "seconds": round(seconds, 3), "peak_mib": round(peak_mib(), 1)}), flush=True)
        return out

    def extract_and_land(self) -> None:
        """One call does both: the landing time is measured inside it and reported apart."""
        from ingestion import pipeline

        if self.only and not {"extract", "land"} & self.only:
            return
        reset_peak()
        t = time.perf_counter()
        self.landed["scb"] = pipeline.extract_population(self.settings)
        self.landed["oj"] = pipeline.extract_oj(self.oj_settings)
        total = time.perf_counter() - t
        peak = round(peak_mib(), 1)
        extract = {"stage": "extract", "seconds": round(total - self.timer.seconds, 3), "peak_mib": peak}
        print(json.dumps({**extract, "rate_limit_wait_s": round(self.waits.seconds, 3)}))
        note = "peak shared with extract (one call)"
        land = {"stage": "land", "seconds": round(self.timer.seconds, 3), "peak_mib": peak, "note": note}
        print(json.dumps(land), flush=True)

    def load(self) -> None:
        from ingestion import pipeline

        pipeline.load_population(self.settings, self.landed.get("scb") or pipeline.extract_population(self.settings))
        pipeline.load_records(self.settings)
        pipeline.load_oj(self.settings, self.landed.get("oj") or pipeline.extract_oj(self.oj_settings))

    def gate(self):
        from ingestion import pipeline

        try:
            return pipeline.quality_gate(self.settings)
        except Exception as exc:  # noqa: BLE001 - only with --gate-may-fail
            if not self.args.gate_may_fail:
                raise
            print(json.dumps({"gate_failed": str(exc).splitlines()[:4]}), flush=True)

    def publish(self):
        from ingestion import pipeline, warehouse

        if self.args.gate_may_fail:  # the DAG would stop at the gate; a copy is published for the query timings
            return warehouse.publish(self.settings)
        return pipeline.publish(self.settings)

    def run(self) -> None:
        from ingestion import pipeline

        self.extract_and_land()
        self.stage("load", self.load)
        self.stage("dbt_build", lambda: pipeline.dbt_build(self.settings))
        self.stage("quality_gate", self.gate)
        self.stage("publish", self.publish)
        if not self.args.no_report:
            self.stage("report", lambda: pipeline.build_report(self.settings))


def main() -> None:
    args = parse_args()
    os.environ["FOU_DATA_DIR"] = str(args.data_dir.resolve())
    os.environ.setdefault("FOU_SOURCE_MODE", "snapshot")
    if args.scb_snapshot:
        from ingestion.scb import extract as scb_extract

        scb_extract.SNAPSHOT_DIR = args.scb_snapshot
    Stages(args).run()


if __name__ == "__main__":
    main()
