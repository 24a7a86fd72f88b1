"""Production's metadata database for tests: a throw-away PostgreSQL cluster (Debian's binaries,
initdb/pg_ctl, a free 127.0.0.1 port, its socket in its own folder), and Airflow's own services
on it as the compose file runs them (api-server, scheduler with the LocalExecutor,
dag-processor), triggered and followed over the REST API like tests/support/standalone.py."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.standalone import PROJECT_DIR, Airflow, free_port, http, log_in_and_wait_for_the_dag

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def pg_bin() -> Path | None:
    return PG_BIN[-1].parent if PG_BIN else None


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as Debian's postgres user then."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yield the SQLAlchemy URL of a new, empty database `airflow` in a cluster of its own,
    stopped and deleted afterwards."""
    bindir = pg_bin()
    root = Path(tempfile.mkdtemp(prefix="fou-pg-"))  # not under pytest's 0700 tmp: postgres must enter it
    port = free_port()
    data, sock, log = root / "data", root / "sock", root / "postgres.log"
    sock.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for p in (root, sock):
            os.chown(p, user.pw_uid, user.pw_gid)
    try:
        subprocess.run(
            _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "airflow", "--auth=trust", "-E", "UTF8"]),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "airflow", "airflow"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg2://airflow@127.0.0.1:{port}/airflow"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
            )
        shutil.rmtree(root, ignore_errors=True)


def service_env(tmp: Path, data_dir: Path, sql_alchemy_conn: str, api_port: int, extra: dict) -> dict[str, str]:
    return {
        **os.environ,
        "AIRFLOW_HOME": str(tmp / "airflow"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sql_alchemy_conn,
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_DIR / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": "test-only-jwt-secret-of-this-throw-away-cluster",
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the runs we trigger
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "FOU_DATA_DIR": str(data_dir),
        "FOU_SOURCE_MODE": "snapshot",
        "FOU_TASK_RETRIES": "0",
        "PYTHONPATH": str(PROJECT_DIR),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        **extra,
    }


@contextmanager
def airflow_services(tmp: Path, data_dir: Path, sql_alchemy_conn: str, extra_env: dict | None = None):
    """`airflow db migrate`, then api-server, scheduler and dag-processor as separate processes
    (one process group: the first to exit ends the group, which wait_for notices)."""
    api_port = free_port()
    env = service_env(tmp, data_dir, sql_alchemy_conn, api_port, extra_env or {})
    airflow_bin = str(Path(sys.executable).parent / "airflow")
    log = tmp / "services.log"
    with log.open("w") as out:
        subprocess.run([airflow_bin, "db", "migrate"], env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
        script = (
            f"{airflow_bin} api-server & {airflow_bin} scheduler & {airflow_bin} dag-processor & "
            "wait -n; exit 1"  # one service gone: the harness sees the group's leader exit
        )
        proc = subprocess.Popen(
            ["bash", "-c", script], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{api_port}"
    airflow = Airflow(url, {}, proc, log)
    try:
        airflow.wait_for(lambda: http.get(f"{url}/api/v2/version", timeout=5).ok, 180, "the api-server")
        log_in_and_wait_for_the_dag(airflow, tmp / "airflow")
        yield airflow
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
