"""Typed configuration: a wrong config/*.yml fails at start, in one line naming file, key and fix."""

import subprocess
import sys
import time

import pytest

from ingestion.errors import ConfigError
from ingestion.settings import CONFIG_DIR, Settings

REGION = (CONFIG_DIR / "region.yml").read_text(encoding="utf-8")
KPIS = (CONFIG_DIR / "oj_kpis.yml").read_text(encoding="utf-8")


def region_error(tmp_path, text: str) -> str:
    path = tmp_path / "region.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        _ = Settings(region_config=path).region
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)
    return str(exc.value)


def test_the_bundled_configuration_reads_into_typed_models():
    s = Settings()
    assert s.members["0114"] == "Upplands Väsby" and len(s.members) == 8
    assert s.region.region.county_code == "01"
    assert [t.table for t in s.region.population.tables] == ["TAB638", "TAB5557"]
    assert s.kpis.nation_id == "0000" and len(s.kpis.ids) == len(set(s.kpis.ids)) > 25


def test_an_unquoted_code_is_refused_with_the_fix(tmp_path):
    message = region_error(tmp_path, REGION.replace('"0114": Upplands Väsby', "0114: Upplands Väsby"))
    assert 'region.members: key 0114 is read by YAML as the number 76: write the code in quotes: "0114"' in message


def test_a_county_that_is_not_two_digits_and_a_duplicate_member_are_refused(tmp_path):
    assert "region.county_code" in region_error(tmp_path, REGION.replace('county_code: "01"', 'county_code: "1"'))
    twice = REGION.replace('"0123": Järfälla', '"0123": Järfälla\n    "0123": Järfälla igen')
    assert "0123 listed twice" in region_error(tmp_path, twice)


def test_an_unknown_kpi_direction_and_a_kpi_listed_twice_are_refused(tmp_path):
    path = tmp_path / "oj_kpis.yml"
    path.write_text(KPIS.replace("direction: lower}", "direction: down}", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kpis\.0\.direction: Input should be 'higher', 'lower' or 'none'"):
        _ = Settings(kpi_config=path).kpis
    first = KPIS.split("\n  - ")[1]
    path.write_text(KPIS + f"  - {first}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="N31816 listed twice"):
        _ = Settings(kpi_config=path).kpis


def test_fou_run_with_an_unquoted_code_fails_in_seconds_with_one_line(tmp_path):
    path = tmp_path / "region.yml"
    path.write_text(REGION.replace('"0191": Sigtuna', "0191: Sigtuna").replace('"0114"', "0114"), encoding="utf-8")
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", "--data-dir", str(tmp_path / "data"), "run"],
        env={"FOU_REGION_CONFIG": str(path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.strip().count("\n") == 0, run.stderr
    assert 'write the code in quotes: "0114"' in run.stderr
    assert time.perf_counter() - started < 5
    assert not (tmp_path / "data" / "airflow").exists()  # stopped before Airflow started
