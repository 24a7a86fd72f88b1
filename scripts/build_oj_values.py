"""Rebuild the bundled ÖJ values of ingestion/snapshots/kolada/ reproducibly: the real copies
first (values.kolada_copy.json.gz, from the reference files), then the generated values of every
other KPI (values.generated.json.gz by scripts/oj_generator.py). Same input, same bytes.

A real copy: N31807 (invånare som någon gång under året erhållit ekonomiskt bistånd, andel av
befolkningen) from `reference-data/kolada/real_N31807_claesludvig.csv`, a third-party copy of
Kolada API v3 values (the public repository claesludvig/projekt, valjare/data/csv/verklighet.csv;
gender T only). It is put back into Kolada v3's answer shape, for the requests the live client
would make (25 ids per segment, the same places and years as the generated bundle), and marked
`provenance: kolada-copy`: real Kolada values, not compared with kolada.se. Reading the file:
- `region_kod` is Kolada's area id, not SCB's code: 0000 Riket, 00xx a region (0001 = Region
  Stockholm, the county the live client asks for), four digits a municipality; `niva` says which.
  Only the places the live client asks for are kept (the 290 municipalities, 0001, 0000); the
  other 20 regions are left out;
- every row is gender T (the copy holds no K/M; N31807 is not divided by gender);
- `period` is the year (`ar_dec` is only year + 0.5 for plotting); `varde` the value in percent,
  written unchanged (every value's shortest float text equals the CSV's text);
- a (place, year) without a row has no value: no data object (nothing is made up).

    .venv/bin/python scripts/build_oj_values.py [path/to/reference-data/kolada]
"""

from __future__ import annotations

import csv
import hashlib
import sys
from itertools import product
from pathlib import Path

from ingestion.kolada import client, extract
from ingestion.settings import Settings
from scripts import oj_generator

# KPI → (reference file, its origin)
REAL_COPIES = {
    "N31807": (
        "real_N31807_claesludvig.csv",
        "the public GitHub repository claesludvig/projekt, file valjare/data/csv/verklighet.csv "
        "(rows with kalla 'Kolada N31807'), pulled there from the Kolada API v3 by a scheduled job, gender T",
    )
}
BUNDLED_AT = "2026-12-06T00:00:00+00:00"  # when the copy was bundled; the third party's fetch date is not known
NOTICE = (
    "REAL KOLADA VALUES THROUGH A THIRD-PARTY COPY, NOT COMPARED WITH KOLADA.SE ({kpis}): {origins}. "
    "Kolada may have revised values since the copy was made; the latest year may be preliminary. "
    "Källa: Kolada (kopia, ej kontrollerad mot kolada.se)."
)


def read_copy(path: Path, kpi: str) -> dict[tuple[str, int], float]:
    """(Kolada area id, year) → value of one KPI, from the third-party CSV; refuses a file that
    is not what the builder expects (another KPI, a duplicate, a gender split)."""
    out: dict[tuple[str, int], float] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["kalla"] != f"Kolada {kpi}":
                raise SystemExit(f"{path}: a row of {row['kalla']!r}, expected only 'Kolada {kpi}'")
            key = (row["region_kod"], int(row["period"]))
            if key in out or len(key[0]) != 4 or row["niva"] not in ("riket", "region", "kommun"):
                raise SystemExit(f"{path}: unexpected row {row}")
            value = float(row["varde"])
            if repr(value) != row["varde"]:
                raise SystemExit(f"{path}: {row['varde']!r} does not survive as a JSON number unchanged")
            out[key] = value
    return out


def copy_answers(settings: Settings, kpi: str, values: dict[tuple[str, int], float], per_page: int) -> list[dict]:
    """The answers of the live client's requests for one KPI, in its order, from the copy."""
    munis = extract.municipality_ids(extract.snapshot_record_responses(extract.SNAPSHOT / "municipality.json"))
    places = extract.places(settings, munis)
    years = list(range(settings.kpis.first_year, settings.kpis.generated_last_year + 1))
    out = []
    for mb, yb in product(client.chunks(places), client.chunks(years)):
        found = [
            {
                "kpi": kpi,
                "municipality": place,
                "period": year,
                "values": [{"gender": "T", "count": 1, "status": "", "value": values[(place, year)]}],
            }
            for place, year in product(mb, yb)
            if (place, year) in values
        ]
        answer = {"kpis": [kpi], "fetchedAt": BUNDLED_AT, "provenance": "kolada-copy"}
        out += oj_generator.paged_answers(client.data_path([kpi], mb, yb), found, per_page, answer)
    return out


def copy_bundle(settings: Settings, ref: Path, per_page: int = client.PER_PAGE) -> dict:
    kpis = [k for k in settings.kpis.ids if k in REAL_COPIES]
    answers, origin = [], {}
    for kpi in kpis:
        name, where = REAL_COPIES[kpi]
        raw = (ref / name).read_bytes()
        answers += copy_answers(settings, kpi, read_copy(ref / name, kpi), per_page)
        origin[kpi] = {
            "reference_file": f"reference-data/kolada/{name}",
            "reference_sha256": hashlib.sha256(raw).hexdigest(),
            "copied_from": where,
            "compared_with_kolada_se": False,
        }
    return {
        "notice": NOTICE.format(
            kpis=", ".join(kpis), origins="; ".join(f"{k} from {o['copied_from']}" for k, o in origin.items())
        ),
        "builder": "scripts/build_oj_values.py",
        "provenance": "kolada-copy",
        "kpis": kpis,
        "years": list(range(settings.kpis.first_year, settings.kpis.generated_last_year + 1)),
        "origin": origin,
        "answers": answers,
    }


def reference_dir() -> Path:
    """The reference files: the copy committed beside this script (scripts/reference/kolada, so
    a clean clone has it), else ../shared/reference-data/kolada seen from the project."""
    bundled = Path(__file__).resolve().parent / "reference" / "kolada"
    if all((bundled / name).is_file() for name, _origin in REAL_COPIES.values()):
        return bundled
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "reference-data" / "kolada"
        if candidate.is_dir():
            return candidate
    raise SystemExit("reference-data/kolada not found; give its path as the first argument")


def main(ref: Path) -> None:
    settings = Settings()
    copy = copy_bundle(settings, ref)
    oj_generator.write(copy, extract.COPY_VALUES)
    generated = oj_generator.answers(settings, exclude=copy["kpis"])
    oj_generator.write(generated, extract.GENERATED_VALUES)
    for path, b in ((extract.COPY_VALUES, copy), (extract.GENERATED_VALUES, generated)):
        n = sum(len(a["response"]["values"]) for a in b["answers"])
        print(f"{path}: {len(b['answers'])} answer page(s), {n} data objects of {len(b['kpis'])} KPI(s)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else reference_dir())
