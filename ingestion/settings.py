"""Settings: every FOU_ environment variable, and the region and KPI configuration read into
typed models once and validated at start (a wrong file fails in a second, not inside a task)."""

from __future__ import annotations

import os
import re
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingestion.errors import ConfigError

# the checkout; an image with the project installed non-editable sets FOU_PROJECT_DIR to where
# it copied dbt_project/, config/, records/ and dags/ (the package itself is in site-packages)
PROJECT_DIR = Path(os.environ.get("FOU_PROJECT_DIR") or Path(__file__).resolve().parent.parent)
SNAPSHOT_DIR = PROJECT_DIR / "ingestion" / "snapshots"
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
CONFIG_DIR = PROJECT_DIR / "config"


class SourceMode(str, Enum):
    live = "live"  # call the API; fail if it cannot be reached
    snapshot = "snapshot"  # read the bundled real responses, never touch the network
    auto = "auto"  # live, falling back to the snapshot (loudly) when unreachable


# ---------------------------------------------------------------- the configuration files


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PopulationTable(_Strict):
    table: str
    contents: str
    first_year: int
    last_year: int | None = None


class Population(_Strict):
    first_year: int
    tables: list[PopulationTable]


class Region(_Strict):
    name: str
    county_code: str
    members: dict[str, str]
    # the region's own record files (fee parameters, requests, …), relative to the config file;
    # None = a region without bundled records: its marts of records are empty, never another's
    records_dir: Path | None = None
    # Kolada's group of the region's own municipalities (its values are Kolada's unweighted
    # mean), e.g. G196055 "Nordvästkommunerna i Stockholms län (ovägt medel)"; None = none
    kolada_group_id: str | None = None

    @field_validator("county_code", mode="before")
    @classmethod
    def _county(cls, v):
        return _code(v, 2, "the code", "01")

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, v):
        if not isinstance(v, dict) or not v:
            raise ValueError("region.members: list the member municipalities as code: name")
        return {_code(k, 4, f"key {_shown(k)}", "0114"): name for k, name in v.items()}


class RegionConfig(_Strict):
    region: Region
    population: Population


class Kpi(_Strict):
    id: str
    area: str
    direction: Literal["higher", "lower", "none"]


class KpiCatalogue(_Strict):
    first_year: int
    generated_last_year: int
    nation_id: str
    kpis: list[Kpi]

    @model_validator(mode="after")
    def _unique(self):
        ids = [k.id for k in self.kpis]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"kpis: {', '.join(twice)} listed twice (list each KPI once)")
        return self

    @property
    def ids(self) -> list[str]:
        return [k.id for k in self.kpis]


class _Number(int):
    """An unquoted YAML number that remembers how it was written (0114 is octal 76 to YAML)."""

    text: str


class _Loader(yaml.SafeLoader):
    def construct_yaml_int(self, node):
        number = _Number(super().construct_yaml_int(node))
        number.text = node.value
        return number

    def construct_mapping(self, node, deep=False):
        keys = [k.value for k, _ in node.value]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:  # YAML itself would keep the last silently
            line = node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"{', '.join(twice)} listed twice (mapping at line {line})"
            )
        return super().construct_mapping(node, deep)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _shown(value) -> str:
    return getattr(value, "text", str(value))


def _code(value, digits: int, key: str, example: str) -> str:
    """Codes are text with their leading zero; an unquoted one is refused with the fix."""
    if isinstance(value, int):
        raise ValueError(
            f"{key} is read by YAML as the number {int(value)}: write the code in quotes: "
            f'"{_shown(value).zfill(digits)}"'
        )
    if not isinstance(value, str) or not re.fullmatch(rf"\d{{{digits}}}", value):
        raise ValueError(f'{key}: {value!r} is not a {digits}-digit code as text (e.g. "{example}")')
    return value


