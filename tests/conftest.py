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


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings pointing every path into a temporary directory, fast retries, snapshot mode."""
    from ingestion.settings import Settings

    monkeypatch.setenv("FOU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FOU_SOURCE_MODE", "snapshot")
    monkeypatch.setenv("FOU_HTTP_BACKOFF_S", "0.01")
    monkeypatch.setenv("FOU_HTTP_TIMEOUT_S", "2")
    return Settings()
