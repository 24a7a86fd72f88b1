"""GENERATED population answers at national scale, for benchmarks only. NOT OFFICIAL STATISTICS.

Writes, under a benchmark directory (never into ingestion/snapshots/ or ./data):
- `region_<n>.yml`: a region config whose members are 8 (FoU Nordväst), 26 (every municipality
  of Stockholms län, 01xx) or all 290 municipalities; point FOU_REGION_CONFIG at it.
- `snapshot_<n>/scb/<table>/*.json`: the answers the live client would get for that region config, in
  the bundled snapshot's record format ({kind, table, url, selection, fetchedAt, provenance,
  response}) with `provenance: generated`, so every loaded row says source_mode = 'generated'.
  The selection is the client's own (scb.population_selection on the real table metadata:
  every region × civil status × single age and total × sex × year, 1968–2024 on TAB638 and
  2025 on TAB5557) cut by scb.split_selection at SCB's 150 000 cells per call, exactly as a
  live run asks. Each answer is json-stat2 shaped like SCB's (the real metadata's top-level
  fields and dimension labels, restricted to the asked codes).

How values are made (numpy, seeded): the real total population of each region and year from
the bundled snapshot (TAB638 rebuilt totals; 2025 from the real TAB5557 answer, or 2024 for
the counties and the country) is spread over the 101 single ages with a fixed age profile, split by sex 50/50
and by civil status with age-dependent shares, rounded, then perturbed by ±1 % noise. The
all-ages total cell is the sum of the generated ages, so the series adds up like SCB's.

Kolada needs nothing here: the bundled generated ÖJ values already cover every municipality.

    python benchmarks/national.py --out /tmp/bench/gen   # writes all three sizes"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import yaml

from ingestion.scb import extract as scb_extract
from ingestion.scb import jsonstat
from ingestion.scb.client import cell_count, split_selection
from ingestion.settings import SNAPSHOT_DIR, PopulationTable

PROJECT_DIR = Path(__file__).resolve().parent.parent

SEED = 20260907
FETCHED_AT = "2026-09-01T00:00:00Z"  # fixed, so the files are reproducible
SIZES = (8, 26, 290)
NOTICE = "GENERATED for benchmarks/national.py, not official statistics"


def real_metadata(table: str) -> dict:
    return json.loads((SNAPSHOT_DIR / "scb" / table / "metadata.json").read_text(encoding="utf-8"))


def real_totals() -> dict[tuple[str, int], int]:
    """(region, year) → the real total population in the bundled snapshot."""
    out = {}
    for path in (SNAPSHOT_DIR / "scb").glob("*/*.json"):
        rec = json.loads(path.read_text(encoding="utf-8"))
        if rec.get("kind") != "data":
            continue
        for cell in jsonstat.parse(rec["response"]):
            if cell["value"] is not None and cell["Tid"].isdigit():  # years; TAB6471's months are not
                out[(cell["Region"], int(cell["Tid"]))] = int(cell["value"])
    return out


def municipalities() -> dict[str, str]:
    """All 290 municipalities (4-digit codes) with names, from the real TAB5557 metadata."""
    labels = real_metadata("TAB5557")["response"]["dimension"]["Region"]["category"]["label"]
    return {c: n.removesuffix(" kommun") for c, n in sorted(labels.items()) if len(c) == 4}


def region_config(n: int) -> dict:
    cfg = yaml.safe_load((PROJECT_DIR / "config" / "region.yml").read_text(encoding="utf-8"))
    allm = municipalities()
    if n == 8:
        members = cfg["region"]["members"]
    elif n == 26:
        members = {c: m for c, m in allm.items() if c.startswith("01")}
    else:
        members = allm
    assert len(members) == n, (n, len(members))
    cfg["region"]["name"] = f"{cfg['region']['name']} (benchmark, {n} municipalities, GENERATED population)"
    cfg["region"]["members"] = dict(sorted(members.items()))
    return cfg


AGES = np.arange(101)
# a rough Swedish age profile (share of the population at each single age), normalised
_PROFILE = np.where(AGES < 20, 1.15, np.where(AGES < 65, 1.3, np.maximum(0.02, 1.3 - (AGES - 65) * 0.04)))
PROFILE = _PROFILE / _PROFILE.sum()


def civil_shares(ages: np.ndarray) -> np.ndarray:
    """Shares of OG (unmarried), G (married), SK (divorced), ÄNKL (widowed) per age."""
    married = np.clip((ages - 20) / 25, 0, 1) * 0.55
    divorced = np.clip((ages - 30) / 40, 0, 1) * 0.12
    widowed = np.clip((ages - 60) / 30, 0, 1) * 0.35
    unmarried = np.clip(1 - married - divorced - widowed, 0.02, 1)
    shares = np.stack([unmarried, married, divorced, widowed], axis=-1)
    return shares / shares.sum(axis=-1, keepdims=True)


def answer(meta: dict, part: dict[str, list[str]], totals: dict, rng: np.random.Generator) -> dict:
    """The json-stat2 answer to one call: the real metadata's fields, the asked codes only."""
    body = {k: v for k, v in meta.items() if k not in ("dimension", "id", "size", "value")}
    dims = meta["id"]
    body["id"] = dims
    body["size"] = [len(part[d]) for d in dims]
    body["dimension"] = {}
    for d in dims:
        src = meta["dimension"][d]
        cat = {
            "index": {c: i for i, c in enumerate(part[d])},
            "label": {c: src["category"]["label"].get(c, c) for c in part[d]},
        }
        if "unit" in src["category"]:
            cat["unit"] = {c: src["category"]["unit"][c] for c in part[d] if c in src["category"]["unit"]}
        body["dimension"][d] = {"label": src.get("label", d), "category": cat}
    values = np.zeros(body["size"], dtype=np.float64)
    civil_codes = ["OG", "G", "SK", "ÄNKL"]
    # position of each asked age among 0..100, or 101 for the all-ages total
    pos = np.array([int(a.rstrip("+1") or 100) if "+" in a else int(a) if a.isdigit() else 101 for a in part["Alder"]])
    shares = civil_shares(AGES)
    for ri, region in enumerate(part["Region"]):
        for ti, year in enumerate(part["Tid"]):
            total = totals.get((region, int(year)), totals.get((region, int(year) - 1)))
            for si, sex in enumerate(part["Kon"]):
                for ci, civil in enumerate(part["Civilstand"]):
                    idx = [slice(None)] * len(dims)
                    idx[dims.index("Region")], idx[dims.index("Tid")] = ri, ti
                    idx[dims.index("Kon")], idx[dims.index("Civilstand")] = si, ci
                    idx[dims.index("ContentsCode")] = 0
                    if total is None:  # the municipality did not exist that year: SCB has no figure
                        values[tuple(idx)] = np.nan
                        continue
                    civ = 1.0 if civil == "SC" else shares[:, civil_codes.index(civil)]
                    per_age = total * (1.0 if sex == "TotSa" else 0.5) * PROFILE * civ
                    per_age = np.rint(per_age * rng.uniform(0.99, 1.01, 101))
                    values[tuple(idx)] = np.append(per_age, per_age.sum())[pos]  # the total adds up
    body["value"] = [None if np.isnan(v) else int(v) for v in values.ravel()]
    return body


