"""dbt in this process (no second interpreter start) against the work database, with one parse
cache shared by every data dir of this checkout; and dbt docs of the published database."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ingestion.errors import DbtFailed
from ingestion.settings import DBT_PROJECT_DIR, Settings

log = logging.getLogger(__name__)

# dbt's parse cache, shared by every data dir of this checkout: a new data dir (the first load,
# every test) then parses only what changed instead of the whole project (~6 s).
PARSE_CACHE = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
DOCS_PORT = 8081  # `fou docs --serve`; Airflow's UI has 8080


def run(settings: Settings, *args: str) -> None:
    """`dbt <args>` on the work database; raises DbtFailed naming the command.

    dbt re-parses the whole project when the profile changes, and the database path is part of
    the profile: so dbt runs in the database's folder with the same relative path every time."""
    target = settings.dbt_target_dir
    own_cache = target / PARSE_CACHE.name
    cache = next((c for c in (own_cache, PARSE_CACHE) if c.exists()), None)
    os.environ["FOU_WORK_DB"] = settings.work_db.name  # read by dbt_project/profiles.yml
    _invoke(settings, args, target, cache)
    _share_parse_cache(own_cache)


def docs(settings: Settings) -> Path:
    """dbt docs of the *published* database (profile target `published`, opened read-only), so
    relations read fou_nordvast.marts.…, as analysts query them. Own target folder and parse
    cache: the build's (dbt_target, its manifest read by publish) stay as the build left them."""
    from ingestion.warehouse import published

    published_db = published(settings)
    target = (settings.data_dir / "dbt_docs").resolve()
    own_cache = target / PARSE_CACHE.name
    # read by dbt_project/profiles.yml; dbt runs in the work database's folder (see run)
    os.environ["FOU_PUBLISHED_DB"] = os.path.relpath(published_db, settings.work_db.parent)
    _invoke(settings, ("docs", "generate", "--target", "published"), target, own_cache if own_cache.exists() else None)
    return target


def serve_docs(target: Path, host: str = "127.0.0.1", port: int = DOCS_PORT) -> ThreadingHTTPServer:
    """An HTTP server for the dbt docs in `target` (their page fetches manifest.json and
    catalog.json, which browsers refuse from file://); the caller runs serve_forever()."""
    handler = partial(_QuietHandler, directory=str(target))
    return ThreadingHTTPServer((host, port), handler)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        log.debug("docs: " + format, *args)


def _invoke(settings: Settings, args, target: Path, cache: Path | None) -> None:
    from dbt.cli.main import dbtRunner

    # dbt's debug log file costs ~0.7 s per build (protobuf per event); DBT_LOG_LEVEL_FILE=debug
    # brings it back when a model needs investigating
    os.environ.setdefault("DBT_LOG_LEVEL_FILE", "info")
    settings.work_db.parent.mkdir(parents=True, exist_ok=True)
    try:
        with contextlib.chdir(settings.work_db.parent.resolve()):
            result = dbtRunner().invoke(
                [
                    *args,
                    *("--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)),
                    *("--target-path", str(target), "--log-path", str((settings.data_dir / "logs").resolve())),
                    *(["--partial-parse-file-path", str(cache)] if cache else []),
                ]
            )
    finally:
        _close_dbt_duckdb()
    if not result.success:
        options = f" ({' '.join(args[1:])})" if len(args) > 1 else ""
        raise DbtFailed(f"dbt {args[0]} failed{options}: {result.exception or 'see the test and model errors above'}")


def _share_parse_cache(parsed) -> None:
    """Offer this run's parse to later new data dirs; a read-only checkout just goes without."""
    try:
        PARSE_CACHE.parent.mkdir(parents=True, exist_ok=True)
        tmp = PARSE_CACHE.with_name(f"{PARSE_CACHE.name}.{os.getpid()}.tmp")
        shutil.copyfile(parsed, tmp)
        os.replace(tmp, PARSE_CACHE)  # atomic: a concurrent reader sees the old or the new file
    except OSError as exc:
        log.info("dbt parse cache not shared (%s)", exc)


def _close_dbt_duckdb() -> None:
    """dbt-duckdb keeps its database open in the process after a run; while it does, no other
    connection in this process (loads, the quality gate, publishing) can open the file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

    with manager._LOCK:
        if manager._ENV is not None:
            manager._ENV.close()
            manager._ENV = None
