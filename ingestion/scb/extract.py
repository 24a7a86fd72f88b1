"""SCB population: which cells a table is asked for, live or from the bundled snapshot, landed raw."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from ingestion.errors import SourceError, SourceUnreachable
from ingestion.http import Response, land
from ingestion.scb import jsonstat, monthly, tables
from ingestion.scb.client import SOURCE, ScbClient
from ingestion.scb.verify import AnswerContradicts, check_answer
from ingestion.settings import SNAPSHOT_DIR, PopulationTable, Settings, SourceMode

log = logging.getLogger(__name__)
# Dimensions TAB638 and TAB5557 share. Civilstand is always selected (TAB638 has no total for it).
REQUIRED_DIMS = {"Region", "Civilstand", "Alder", "Kon", "ContentsCode", "Tid"}


def population_selection(metadata: dict, table: PopulationTable, regions: list[str]) -> dict[str, list[str]]:
    """What we ask for: every region × sex × single age (and the published all-ages total)
    × year of the table's range. On TAB5557 also the published sex total, and only the
    civil-status total: with Cell Key Method noise, totals must be fetched, not summed."""
    missing = REQUIRED_DIMS - set(metadata["id"])
    if missing:
        raise SourceError(f"scb: {table.table} metadata lacks dimensions {sorted(missing)} (schema changed?)")
    codes = {d: jsonstat.dimension_codes(metadata, d) for d in metadata["id"]}
    if table.contents not in codes["ContentsCode"]:
        raise SourceError(f"scb: {table.table} has no contents code {table.contents} (has {codes['ContentsCode']})")
    unknown = [r for r in regions if r not in codes["Region"]]
    if unknown:
        raise SourceError(f"scb: {table.table} does not know regions {unknown}")
    last = table.last_year or 9999
    years = [t for t in codes["Tid"] if table.first_year <= int(t) <= last]
    ckm = "SC" in codes["Civilstand"]
    ages = [a for a in codes["Alder"] if a.isdigit() or a in ("100+", "100+1")]
    ages += ["TotSA"] if ckm else ["tot"]
    return {
        "Region": regions,
        "Civilstand": ["SC"] if ckm else codes["Civilstand"],
        "Alder": ages,
        "Kon": ["1", "2", "TotSa"] if ckm else ["1", "2"],
        "ContentsCode": [table.contents],
        "Tid": years,
    }


def snapshot_responses(table: str, kind: str) -> list[Response]:
    """The bundled real answers, in the record format they were saved in
    ({kind, table, url, selection, fetchedAt, response}), offered as if just fetched."""
    out = []
    for path in sorted((SNAPSHOT_DIR / SOURCE / table).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("kind") != kind:
            continue
        body = json.dumps(record["response"], ensure_ascii=False).encode("utf-8")
        out.append(
            Response(
                SOURCE,
                "SNAPSHOT",
                record["url"],
                {"selection": record.get("selection"), "file": path.name},
                200,
                body,
                record["fetchedAt"],
                source_mode=record.get("provenance", "snapshot"),
                kind=kind,
                parsed=record["response"],
            )
        )
    if not out:
        raise SourceError(f"scb: no bundled {kind} snapshot for {table} in {SNAPSHOT_DIR / SOURCE / table}")
    return out


def extract_population(settings: Settings) -> list[Path]:
    """Fetch (or read from the snapshot) every table of the stitched series and the monthly
    table, and land them. Returns the landed files."""
    regions = sorted(settings.members) + [settings.region.region.county_code, "00"]
    mode = settings.source_mode
    landed: list[Path] = []
    client = ScbClient(settings)
    for table in [*settings.region.population.tables, monthly.SPEC]:
        name = table.table
        table_landed: list[Path] | None = None
        if mode in (SourceMode.live, SourceMode.auto):
            try:
                table_landed = check_and_land(fetch_live(client, settings, table, regions), settings, name)
            except SourceUnreachable as exc:
                if mode is SourceMode.live:
                    raise
                log.warning("!" * 72)
                log.warning("SCB IS UNREACHABLE, USING THE BUNDLED SNAPSHOT FOR %s: %s", name, exc)
                log.warning("!" * 72)
        if table_landed is None:
            snapshot = snapshot_responses(name, "metadata") + snapshot_responses(name, "data")
            table_landed = check_and_land(snapshot, settings, name)
        landed += table_landed
    return landed


def check_and_land(responses: Iterable[Response], settings: Settings, name: str) -> list[Path]:
    """Each answer as it comes (live: while the rate limiter waits for the next call), the
    metadata before the data: read, checked against the metadata and the selection, landed."""
    meta_body, landed = None, []
    for r in responses:
        body = r.json()  # refuse to land an answer we cannot read
        if r.kind == "metadata":
            meta_body = body
        elif r.kind == "data":
            refuse_contradicting(r, body, meta_body, settings, name)
        landed.append(land(r, settings.landing_dir, name))
    return landed


def fetch_live(client: ScbClient, settings: Settings, table: PopulationTable, regions: list[str]) -> Iterable[Response]:
    """/tables/{id} first: a table whose `updated` and selection are those of the last load is
    not downloaded again (only that answer is landed); a discontinued one is said out loud."""
    name = table.table
    info = client.table(name)
    about = info.json()
    info.query = {**(info.query or {}), "signature": tables.signature(table, regions)}
    if about.get("discontinued"):
        log.warning(
            "SCB %s is DISCONTINUED (last period %s): %s",
            name,
            about.get("lastPeriod"),
            tables.successor_note(settings, table),
        )
    if tables.last_loaded(settings, name) == (about.get("updated"), info.query["signature"]):
        log.info("SCB %s unchanged since the last load (updated %s): not downloaded", name, about.get("updated"))
        return [info]
    meta = client.metadata(name)
    if name == monthly.TABLE:
        selection = monthly.monthly_selection(meta.json(), regions)
    else:
        selection = population_selection(meta.json(), table, regions)
    return itertools.chain([info, meta], client.data(name, selection))


def asked_selection(r: Response) -> dict[str, list[str]] | None:
    """The selection an answer was asked for: the POST body live, the record's `selection` offline."""
    query = r.query or {}
    if query.get("body"):
        return {s["variableCode"]: s["valueCodes"] for s in query["body"]["selection"]}
    return query.get("selection")


def refuse_contradicting(r: Response, body: dict, meta_body: dict, settings: Settings, name: str) -> None:
    """Keep a contradicting answer under refused/ (never loaded: it is not returned), then fail."""
    selection = asked_selection(r)
    if selection is None:
        return
    try:
        check_answer(body, meta_body, selection, r.url, cells=r.method != "SNAPSHOT")
    except AnswerContradicts as exc:
        kept = land(r, settings.landing_dir, f"refused/{name}")
        raise AnswerContradicts(f"{exc} (raw answer kept in {kept})") from None
