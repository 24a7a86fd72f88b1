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
# the plan (verksamhetsplan) for the coming year: what kind of work, how certain, and for networks
# at which level; the order is the plan section's (ingestion/warehouse.py load_config writes them
# as raw.plan_words, which the plan mart's columns are tested against)
PLAN_KINDS = ("uppdrag", "erbjudande", "evenemang", "nätverk", "fokus")
PLAN_KIND_SYNONYMS = {
    "stående erbjudande": "erbjudande",
    "event": "evenemang",
    "nätverk/samverkan": "nätverk",
    "fokusområde": "fokus",
}
PLAN_STATUSES = ("ok", "oklart", "förslag", "villkorat")
PLAN_STATUS_SYNONYMS = {
    "oklar": "oklart",
    "villkorad": "villkorat",
    "under förutsättning": "villkorat",
    "under förutsättning av medel": "villkorat",
}
NETWORK_LEVELS = ("delregionalt", "regionalt", "nationellt")
NETWORK_LEVEL_SYNONYMS = {"delregional": "delregionalt", "regional": "regionalt", "nationell": "nationellt"}


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


def plan_check(row: dict) -> list[tuple[str, str]]:
    """A plan row: the date in its year, the goal empty exactly for fokus, the network level given
    exactly for networks, a condition exactly for villkorat."""
    return [
        *date_matches_year("datum")(row),
        *_plan_goal_check(row),
        *_plan_level_check(row),
        *_plan_condition_check(row),
    ]


def _plan_goal_check(row: dict) -> list[tuple[str, str]]:
    if row["typ"] == "fokus" and row["mål"] is not None:
        return [("mål", "lämnas tomt när typ är fokus (fokus gäller hela verksamheten)")]
    if row["typ"] != "fokus" and row["mål"] is None:
        return [("mål", f"måste fyllas i när typ är {row['typ']} (tomt bara för fokus)")]
    return []


def _plan_level_check(row: dict) -> list[tuple[str, str]]:
    if row["typ"] == "nätverk" and row["nätverksnivå"] is None:
        return [("nätverksnivå", f"måste fyllas i när typ är nätverk ({', '.join(NETWORK_LEVELS)})")]
    if row["typ"] != "nätverk" and row["nätverksnivå"] is not None:
        return [("nätverksnivå", f"fylls bara i när typ är nätverk (här: {row['typ']})")]
    return []


def _plan_condition_check(row: dict) -> list[tuple[str, str]]:
    if row["status"] == "villkorat" and row["villkor"] is None:
        return [("villkor", "måste fyllas i när status är villkorat (t.ex. under förutsättning av medel)")]
    if row["status"] != "villkorat" and row["villkor"] is not None:
        return [("villkor", "fylls bara i när status är villkorat")]
    return []


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
