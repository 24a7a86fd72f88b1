"""The words the record formats allow (goals, areas, decisions, channels, roles, …), their
Swedish synonyms, and the checks across fields of one row."""

from __future__ import annotations

from ingestion.records.parse import Field, as_bool, municipality_parser

GOALS = ("producera kunskap", "stödja utveckling", "sprida kunskap", "främja samverkan")
AREAS = (
    "barn och unga",
    "familj",
    "familjerätt",
    "missbruk",
    "socialpsykiatri",
    "ekonomiskt bistånd",
    "kriminalitet",
    "övergripande",
    "olika verksamheter",
)
ACTIVITY_TYPES = (
    "föreläsning",
    "seminarium",
    "workshop",
    "utbildning",
    "nätverksträff",
    "konferens",
    "möte",
    "analysstöd",
    "implementeringsstöd",
    "övrigt",
)
LINES = ("första linjen", "andra linjen")
LINE_SYNONYMS = {
    "första": "första linjen",
    "1": "första linjen",
    "1:a linjen": "första linjen",
    "andra": "andra linjen",
    "2": "andra linjen",
    "2:a linjen": "andra linjen",
}
DECISIONS = ("ja", "nej", "pågående", "okänt")
DECISION_SYNONYMS = {
    "vilande": "pågående",
    "under hantering": "pågående",
    "under utredning": "pågående",
    "ej beslutat": "pågående",
    "beviljad": "ja",
    "avslag": "nej",
    "avböjd": "nej",
}
BUDGET_CATEGORIES = ("personal", "lokaler", "it", "övrigt", "intäkter")
BUDGET_SYNONYMS = {
    "lokal": "lokaler",
    "lokal, inkl. städ, avfall": "lokaler",
    "lokalhyra": "lokaler",
    "intäkt": "intäkter",
    "intäkt ordinarie verksamhet": "intäkter",
}
CHANNELS = ("hemsida", "facebook", "linkedin", "instagram", "nyhetsbrev", "webbsändning")
METRICS = (
    "unika besökare",
    "aktiva besökare per månad",
    "följare",
    "prenumeranter",
    "utskick",
    "öppningar",
    "länkklick",
    "visningar",
)
ROLES = (
    "chef",
    "utredare",
    "forskare",
    "utvecklingsledare",
    "fou-ledare",
    "bbic-samordnare",
    "medforskare",
    "projektanställd",
    "övrigt",
    "ej fördelat",
)
FUNDING = ("ordinarie", "extern", "ej angiven")


def fee_model_check(row: dict) -> list[tuple[str, str]]:
    model = row["modell"]
    if model == "per_invånare" and row["kr_per_invånare"] is None:
        return [("kr_per_invånare", "behövs när modell är per_invånare")]
    if model == "fast_total" and row["totalbelopp_kr"] is None:
        return [("totalbelopp_kr", "behövs när modell är fast_total")]
    if row["kr_per_invånare"] is not None and row["kr_per_invånare"] <= 0:
        return [("kr_per_invånare", "måste vara större än noll")]
    return []


def date_matches_year(date_field: str, year_field: str = "år"):
    def check(row: dict) -> list[tuple[str, str]]:
        if row.get(date_field) and row.get(year_field) and row[date_field].year != row[year_field]:
            return [(date_field, f"{row[date_field]} ligger inte i år {row[year_field]}")]
        return []

    return check


def budget_check(row: dict) -> list[tuple[str, str]]:
    if row["budget_tkr"] is None and row["utfall_tkr"] is None:
        return [("budget_tkr", "budget_tkr eller utfall_tkr måste fyllas i")]
    return []


def event_check(row: dict) -> list[tuple[str, str]]:
    out = date_matches_year("datum")(row)
    scale = row.get("skala_max")
    for name in ("medelvärde", "median"):
        value = row.get(name)
        if value is not None and (scale is None or not 0 <= value <= scale):
            out.append((name, f"{value} ligger utanför skalan (skala_max {scale}); skala_max måste anges"))
    if row.get("svarande") is not None and row.get("deltagare") is not None and row["svarande"] > row["deltagare"]:
        out.append(("svarande", f"fler svarande ({row['svarande']}) än deltagare ({row['deltagare']})"))
    shares = [row.get("andel_instämmer_pct"), row.get("andel_delvis_pct")]
    if all(s is not None for s in shares) and sum(shares) > 100:
        out.append(("andel_delvis_pct", "andel_instämmer_pct + andel_delvis_pct är över 100 %"))
    if row.get("fråga") is None and any(
        row.get(n) is not None for n in ("svarande", "medelvärde", "median", "andel_instämmer_pct")
    ):
        out.append(("fråga", "utvärderingssiffror kräver att frågan anges"))
    return out


def origin_parser(members: dict[str, str]):
    """A request comes from one of the region's municipalities (name or code), from outside
    (extern; who goes in avsändare) or, for older totals, from an unknown origin (okänd)."""
    municipality = municipality_parser(members)

    def parse(text: str) -> str:
        value = text.strip().casefold()
        if value in ("extern", "externt", "annan", "övrig", "övriga"):
            return "extern"
        if value in ("okänd", "okänt", "ej angivet"):
            return "okänd"
        try:
            return municipality(text)
        except ValueError as exc:
            raise ValueError(f"{exc}; förfrågningar utifrån skrivs extern (och vem i avsändare)") from None

    parse.members, parse.others = members, ("extern", "okänd")  # the template's drop-down
    return parse


EXAMPLE = Field("exempel", as_bool, required=False)  # ja = invented row consistent with a known total
