"""Runtime settings: paths and source mode, from environment variables (prefix FOU_)."""
from __future__ import annotations

from enum import Enum
from functools import cached_property
from pathlib import Path

import yaml
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


class SourceMode(str, Enum):
    live = "live"          # call the API; fail if it cannot be reached
    snapshot = "snapshot"  # read the bundled real responses, never touch the network
    auto = "auto"          # live, falling back to the snapshot (loudly) when unreachable


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FOU_")

    data_dir: Path = PROJECT_DIR / "data"
    source_mode: SourceMode = SourceMode.auto
    region_config: Path = PROJECT_DIR / "config" / "region.yml"
    records_dir: Path = PROJECT_DIR / "records"
    inbox_dir: Path | None = None  # FOU_INBOX_DIR; default <data_dir>/inbox (see docs/records.md)
    scb_base_url: str = "https://statistikdatabasen.scb.se/api/v2"
    kolada_base_url: str = "https://api.kolada.se/v3"
    http_timeout_s: float = 30.0
    http_retries: int = 5
    http_backoff_s: float = 1.0

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def inbox(self) -> Path:
        """Where staff drop record files; taken in after the bundled records/ files."""
        return self.inbox_dir or self.data_dir / "inbox"

    @property
    def reports_dir(self) -> Path:
        """Readable intake reports (intake_<date>.txt) for the staff who send files."""
        return self.data_dir / "reports"

    @property
    def work_db(self) -> Path:
        """The database every load writes to; analysts never open it."""
        return self.data_dir / "warehouse" / "work.duckdb"

    @property
    def published_db(self) -> Path:
        """The database analysts and reports read, replaced atomically after a good load."""
        return self.data_dir / "warehouse" / "fou_nordvast.duckdb"

    @cached_property
    def region(self) -> dict:
        return yaml.safe_load(self.region_config.read_text(encoding="utf-8"))


SNAPSHOT_DIR = PROJECT_DIR / "ingestion" / "snapshots"
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
