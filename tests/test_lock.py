"""One load at a time per data dir: the second `fou run` refuses in one line, or waits."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingestion.lock import LoadRunning, load_lock

PROJECT_DIR = Path(__file__).resolve().parent.parent
FOU = str(Path(sys.executable).with_name("fou"))

HOLD = """
import sys, time
from pathlib import Path
from ingestion.lock import load_lock
with load_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold(data_dir: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_dir), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_holder_is_refused_with_pid_and_time(tmp_path):
    proc = hold(tmp_path, 30)
    try:
        with pytest.raises(LoadRunning) as err, load_lock(tmp_path):
            pass
        msg = str(err.value)
        assert msg.startswith(f"a load is already running in {tmp_path} since 20")
        assert msg.endswith(f"(pid {proc.pid})")
    finally:
        proc.kill()
        proc.wait()
    with load_lock(tmp_path):  # the kernel dropped the dead holder's lock
        assert (tmp_path / ".load.lock").read_text().split()[0] == str(os.getpid())


def test_wait_takes_the_lock_once_it_is_free(tmp_path):
    proc = hold(tmp_path, 1.5)
    started = time.monotonic()
    with load_lock(tmp_path, wait=30, poll=0.1):
        assert time.monotonic() - started > 0.5
    proc.wait()


def test_fou_run_refuses_in_one_line_while_a_load_runs(tmp_path):
    """`fou run` takes the lock before Airflow starts (even before `airflow db migrate`)."""
    proc = hold(tmp_path, 60)
    try:
        res = subprocess.run([FOU, "--data-dir", str(tmp_path), "run"], capture_output=True, text=True, timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [
        f"fou: a load is already running in {tmp_path} {_holder_words(res.stderr)}"
    ]
    assert f"(pid {proc.pid})" in res.stderr
    assert not (tmp_path / "airflow").exists()  # Airflow's metadata was not touched


def _holder_words(stderr: str) -> str:
    return stderr.strip().split(" running in ", 1)[1].split(" ", 1)[1]


@pytest.mark.slow
def test_two_real_loads_in_one_data_dir_give_one_load(tmp_path):
    """Two `fou run` started together in a new data dir: one loads, one refuses at once."""
    env = {**os.environ, "FOU_TASK_RETRIES": "0"}
    cmd = [FOU, "--data-dir", str(tmp_path / "data"), "run"]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [(p.wait(timeout=900), *p.communicate()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 1], results
    refused = next(r for r in results if r[0] == 1)
    assert "a load is already running in" in refused[2] and len(refused[2].strip().splitlines()) == 1
    loaded = next(r for r in results if r[0] == 0)
    assert "monthly_load succeeded" in loaded[1]
    import duckdb

    db = tmp_path / "data" / "warehouse" / "fou_nordvast.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from main.publication").fetchone()[0] == 1
        assert (
            con.execute("select fee_total_kr from marts.fct_fee_totals where fee_year = 2019").fetchone()[0] == 3854914
        )
