"""What the benchmark sections share: the machine and its CPU probe, timed child processes
with their peak RSS, medians, scratch folders and the offline environment."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable
HERE = Path(__file__).resolve().parent
TARGETS = {
    "dag_s": 30.0,
    "overhead_ratio": 1.5,
    "national_dbt_s": 60.0,
    "national_dbt_mib": 2048.0,
    "incremental_ratio": 0.20,
}


def cpu_probe_s() -> float:
    """Seconds for 20 M additions in plain Python: this machine's speed varied by up to ~50 %
    between runs of the same code, so each result carries it, taken at start and end."""
    t = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return round(time.perf_counter() - t, 2)


def machine() -> dict:
    import psutil

    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_probe_s_at_start": cpu_probe_s(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def run_child(
    args: list[str], env: dict | None = None, log: Path | None = None, cwd: Path = PROJECT_DIR
) -> tuple[float, float, str, int]:
    """Run a child process; returns (wall s, the child's own peak RSS in MiB, stdout, exit code).
    os.wait4 gives the rusage of exactly this child (not the max over all children)."""
    t = time.perf_counter()
    err = open(log, "ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(args, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=err)
    out = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log:
        err.close()
    return time.perf_counter() - t, usage.ru_maxrss / 1024, out, proc.returncode


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def median(xs):
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 2) if xs else None


def p95(xs):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))], 2)


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def base_env(work: Path) -> dict:
    return {
        "FOU_SOURCE_MODE": "snapshot",
        "FOU_TASK_RETRIES": "0",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "FOU_REGION_CONFIG": str(PROJECT_DIR / "config" / "region.yml"),
        "FOU_FULL_BUILD": "",
    }
