"""SCB TAB6471, the population per month by region, age and sex (2025M01 on, Cell Key Method
noise): what is asked for. Totals and 10-year groups are SCB's published cells; single ages
are asked for too, so that the social-services bands (0-17, 18-64, 65+) can be summed live
(flagged as sums of noisy cells); the bundled county answer has the 10-year groups only."""

from __future__ import annotations

from ingestion.errors import SourceError
from ingestion.scb import jsonstat
from ingestion.settings import PopulationTable

TABLE = "TAB6471"
CONTENTS = "000007SF"
FIRST_MONTH = "2025M01"
DIMS = {"Region", "Alder", "Kon", "ContentsCode", "Tid"}
TEN_YEAR = [f"{a}-{a + 9}" for a in range(0, 100, 10)] + ["100+10"]
# The stitched series' settings type, so the table goes through the same fetch/snapshot path.
SPEC = PopulationTable(table=TABLE, contents=CONTENTS, first_year=2025)


def monthly_selection(metadata: dict, regions: list[str]) -> dict[str, list[str]]:
    """Every region × sex (with SCB's total) × single age, 10-year group and all-ages total ×
    month from 2025M01 that the table has."""
    missing = DIMS - set(metadata["id"])
    if missing:
        raise SourceError(f"scb: {TABLE} metadata lacks dimensions {sorted(missing)} (schema changed?)")
    codes = {d: jsonstat.dimension_codes(metadata, d) for d in DIMS}
    if CONTENTS not in codes["ContentsCode"]:
        raise SourceError(f"scb: {TABLE} has no contents code {CONTENTS} (has {codes['ContentsCode']})")
    unknown = [r for r in regions if r not in codes["Region"]]
    if unknown:
        raise SourceError(f"scb: {TABLE} does not know regions {unknown}")
    ages = [a for a in codes["Alder"] if a.isdigit() or a == "100+"]
    ages += [a for a in TEN_YEAR + ["TotSA"] if a in codes["Alder"]]
    return {
        "Region": regions,
        "Alder": ages,
        "Kon": [k for k in ("TotSa", "1", "2") if k in codes["Kon"]],
        "ContentsCode": [CONTENTS],
        "Tid": [t for t in codes["Tid"] if t >= FIRST_MONTH],
    }
