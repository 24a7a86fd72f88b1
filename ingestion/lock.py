"""One load at a time per data dir: an exclusive flock on <data_dir>/.load.lock.

Two loads in one data dir race on Airflow's SQLite migration and on DuckDB's file lock and fail
with words nobody can act on. `fou run` holds this lock for the whole run (including
`airflow db migrate` of a new data dir), so the second run refuses at once in one line, or waits
a bounded time with `--wait`. The lock file holds the holder's pid and start time so the refusal
can say who holds it. The kernel drops an flock when its process dies, so a crashed run never
leaves a stale lock behind. Under a real scheduler the DAG's max_active_runs=1 serialises runs;
this lock is for local and manual runs (docs/operations.md)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ingestion.errors import LoadRunning


def _holder(path: Path) -> str:
    try:
        pid, _, since = path.read_text(encoding="utf-8").strip().partition(" ")
    except OSError:
        return "since an unknown time (pid unknown)"
    return f"since {since or 'an unknown time'} (pid {pid or 'unknown'})"


@contextmanager
def load_lock(data_dir: Path, wait: float = 0, poll: float = 0.5) -> Iterator[Path]:
    """Hold the data dir's load lock; raise LoadRunning if another process holds it for longer
    than `wait` seconds."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ".load.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LoadRunning(f"a load is already running in {data_dir} {_holder(path)}") from None
                time.sleep(poll)
        since = datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {since}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
