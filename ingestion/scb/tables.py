"""What SCB's /tables/{id} says about a table, kept per table: the `updated` under which its
data was last loaded (so an unchanged table is not downloaded again next month) and whether SCB
has discontinued it (a successor table is then needed, or already configured)."""

from __future__ import annotations

import hashlib
import json

import duckdb

from ingestion.settings import PopulationTable, Settings

STATE = "raw.scb_table_state"


def signature(table: PopulationTable, regions: list[str]) -> str:
    """What a table's download depends on besides SCB's `updated`: the regions and the years."""
    asked = {"table": table.model_dump(), "regions": sorted(regions)}
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()[:16]


def last_loaded(settings: Settings, table: str) -> tuple[str | None, str] | None:
    """(updated, signature) of the table's last loaded download, from the work database (the
    state goes with the data: a new work database downloads everything)."""
    if not settings.work_db.exists():
        return None
    try:
        with duckdb.connect(str(settings.work_db), read_only=True) as con:
            row = con.execute(f"select updated, signature from {STATE} where table_id = ?", [table]).fetchone()
    except duckdb.CatalogException:
        return None
    return (row[0], row[1]) if row else None


def successor_note(settings: Settings, table: PopulationTable) -> str:
    """Whether the configuration already continues the series after this table."""
    later = [t.table for t in settings.region.population.tables if t.first_year > (table.last_year or 9999)]
    if later:
        return f"the configuration continues with {', '.join(later)} after {table.last_year}"
    return "NO SUCCESSOR TABLE IS CONFIGURED: find SCB's successor table and add it to config/region.yml"