def read_config(path: Path, model: type[BaseModel]):
    """Read a YAML file into its model; any problem is one line naming the file, key and fix."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (SafeLoader subclass)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot be read as YAML: {' '.join(str(exc).split())}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{path}: {where + ': ' if where else ''}{message}") from None


# ---------------------------------------------------------------- environment


class Settings(BaseSettings):
    """Every FOU_ variable. Paths default to this checkout's folders."""

    model_config = SettingsConfigDict(env_prefix="FOU_")

    data_dir: Path = PROJECT_DIR / "data"
    source_mode: SourceMode = SourceMode.auto
    region_config: Path = CONFIG_DIR / "region.yml"
    kpi_config: Path = CONFIG_DIR / "oj_kpis.yml"
    records_dir: Path | None = None  # overrides region.records_dir of the region config
    inbox_dir: Path | None = None  # default <data_dir>/inbox (see docs/records.md)
    scb_base_url: str = "https://statistikdatabasen.scb.se/api/v2"
    kolada_base_url: str = "https://api.kolada.se/v3"
    http_timeout_s: float = 30.0
    http_retries: int = 5
    http_backoff_s: float = 1.0
    full_build: bool = False  # rebuild every dbt model and rerun every step, whatever changed
    # Kolada: fetch every value again instead of only those changed since the last load
    # (from_date); FOU_FULL_BUILD=1 implies it
    kolada_full_reload: bool = False
    allow_shrink: bool = False  # publish even if the new load lost slices (see coverage.py)
    keep_publications: int = 24  # kept versions of the published file (warehouse/versions/)
    # notifications (ingestion/notify.py, docs/operations.md): off while no recipient is set.
    # E-mail: addresses separated by commas; the server and its credentials are the Airflow
    # connection FOU_SMTP_CONN_ID (never here). Apprise (Teams, Slack, …): an Airflow connection id.
    notify_failure_to: str = ""  # who is told that a run failed
    notify_success_to: str = ""  # the chief: the summary of a successful run and the deck
    notify_from: str | None = None  # sender; default the connection's from_email
    smtp_conn_id: str = "smtp_default"
    apprise_conn_id: str | None = None  # failures and successes also to this Apprise connection
    task_retries: int = 2  # Airflow retries per task; tests and one-off local runs set 0
    report_screenshot: Path | None = None  # tests: where to save a PNG of the report's first page

    @field_validator("full_build", "kolada_full_reload", mode="before")
    @classmethod
    def _empty_is_false(cls, v):
        return v or False  # FOU_FULL_BUILD= (set but empty) means not forced

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def records(self) -> Path | None:
        """The region's bundled record files: FOU_RECORDS_DIR, else region.records_dir resolved
        against the config file's folder (so a copied config brings its own records)."""
        if self.records_dir is not None:
            return self.records_dir
        own = self.region.region.records_dir
        return None if own is None else (self.region_config.parent / own).resolve()

    @property
    def inbox(self) -> Path:
        """Where staff drop record files; taken in after the bundled records/ files."""
        return self.inbox_dir or self.data_dir / "inbox"

    @property
    def reports_dir(self) -> Path:
        """Readable intake reports (intake_<date>.txt) and the steering-group report."""
        return self.data_dir / "reports"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's target folder of this data dir: manifest (read by publish), run_results (the console)."""
        return (self.data_dir / "dbt_target").resolve()

    @property
    def work_db(self) -> Path:
        """The database every load writes to; analysts never open it. A folder of its own, apart from
        warehouse/, so the analysts' container can mount warehouse/ without seeing this file."""
        return self.data_dir / "work" / "work.duckdb"

    @property
    def published_db(self) -> Path:
        """The database analysts and reports read, replaced atomically after a good load."""
        return self.data_dir / "warehouse" / "fou_nordvast.duckdb"

    @cached_property
    def region(self) -> RegionConfig:
        return read_config(self.region_config, RegionConfig)

    @cached_property
    def kpis(self) -> KpiCatalogue:
        return read_config(self.kpi_config, KpiCatalogue)

    def validate_config(self) -> None:
        """Read both configuration files now, so that a mistake stops the run before any task."""
        _ = self.region, self.kpis

    @property
    def members(self) -> dict[str, str]:
        """The region's member municipalities, code → name."""
        return self.region.region.members
