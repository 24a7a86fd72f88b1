"""GENERATED Öppna jämförelser values for offline runs. NOT OFFICIAL STATISTICS.

No real ÖJ social-services values were found in public material, so the offline snapshot
carries values made here for every KPI of the catalogue except those with a real copy
(values.kolada_copy.json.gz, today N31807: scripts/build_oj_values.py), shaped exactly like
the answers of Kolada's v3 data endpoint for the same requests the live client makes (same
25-id batches, same paging with next_url), and marked `provenance: generated` in the bundle;
the load stores that in every row (is_generated, value_provenance = 'generated') and the docs
show a notice naming the generated KPIs.

How the numbers are made (seeded, so every run gives the same bytes):
- Each KPI gets a kind from its real title: yes/no ("(Ja=1, Nej=0)" or "(Ja=1, Nej=2)"),
  a 0–3 scale ("Inom 3 dagar=3 …"), a share in % (small for shares of the population, high
  for user surveys and staff qualifications), a cost in kr/inv, a rate per 1 000 or 10 000,
  days, an index, or a deviation in % (can be negative). Levels are only roughly plausible.
- Each municipality has a steady level for the KPI (KPI mean + municipality effect), a
  yearly trend and yearly noise, clamped to the kind's range. KPIs divided by gender get
  K and M values around the level and T as their mean.
- Yes/no answers keep last year's answer with probability 0.85.
- Some values are missing, as when a municipality does not answer or does not take part:
  5 % of survey (U) KPI values, 20 % of the user surveys ("Brukarbedömning"), 1 % of N KPIs.
- County (00 + county code) and Riket (0000) are the unweighted means of the generated
  municipality values of that year; for yes/no and scale KPIs they are left out.
Random streams are seeded per (seed, KPI, municipality) with random.Random(str), whose
seeding from a string is stable across Python versions and independent of call order.

    .venv/bin/python scripts/oj_generator.py        # rewrites the bundled generated values
    .venv/bin/python scripts/build_oj_values.py     # rewrites both value files (copy + generated)
"""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from statistics import fmean

from ingestion.kolada import client, extract
from ingestion.settings import Settings

SEED = 20260301
GENERATED_AT = "2026-06-01T00:00:00+00:00"  # fixed, so the file is reproducible
NOTICE = (
    "GENERATED VALUES, NOT OFFICIAL STATISTICS: made by scripts/oj_generator.py (seed {seed}) "
    "for offline runs; live mode loads the real values from Kolada. Generated KPIs: {kpis}."
)


@dataclass(frozen=True)
class Kind:
    name: str
    mean: tuple[float, float]  # range the KPI's mean is drawn from
    spread: float  # between-municipality standard deviation
    low: float | None
    high: float | None
    decimals: int


KINDS = {
    "yes_no": Kind("yes_no", (0.4, 0.9), 0.0, None, None, 0),
    "scale": Kind("scale", (1.5, 2.5), 0.8, 0, 3, 0),
    "share": Kind("share", (20, 60), 8, 0, 100, 1),
    "share_small": Kind("share_small", (1, 5), 0.6, 0, 100, 1),  # of the population
    "share_high": Kind("share_high", (65, 90), 6, 0, 100, 1),  # user surveys, staff with degree
    "deviation": Kind("deviation", (-3, 3), 12, None, None, 1),
    "kr_per_inv": Kind("kr_per_inv", (800, 2500), 400, 0, None, 0),
    "rate": Kind("rate", (3, 30), 3, 0, None, 1),
    "days": Kind("days", (90, 130), 25, 1, None, 0),
    "index": Kind("index", (40, 60), 15, 0, 100, 0),
}


def kind_of(title: str) -> tuple[str, tuple[int, int] | None]:
    """The kind of values a KPI has, from its real title; for yes/no also (yes, no) codes."""
    m = re.search(r"Ja\s*=\s*(\d+)\s*,\s*Nej\s*=\s*(\d+)", title)
    if m:
        return "yes_no", (int(m.group(1)), int(m.group(2)))
    t = title.lower()
    if "=3" in t.replace(" ", ""):
        return "scale", None
    if "avvikelse" in t:
        return "deviation", None
    if "kr/inv" in t:
        return "kr_per_inv", None
    if "/1000" in t or "/10 000" in t:
        return "rate", None
    if "dagar" in t:
        return "days", None
    if "index" in t:
        return "index", None
    if re.search(r"av bef|av invånare|i befolkningen|invånare .*andel", t):
        return "share_small", None
    if "brukarbedömning" in t or "handläggare" in t:
        return "share_high", None
    return "share", None


def missing_rate(kpi_id: str, title: str) -> float:
    if "brukarbedömning" in title.lower():
        return 0.20
    return 0.05 if kpi_id.startswith("U") else 0.01


def _clamp(v: float, kind: Kind) -> float:
    if kind.low is not None:
        v = max(kind.low, v)
    if kind.high is not None:
        v = min(kind.high, v)
    return round(v, kind.decimals) if kind.decimals else float(round(v))