def write_scb(out: Path, cfg: dict, max_cells: int = 150_000) -> dict[str, dict]:
    """The answers a live run with this config would get; returns cells and calls per table."""
    totals = real_totals()
    rng = np.random.default_rng(SEED)
    regions = sorted(cfg["region"]["members"]) + [cfg["region"]["county_code"], "00"]
    stats = {}
    for table in (PopulationTable(**t) for t in cfg["population"]["tables"]):
        name = table.table
        rec = real_metadata(name)
        folder = out / "scb" / name  # laid out like ingestion/snapshots/ (scb/<table>/)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "metadata.json").write_text(
            json.dumps({**rec, "provenance": "snapshot"}, ensure_ascii=False), encoding="utf-8"
        )
        selection = scb_extract.population_selection(rec["response"], table, regions)
        parts = split_selection(selection, max_cells)
        for i, part in enumerate(parts):
            body = answer(rec["response"], part, totals, rng)
            record = {
                "kind": "data",
                "table": name,
                "lang": "sv",
                "notice": NOTICE,
                "url": f"https://statistikdatabasen.scb.se/api/v2/tables/{name}/data?lang=sv&outputFormat=json-stat2",
                "selection": part,
                "fetchedAt": FETCHED_AT,
                "provenance": "generated",
                "response": body,
            }
            (folder / f"generated_{i:04d}.json").write_text(
                json.dumps(record, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
            )
        stats[name] = {"cells": cell_count(selection), "calls": len(parts)}
    return stats


def generate(out: Path, sizes=SIZES) -> dict[int, dict]:
    """Config and SCB answers for each size; skips a size already written (same generator)."""
    result = {}
    for n in sizes:
        cfg = region_config(n)
        cfg_path = out / f"region_{n}.yml"
        done = out / f"snapshot_{n}" / "done.json"
        if not done.exists():
            out.mkdir(parents=True, exist_ok=True)
            cfg_path.write_text(
                f"# {NOTICE}\n" + yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
            stats = write_scb(out / f"snapshot_{n}", cfg)
            done.write_text(json.dumps(stats), encoding="utf-8")
        result[n] = {
            "config": str(cfg_path),
            "snapshot": str(out / f"snapshot_{n}"),
            "scb": json.loads(done.read_text(encoding="utf-8")),
        }
    return result


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--sizes", default="8,26,290")
    a = ap.parse_args()
    print(json.dumps(generate(a.out, [int(s) for s in a.sizes.split(",")]), indent=2))
