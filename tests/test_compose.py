"""docker-compose.yml (no Docker engine here): parse it and check what it would start."""

import re
import subprocess
from pathlib import Path

import yaml

from ingestion.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
AIRFLOW = ["airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"]


def test_airflow_components_with_health_checks():
    commands = {name: SERVICES[name]["command"] for name in AIRFLOW}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
    }
    for name in AIRFLOW + ["postgres"]:
        assert SERVICES[name]["healthcheck"]["test"], name
    assert "/api/v2/version" in " ".join(SERVICES["airflow-apiserver"]["healthcheck"]["test"])
    assert "8974/health" in " ".join(SERVICES["airflow-scheduler"]["healthcheck"]["test"])
    for name in AIRFLOW:
        deps = SERVICES[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["airflow-init"]["condition"] == "service_completed_successfully"


def test_postgres_metadata_and_local_executor_by_default():
    env = SERVICES["airflow-scheduler"]["environment"]
    assert SERVICES["postgres"]["image"].startswith("postgres:")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW__CORE__EXECUTOR:-LocalExecutor}"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert SERVICES["airflow-init"]["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"


def test_volumes_hold_only_data_and_analysts_see_only_the_published_file():
    mounts = SERVICES["airflow-scheduler"]["volumes"]
    targets = {m.split(":")[1] for m in mounts}
    # only data: the code is installed in the image (issue 13 item 8)
    assert targets == {
        "/opt/fou/data",
        "/opt/fou/data/warehouse",
        "/opt/fou/data/inbox",
        "/opt/fou/data/reports",
        "/opt/fou/data/exports",
        "/opt/fou/data/data_docs",
        "/opt/airflow/logs",
    }
    assert {"fou-data", "published", "postgres-db-volume"} <= set(COMPOSE["volumes"])
    # staff and the chief get the deck and Data Docs on the host, next to ./inbox; analysts the exports
    assert {m.split(":")[0] for m in mounts} >= {
        "./inbox",
        "./outputs/reports",
        "./outputs/exports",
        "./outputs/data_docs",
    }
    analyst = SERVICES["analyst"]
    # the published file has a volume of its own; the work database (Settings.work_db, in
    # <data_dir>/work/) is not in it, so the analysts' container cannot even see it
    assert analyst["volumes"] == ["published:/opt/fou/data/warehouse:ro"]
    settings = Settings(data_dir=Path("/opt/fou/data"))
    assert settings.published_db.parent == Path("/opt/fou/data/warehouse")
    assert settings.work_db.parent != settings.published_db.parent
    # it builds the image itself, so `docker compose run --rm analyst` works before `up`
    assert analyst["build"] == "." and analyst["image"] == SERVICES["airflow-scheduler"]["image"]
    assert "depends_on" not in analyst


def test_no_secret_is_committed():
    text = (PROJECT_DIR / "docker-compose.yml").read_text(encoding="utf-8")
    for secret in (
        "POSTGRES_PASSWORD",
        "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__API_AUTH__JWT_SECRET",
        "AIRFLOW__API__SECRET_KEY",
    ):
        uses = re.findall(rf"\$\{{{secret}([^}}]*)\}}", text)
        assert uses and all(u.startswith(":?") for u in uses), secret  # required from .env, no default
    example = dict(
        line.split("=", 1)
        for line in (PROJECT_DIR / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert example["POSTGRES_PASSWORD"] == example["AIRFLOW__CORE__FERNET_KEY"] == ""
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_DIR, capture_output=True, text=True).stdout.split()
    assert ".env" not in tracked and ".env" in (PROJECT_DIR / ".gitignore").read_text().split()


def test_the_image_installs_the_project_non_editable():
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --no-cache-dir --no-deps /opt/fou" in dockerfile and " -e " not in dockerfile
    assert "ENV FOU_PROJECT_DIR=/opt/fou" in dockerfile