def municipality_values(
    kpi: dict, municipalities: list[str], years: list[int], seed: int
) -> dict[tuple[str, int], dict[str, float]]:
    """(municipality, year) → {gender: value}; absent when the municipality did not report."""
    kind_name, codes = kind_of(kpi["title"])
    kind = KINDS[kind_name]
    rk = random.Random(f"{seed}:{kpi['id']}")
    mean = rk.uniform(*kind.mean)
    gap = rk.uniform(-0.1, 0.1) * (kind.spread or 1) * 3  # K minus M, on average
    p_missing = missing_rate(kpi["id"], kpi["title"])
    genders = ["T", "K", "M"] if kpi.get("is_divided_by_gender") else ["T"]
    out: dict[tuple[str, int], dict[str, float]] = {}
    for muni in municipalities:
        r = random.Random(f"{seed}:{kpi['id']}:{muni}")
        level = mean + r.gauss(0, kind.spread)
        trend = r.gauss(0, kind.spread / 10)
        answer = r.random() < mean if kind_name == "yes_no" else None
        for i, year in enumerate(years):
            noise = r.gauss(0, kind.spread / 5)
            if kind_name == "yes_no" and i and r.random() > 0.85:
                answer = not answer
            if r.random() < p_missing:
                continue
            if kind_name == "yes_no":
                out[(muni, year)] = {"T": float(codes[0] if answer else codes[1])}
                continue
            base = level + trend * i + noise
            if genders == ["T"]:
                out[(muni, year)] = {"T": _clamp(base, kind)}
            else:
                k = _clamp(base + gap / 2 + r.gauss(0, kind.spread / 10), kind)
                m = _clamp(base - gap / 2 + r.gauss(0, kind.spread / 10), kind)
                out[(muni, year)] = {"T": _clamp((k + m) / 2, kind), "K": k, "M": m}
    return out


def reference_values(
    values: dict[tuple[str, int], dict[str, float]], municipalities: list[str], years: list[int], decimals: int
) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for year in years:
        per_gender: dict[str, list[float]] = {}
        for muni in municipalities:
            for g, v in values.get((muni, year), {}).items():
                per_gender.setdefault(g, []).append(v)
        if per_gender:
            out[year] = {g: round(fmean(vs), max(decimals, 1)) for g, vs in per_gender.items()}
    return out


def data_objects(
    kpis: list[dict], municipalities: list[str], county: str, nation: str, years: list[int], seed: int
) -> dict[tuple[str, str, int], dict]:
    """(kpi, place, year) → a v3 data object {kpi, municipality, period, values: [...]}."""
    objects = {}
    in_county = [m for m in municipalities if m[:2] == county[2:]]
    for kpi in kpis:
        kind_name, _ = kind_of(kpi["title"])
        vals = municipality_values(kpi, municipalities, years, seed)
        per_place = dict(vals)
        if kind_name not in ("yes_no", "scale"):
            dec = KINDS[kind_name].decimals
            for place, group in ((county, in_county), (nation, municipalities)):
                for year, gv in reference_values(vals, group, years, dec).items():
                    per_place[(place, year)] = gv
        for (place, year), gv in per_place.items():
            objects[(kpi["id"], place, year)] = {
                "kpi": kpi["id"],
                "municipality": place,
                "period": year,
                "values": [{"gender": g, "count": 1, "status": "", "value": gv[g]} for g in ("T", "K", "M") if g in gv],
            }
    return objects


def paged_answers(path: str, found: list[dict], per_page: int, answer: dict) -> list[dict]:
    """Kolada v3's answers to one data request, page by page as the API pages them (`next_url`,
    `previous_url`; one empty page when nothing is found); `answer` adds kpis and provenance."""
    base = "https://api.kolada.se/v3/"
    pages = [found[i : i + per_page] for i in range(0, len(found), per_page)] or [[]]

    def url(page: int) -> str:
        return f"{base}{path}?page={page}&per_page={per_page}"

    return [
        {
            "kind": "data",
            "url": url(n),
            **answer,
            "response": {
                "count": len(page),
                "values": page,
                "next_url": url(n + 1) if n < len(pages) else None,
                "previous_url": url(n - 1) if n > 1 else None,
            },
        }
        for n, page in enumerate(pages, start=1)
    ]


def answers(
    settings: Settings, seed: int = SEED, per_page: int = client.PER_PAGE, exclude: list[str] | None = None
) -> dict:
    """The bundle: one answer page per request the live client would make, in its order, for
    every KPI of the catalogue but `exclude` (default: those with a bundled real copy)."""
    cfg = settings.kpis
    meta = {
        k["id"]: k for r in extract.snapshot_record_responses(extract.SNAPSHOT / "kpi.json") for k in r.json()["values"]
    }
    skip = set(extract.copied_kpis() if exclude is None else exclude)
    kpis = [meta[k] for k in cfg.ids if k not in skip]
    munis = extract.municipality_ids(extract.snapshot_record_responses(extract.SNAPSHOT / "municipality.json"))
    places = extract.places(settings, munis)
    county = extract.county_id(settings)
    years = list(range(cfg.first_year, cfg.generated_last_year + 1))
    objects = data_objects(kpis, munis, county, cfg.nation_id, years, seed)
    out = []
    for kb in client.chunks([k["id"] for k in kpis]):
        for mb, yb in product(client.chunks(places), client.chunks(years)):
            found = [objects[key] for key in product(kb, mb, yb) if key in objects]
            answer = {"kpis": kb, "fetchedAt": GENERATED_AT, "provenance": "generated"}
            out += paged_answers(client.data_path(kb, mb, yb), found, per_page, answer)
    return {
        "notice": NOTICE.format(seed=seed, kpis=", ".join(k["id"] for k in kpis)),
        "generator": "scripts/oj_generator.py",
        "seed": seed,
        "kpis": [k["id"] for k in kpis],
        "years": years,
        "answers": out,
    }


def write(bundle: dict, path: Path = extract.GENERATED_VALUES) -> Path:
    raw = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) as gz:
        gz.write(raw)  # mtime=0 and no file name: the same bundle gives the same bytes
    return path


if __name__ == "__main__":
    b = answers(Settings())
    p = write(b)
    n = sum(len(a["response"]["values"]) for a in b["answers"])
    print(f"{p}: {len(b['answers'])} answer page(s), {n} data objects. {b['notice']}")
