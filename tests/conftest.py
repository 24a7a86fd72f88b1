import os
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakeserver import FakeServer  # noqa: E402


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def make_settings(monkeypatch, data_dir, **env):
    """Settings pointing every path into `data_dir`, fast retries, snapshot mode unless told."""
    from ingestion.settings import Settings

    monkeypatch.setenv("FOU_DATA_DIR", str(data_dir))
    monkeypatch.setenv("FOU_SOURCE_MODE", "snapshot")
    monkeypatch.setenv("FOU_HTTP_BACKOFF_S", "0.01")
    monkeypatch.setenv("FOU_HTTP_TIMEOUT_S", "2")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings()


@pytest.fixture
def settings(tmp_path, monkeypatch):
    return make_settings(monkeypatch, tmp_path / "data")


@pytest.fixture(scope="module")
def module_monkeypatch():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def run_loads(settings, population: bool = True) -> None:
    """Every load of the monthly DAG, in its order, without Airflow (dbt needs all raw tables)."""
    from ingestion import pipeline

    if population:
        pipeline.load_population(settings, pipeline.extract_population(settings))
    pipeline.load_records(settings)
    if hasattr(pipeline, "extract_oj"):  # ÖJ lands in a parallel branch of work
        pipeline.load_oj(settings, pipeline.extract_oj(settings))
