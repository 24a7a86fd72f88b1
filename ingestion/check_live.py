"""`fou check-live`: the first day with network, before the first live run. Asks Kolada and
SCB for one small answer each and compares it with the real answers bundled for offline runs:

- Kolada: N31807 (ekonomiskt bistånd, andel av befolkningen) for the region's members and
  Riket, in the latest year in which the bundled copy (values.kolada_copy.json.gz, a
  third-party copy of Kolada's values) has all of them: one data call.
- SCB: TAB638 (folkmängd 31 december), total population of one member (the first in
  config/region.yml order) in the bundle's last year: one /config call and one POST.

Prints per source whether it was reached and whether the values are equal (or which differ);
`ok` is true only when both were reached and every value is equal. Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingestion.errors import SourceError, SourceUnreachable
from ingestion.kolada import extract as kolada_extract
from ingestion.kolada.client import KoladaClient, data_path
from ingestion.kolada.values import value_rows
from ingestion.scb import extract as scb_extract
from ingestion.scb import jsonstat
from ingestion.scb.client import ScbClient
from ingestion.settings import Settings

KPI = "N31807"
SCB_TABLE = "TAB638"


@dataclass
class SourceCheck:
    source: str
    asked: str
    reached: bool = False
    error: str = ""
    compared: int = 0
    differ: list[str] = field(default_factory=list)  # "<place> <year>: bundled x, live y"

    @property
    def ok(self) -> bool:
        return self.reached and self.compared > 0 and not self.differ

    def line(self) -> str:
        if not self.reached:
            return f"{self.source}: NOT reached: {self.error}"
        if self.error:
            return f"{self.source}: reached ({self.asked}), but {self.error}"
        if self.differ:
            return (
                f"{self.source}: reached ({self.asked}); {len(self.differ)} of {self.compared} value(s) DIFFER "
                f"from the bundled ones: " + "; ".join(self.differ)
            )
        return f"{self.source}: reached ({self.asked}); all {self.compared} value(s) equal to the bundled ones"


def bundled_kolada(settings: Settings) -> tuple[int, dict[str, float]]:
    """(year, {place: value}) of N31807 (gender T) in the bundle, for the members and Riket, in
    the latest year that has every one of them."""
    places = sorted(settings.members) + [settings.kpis.nation_id]
    by_year: dict[int, dict[str, float]] = {}
    for r in kolada_extract.snapshot_record_responses(kolada_extract.COPY_VALUES):
        for row in value_rows(r.json())[0]:
            if row["kpi"] == KPI and row["gender"] == "T" and row["municipality_id"] in places:
                by_year.setdefault(row["period"], {})[row["municipality_id"]] = row["value"]
    full = [y for y, v in by_year.items() if set(v) == set(places) and None not in v.values()]
    if not full:
        raise SourceError(f"check-live: the bundle has no year with {KPI} for all of {', '.join(places)}")
    return max(full), by_year[max(full)]


def check_kolada(settings: Settings) -> SourceCheck:
    year, bundled = bundled_kolada(settings)
    places = list(bundled)
    check = SourceCheck("kolada", f"{settings.kolada_base_url}/{data_path([KPI], places, [year])}")
    try:
        pages = KoladaClient(settings).data([KPI], places, [year])
    except SourceError as exc:
        check.reached, check.error = not isinstance(exc, SourceUnreachable), str(exc)
        return check
    check.reached = True
    rows, bad = value_rows({"values": [v for p in pages for v in p.json()["values"]]})
    live = {r["municipality_id"]: r["value"] for r in rows if r["gender"] == "T" and r["kpi"] == KPI}
    live.update({b["municipality_id"]: b["raw_value"] for b in bad if b["gender"] == "T"})
    for place, value in bundled.items():
        check.compared += 1
        if live.get(place) != value:
            got = "no value" if live.get(place) is None else repr(live[place])
            check.differ.append(f"{place} {year}: bundled {value!r}, Kolada {got}")
    return check


def bundled_scb() -> tuple[dict, dict[tuple[str, str], float]]:
    """The bundled TAB638 answer's selection and its {(region, year): total population}."""
    answer = scb_extract.snapshot_responses(SCB_TABLE, "data")[0]
    cells = jsonstat.parse(answer.json(), f"bundled {SCB_TABLE}")
    return answer.query["selection"], {(c["Region"], c["Tid"]): c["value"] for c in cells}


def check_scb(settings: Settings) -> SourceCheck:
    selection, bundled = bundled_scb()
    region = sorted(settings.members)[0] if settings.members else selection["Region"][0]
    year = max(selection["Tid"])
    ask = {"Region": [region], "Alder": ["tot"], "ContentsCode": selection["ContentsCode"], "Tid": [year]}
    check = SourceCheck("scb", f"{settings.scb_base_url}/tables/{SCB_TABLE}/data, {region} {year}")
    try:
        answers = list(ScbClient(settings).data(SCB_TABLE, ask))
        cells = [c for a in answers for c in jsonstat.parse(a.json(), f"scb {SCB_TABLE} answer")]
    except SourceError as exc:
        check.reached, check.error = not isinstance(exc, SourceUnreachable), str(exc)
        return check
    check.reached = True
    live = sum(c["value"] for c in cells if c["Region"] == region and c["Tid"] == year and c["value"] is not None)
    check.compared = 1
    if not cells or live != bundled[(region, year)]:
        check.differ.append(
            f"{region} {year}: bundled {bundled[(region, year)]!r}, SCB {live if cells else 'no value'}"
        )
    return check


def check_live(settings: Settings) -> list[SourceCheck]:
    """One small answer of each source, compared with the bundled real answers."""
    return [check_kolada(settings), check_scb(settings)]
