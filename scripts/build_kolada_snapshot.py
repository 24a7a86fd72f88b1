"""Rebuild ingestion/snapshots/kolada/ metadata from the real saved Kolada v3 answers in
../shared/reference-data/kolada/ (saved by rKolada around March 2026).

Values are copied unchanged; only the container is the snapshot record format
{kind, entity, url, fetchedAt, provenance, note, response: {count, values, next_url, previous_url}}.
Trimmed to keep the repository small: the KPI catalogue keeps the operating area
"Individ- och familjeomsorg" plus every KPI of config/oj_kpis.yml; the groups keep those with
at least one member of the region and the "Liknande kommuner" groups of its municipalities.
Afterwards run `python scripts/oj_generator.py`.

    .venv/bin/python scripts/build_kolada_snapshot.py [path/to/reference-data/kolada]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ingestion.kolada.extract import SNAPSHOT
from ingestion.settings import Settings

FETCHED_AT = "2026-03-01T00:00:00+00:00"  # approximate: rKolada saved them "around March 2026"
NOTE = (
    "Real Kolada API v3 answer, saved by the R package rKolada (R/sysdata.rda, ~2026-03), "
    "converted to JSON; values unchanged, trimmed to what this warehouse uses."
)


def record(entity: str, values: list) -> dict:
    return {
        "kind": "metadata",
        "entity": entity,
        "url": f"https://api.kolada.se/v3/{entity}",
        "fetchedAt": FETCHED_AT,
        "provenance": "snapshot",
        "note": NOTE,
        "response": {"count": len(values), "values": values, "next_url": None, "previous_url": None},
    }


def main(ref: Path) -> None:
    settings = Settings()
    wanted = set(settings.kpis.ids)
    members = settings.members
    kpis = json.loads((ref / "kpi_catalogue_v3.json").read_text(encoding="utf-8"))["values"]
    kpis = [k for k in kpis if k["id"] in wanted or k.get("operating_area") == "Individ- och familjeomsorg"]
    missing = wanted - {k["id"] for k in kpis}
    if missing:
        raise SystemExit(f"KPIs of config/oj_kpis.yml not in the real catalogue: {sorted(missing)}")
    municipalities = json.loads((ref / "municipalities_v3.json").read_text(encoding="utf-8"))["values"]
    groups = json.loads((ref / "municipality_groups_v3.json").read_text(encoding="utf-8"))["values"]
    # groups with a member of the region, and the "Liknande kommuner …, <kommun>, <år>" groups
    # of the region's municipalities (whose members are other municipalities)
    named = tuple(f", {name}, " for name in members.values())
    groups = [
        g for g in groups if any(m["member_id"] in members for m in g["members"]) or any(n in g["title"] for n in named)
    ]
    SNAPSHOT.mkdir(parents=True, exist_ok=True)
    for entity, values in (("kpi", kpis), ("municipality", municipalities), ("municipality_groups", groups)):
        path = SNAPSHOT / f"{entity}.json"
        path.write_text(json.dumps(record(entity, values), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{path}: {len(values)} {entity} record(s)")
    real = json.loads((ref / "data_N00945_v3_unnested.json").read_text(encoding="utf-8"))
    path = SNAPSHOT / "data_N00945.real_unnested.json"
    path.write_text(json.dumps(real, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{path}: {len(real['values'])} real value(s) of N00945 (not an ÖJ KPI; a parsing fixture)")


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/reference-data/kolada"
    )
