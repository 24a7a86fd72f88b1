"""Publish never loses a slice silently, and the published file is read-only on disk.

Each test copies the session's bundled data dir (never changing the fixture's files), changes
the copy's work database behind dbt's back, and publishes it."""

import hashlib
import json
import shutil
import stat

import duckdb
import pytest

from ingestion import pipeline
from ingestion.errors import PublishRefused
from ingestion.settings import Settings


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def copy(bundled_warehouse, tmp_path):
    """Settings for a private copy of the bundled, published data dir."""
    data = tmp_path / "data"
    shutil.copytree(bundled_warehouse.data_dir, data)
    return Settings(data_dir=data, source_mode="snapshot", full_build=True)


def change_work(settings, sql: str) -> int:
    with duckdb.connect(str(settings.work_db)) as con:
        return con.execute(sql).fetchone()[0]


def published_count(settings, sql: str) -> int:
    with duckdb.connect(str(settings.published_db), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def test_lost_population_year_refuses_the_publish(copy):
    """The bundled population has sex=total, age_band=total only, so the lost slice is a year."""
    before = sha256(copy.published_db)
    n = published_count(copy, "select count(*) from marts.fct_population where year = 2024")
    assert n > 0
    change_work(copy, "delete from marts.fct_population where year = 2024 returning 1")
    with pytest.raises(PublishRefused) as err:
        pipeline.publish(copy)
    msg = str(err.value)
    line = f"  marts.fct_population year=2024, sex=total, age_band=total: published {n} rows, new 0"
    assert line in msg.splitlines()
    assert "year=2023" not in msg and "FOU_ALLOW_SHRINK=1" in msg
    assert sha256(copy.published_db) == before


def test_lost_oj_kpi_refuses_the_publish(copy):
    before = sha256(copy.published_db)
    kpi = published_count(copy, "select min(kpi_id) from marts.fct_oj_results")
    change_work(copy, f"delete from marts.fct_oj_results where kpi_id = '{kpi}' returning 1")
    with pytest.raises(PublishRefused) as err:
        pipeline.publish(copy)
    lost = err.value.lost
    assert lost and all(x["mart"] == "fct_oj_results" and x["slice"].startswith(f"kpi_id={kpi}, year=") for x in lost)
    assert f"marts.fct_oj_results kpi_id={kpi}, year=" in str(err.value)
    assert sha256(copy.published_db) == before


def test_allow_shrink_publishes_and_records_the_lost_slices(copy):
    kpi = published_count(copy, "select min(kpi_id) from marts.fct_oj_results")
    change_work(copy, f"delete from marts.fct_oj_results where kpi_id = '{kpi}' returning 1")
    pipeline.publish(copy.model_copy(update={"allow_shrink": True}))
    assert published_count(copy, f"select count(*) from marts.fct_oj_results where kpi_id = '{kpi}'") == 0
    with duckdb.connect(str(copy.published_db), read_only=True) as con:
        allowed, lost = con.execute("select allowed_shrink, lost_slices from main.publication").fetchone()
    assert allowed is True
    lost = json.loads(lost)
    assert lost and {x["mart"] for x in lost} == {"fct_oj_results"}
    assert all(x["slice"].startswith(f"kpi_id={kpi}, ") and x["published"] > 0 for x in lost)


def test_unchanged_work_db_publishes_normally(copy):
    before = sha256(copy.published_db)
    pipeline.publish(copy)
    assert sha256(copy.published_db) != before  # a new stamp: it was published again
    with duckdb.connect(str(copy.published_db), read_only=True) as con:
        assert con.execute("select allowed_shrink, lost_slices from main.publication").fetchone() == (False, None)


def test_published_file_is_read_only(copy):
    pipeline.publish(copy)
    # that a plain duckdb.connect cannot change it, tried as an ordinary user (root ignores file
    # modes): tests/test_published_file.py
    assert stat.S_IMODE(copy.published_db.stat().st_mode) == 0o444
