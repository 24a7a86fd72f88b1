"""A live Kolada run: only the metadata needed, the ÖJ values (in full or changed since the last
load), and Kolada's own group values for the similar-municipality comparison.

Metadata asked: the catalogue's KPIs by id (/v3/kpi/{ids}), every municipality (for the
quartiles among all 290), the "Liknande kommuner IFO" groups (title filter) and the region's
own group by id (config/region.yml kolada_group_id). Of the groups, each member's newest
"Liknande kommuner IFO, <kommun>, <år>" group and the region's group are asked for values:
their G ids go into the municipality segment beside the municipalities.

A batch of 25 KPIs that answers 404, or answers no value at all in a full fetch, may be
about one KPI (an id Kolada no longer has): it is asked again one KPI at a time, and only
the KPIs that still fail, or still have no value, are recorded as failed with the reason,
so the run's report names exactly what was missing. Other errors (5xx after retries, 400)
fail the batch's KPIs at once."""

from __future__ import annotations

import logging
import re

from ingestion.errors import SourceError
from ingestion.http import Response, land
from ingestion.kolada import state
from ingestion.kolada.client import KoladaClient, chunks
from ingestion.settings import Settings

log = logging.getLogger(__name__)
SIMILAR_TITLE = "Liknande kommuner IFO"
SIMILAR = re.compile(r"^Liknande kommuner IFO, (.+), (\d{4})$")
PER_KPI_RETRY = re.compile(r"answered HTTP 404|invalid JSON|without a values list|empty body")


def similar_groups(groups: list[Response], municipalities: list[Response], members: list[str]) -> dict[str, str]:
    """{member id: G id of its newest "Liknande kommuner IFO, <kommun>, <år>" group}."""
    names = {m["id"]: m["title"] for r in municipalities for m in r.json()["values"]}
    newest: dict[str, tuple[int, str]] = {}
    by_name = {names.get(m): m for m in members}
    for r in groups:
        for g in r.json()["values"]:
            match = SIMILAR.match(" ".join(str(g.get("title", "")).split()))
            if match and match.group(1) in by_name:
                member, year = by_name[match.group(1)], int(match.group(2))
                if year > newest.get(member, (0, ""))[0]:
                    newest[member] = (year, g["id"])
    missing = sorted(set(members) - set(newest))
    if missing:
        log.warning("KOLADA: no 'Liknande kommuner IFO' group found for %s", ", ".join(missing))
    return {m: g for m, (_, g) in sorted(newest.items())}


def _metadata(client: KoladaClient, settings: Settings, kpis: list[str]) -> dict[str, list[Response]]:
    groups = client.metadata("municipality_groups", title=SIMILAR_TITLE)
    if settings.region.region.kolada_group_id:
        groups += client.metadata("municipality_groups", ids=[settings.region.region.kolada_group_id])
    return {
        "kpi": client.metadata("kpi", ids=kpis),
        "municipality": client.metadata("municipality"),
        "municipality_groups": groups,
    }


def extract_live(settings: Settings, kpis: list[str], years: list[int], result, places_of) -> None:
    """Fill `result` (extract.ExtractResult): metadata, then each batch of KPIs; `places_of`
    orders the municipality ids (extract.places)."""
    client = KoladaClient(settings)
    meta = _metadata(client, settings, kpis)  # unreachable → raises here
    for entity, pages in meta.items():
        result.landed += [land(r, settings.landing_dir, entity) for r in pages]
    groups = similar_groups(meta["municipality_groups"], meta["municipality"], sorted(settings.members))
    group_ids = sorted(set(groups.values()) | {g for g in [settings.region.region.kolada_group_id] if g})
    result.similar_groups, result.group_ids = groups, group_ids
    ids = places_of(settings, meta["municipality"], group_ids)
    since = state.from_dates(settings, kpis)
    result.from_dates = since
    for from_date in sorted({d or "" for d in since.values()}):
        same = [k for k in kpis if (since[k] or "") == from_date]
        for batch in chunks(same):
            _fetch_batch(settings, client, batch, ids, years, from_date or None, result)


def _fetch_batch(settings, client: KoladaClient, batch, ids, years, from_date, result) -> None:
    """One batch of ≤ 25 KPIs: land its answers, or ask again one KPI at a time (see above)."""
    try:
        pages = client.data(batch, ids, years, from_date)
    except SourceError as exc:
        if len(batch) > 1 and PER_KPI_RETRY.search(str(exc)):
            log.warning("KOLADA: batch %s failed (%s); asking one KPI at a time", ",".join(batch), exc)
            for kpi in batch:
                _fetch_batch(settings, client, [kpi], ids, years, from_date, result)
            return
        log.error("KOLADA: KPIs %s failed to load: %s", ",".join(batch), exc)
        result.failed.update({k: str(exc) for k in batch})
        return
    got = {str(v.get("kpi")) for r in pages for v in r.json()["values"]}
    missing = [k for k in batch if k not in got]
    if from_date is None and missing:  # in full, every KPI must have values (incremental: unchanged)
        if len(batch) > 1 and not got:
            log.warning("KOLADA: batch %s answered no value at all; asking one KPI at a time", ",".join(batch))
            for kpi in batch:
                _fetch_batch(settings, client, [kpi], ids, years, from_date, result)
            return
        span = f"{years[0]}–{years[-1]}"
        for k in missing:
            result.failed[k] = f"kolada: no value for {k} in {span} in Kolada's answer (GET …/data/kpi/{k}/…)"
            log.error("KOLADA: %s", result.failed[k])
    result.landed += [land(r, settings.landing_dir, "data") for r in pages]
