"""Rebuild the offline TAB638 snapshot (1968–2024 totals) as a json-stat2 answer.

No verbatim TAB638 answer covering the region could be saved offline (the one that exists
publicly is 1.5 MB and could not be copied). Its totals are in atlas290's compiled series
(../shared/reference-data/scb/population_atlas290.json: TAB638 BE0101N1, sum of sex ×
civil status at age "tot", checked against national totals). This script puts those real
values back into the shape SCB answers with when Kon and Civilstand are eliminated, so the
same parser reads them. County (01) and national (00) rows are sums of the municipalities,
exact for TAB638 (no Cell Key Method noise). The record says all this in `provenance`/`rebuilt`.

    python scripts/rebuild_tab638_snapshot.py ../shared/reference-data/scb
"""

import hashlib
import json
import sys
from pathlib import Path

src = Path(sys.argv[1])
out = Path(__file__).resolve().parent.parent / "ingestion/snapshots/scb/TAB638/rebuilt_totals_1968_2024.json"
atlas_path = src / "population_atlas290.json"
atlas = json.loads(atlas_path.read_text(encoding="utf-8"))
meta = json.loads((src / "TAB638/sv/metadata.json").read_text(encoding="utf-8"))["response"]
labels = meta["dimension"]["Region"]["category"]["label"]
municipalities = sorted(code for code in labels if len(code) == 4)
assert len(municipalities) == 290 == len(atlas["series"]["values"])
years = [y for y in atlas["series"]["years"] if y <= 2024]

by_region: dict[str, list] = {}
for code, row in zip(municipalities, atlas["series"]["values"]):
    by_region[code] = row[: len(years)]
for agg, members in (("01", [c for c in municipalities if c.startswith("01")]), ("00", municipalities)):
    by_region[agg] = [sum(by_region[c][j] or 0 for c in members) for j in range(len(years))]

regions = ["00", "01"] + municipalities
body = {
    "version": "2.0",
    "class": "dataset",
    "label": "Folkmängd efter region och år (rebuilt from real SCB totals, see provenance)",
    "source": "SCB",
    "updated": meta["updated"],
    "id": ["Region", "Alder", "ContentsCode", "Tid"],
    "size": [len(regions), 1, 1, len(years)],
    "dimension": {
        "Region": {
            "label": "region",
            "category": {"index": {c: i for i, c in enumerate(regions)}, "label": {c: labels[c] for c in regions}},
        },
        "Alder": {"label": "ålder", "category": {"index": {"tot": 0}, "label": {"tot": "totalt ålder"}}},
        "ContentsCode": {
            "label": "tabellinnehåll",
            "category": {"index": {"BE0101N1": 0}, "label": {"BE0101N1": "Folkmängd"}},
        },
        "Tid": {
            "label": "år",
            "category": {"index": {str(y): i for i, y in enumerate(years)}, "label": {str(y): str(y) for y in years}},
        },
    },
    "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
    "value": [v for c in regions for v in by_region[c]],
}
record = {
    "kind": "data",
    "table": "TAB638",
    "lang": "sv",
    "url": "https://statistikdatabasen.scb.se/api/v2/tables/TAB638/data?lang=sv&outputFormat=json-stat2",
    "selection": {"Region": regions, "Alder": ["tot"], "ContentsCode": ["BE0101N1"], "Tid": [str(y) for y in years]},
    "fetchedAt": "2026-09-13T21:55:39.052Z",
    "provenance": "snapshot-rebuilt",
    "rebuilt": {
        "from": "aniisabihi/atlas290 public/pantry/data/indicators/population.json @900268e8",
        "sha256_of_source_file": hashlib.sha256(atlas_path.read_bytes()).hexdigest(),
        "how": "values are SCB TAB638 totals; container rebuilt; 00 and 01 are exact sums of municipalities",
    },
    "response": body,
}
out.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(f"wrote {out} ({out.stat().st_size} bytes, {len(regions)} regions × {len(years)} years)")
