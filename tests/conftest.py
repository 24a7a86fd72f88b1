import pytest

from tests.support.fakeserver import FakeServer
from tests.support.helpers import make_settings


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


@pytest.fixture
def settings(tmp_path, monkeypatch):
    return make_settings(monkeypatch, tmp_path / "data")


@pytest.fixture
def inbox_settings(settings, tmp_path, monkeypatch):
    """Settings with an empty bundled-records folder: only the inbox is taken in."""
    (tmp_path / "bundled").mkdir()
    monkeypatch.setenv("FOU_RECORDS_DIR", str(tmp_path / "bundled"))
    s = type(settings)()
    s.inbox.mkdir(parents=True)
    return s


@pytest.fixture(scope="module")
def module_monkeypatch():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="session")
def bundled_warehouse(tmp_path_factory):
    """The bundled data through every step of the monthly load, published, once per test session.
    For tests that only read the marts: a test that changes data builds its own. Settings are
    passed, not set in the environment, so no other test sees this data dir."""
    from ingestion import pipeline
    from ingestion.settings import Settings
    from tests.support.helpers import run_loads

    s = Settings(
        data_dir=tmp_path_factory.mktemp("bundled") / "data",
        source_mode="snapshot",
        http_backoff_s=0.01,
        http_timeout_s=2,
    )
    run_loads(s)
    pipeline.dbt_build(s)
    pipeline.quality_gate(s)
    pipeline.publish(s)
    return s


@pytest.fixture(scope="session")
def bundled_report(bundled_warehouse, tmp_path_factory):
    """The steering-group report of the bundled warehouse (2025 with PDF, 2019), read back."""
    from tests.support.report_html import built_report

    report = built_report(bundled_warehouse, tmp_path_factory.mktemp("report"))
    yield report
    report["con"].close()
