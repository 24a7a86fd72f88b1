"""The record formats staff fill in (documented with examples in docs/records.md).

A file belongs to a format by its name: it starts with the format's name or one of its
Swedish aliases (uppdrag_2026.xlsx is an assignments file). Every format has a natural key:
within one file a key may appear once; across files the newest loaded file wins per key."""

from __future__ import annotations

import unicodedata

from ingestion.records.parse import (
    Field,
    RecordFormat,
    as_bool,
    as_count,
    as_date,
    as_decimal,
    as_int,
    as_share,
    as_text,
    as_year,
    municipality_list_parser,
    municipality_parser,
    one_of,
)
from ingestion.records.vocabulary import (
    ACTIVITY_TYPES,
    AREAS,
    BUDGET_CATEGORIES,
    BUDGET_SYNONYMS,
    CHANNELS,
    DECISION_SYNONYMS,
    DECISIONS,
    EXAMPLE,
    FUNDING,
    GOALS,
    LINE_SYNONYMS,
    LINES,
    METRICS,
    NETWORK_LEVEL_SYNONYMS,
    NETWORK_LEVELS,
    PLAN_KIND_SYNONYMS,
    PLAN_KINDS,
    PLAN_STATUS_SYNONYMS,
    PLAN_STATUSES,
    ROLES,
    budget_check,
    date_matches_year,
    event_check,
    fee_model_check,
    origin_parser,
    plan_check,
)


def formats(members: dict[str, str]) -> dict[str, RecordFormat]:
    municipality = municipality_parser(members)
    municipalities = municipality_list_parser(members)
    # the plan keeps the cell's order: the deck lists them as the chief wrote them
    municipalities_in_order = municipality_list_parser(members, keep_order=True, others="i titeln")
    goal = one_of(*GOALS)
    area = one_of(
        *AREAS,
        synonyms={
            "bou": "barn och unga",
            "barn, unga och familj": "barn och unga",
            "ekonomiskt stöd": "ekonomiskt bistånd",
            "försörjningsstöd": "ekonomiskt bistånd",
        },
    )
    line = one_of(*LINES, synonyms=LINE_SYNONYMS)
    return {
        "fee_parameters": RecordFormat(
            "fee_parameters",
            [
                Field("avgiftsår", as_year),
                Field("modell", one_of("per_invånare", "fast_total", "avstår")),
                Field("kr_per_invånare", as_decimal, required=False),
                Field("totalbelopp_kr", as_int, required=False),
                Field("folkmängd_per", as_date, required=False),
                Field("källa", as_text),
            ],
            key=["avgiftsår"],
            row_check=fee_model_check,
            aliases=("avgiftsparametrar", "avgifter"),
            description="Avgiftsparametrar per avgiftsår",
        ),
        "quoted_population": RecordFormat(
            "quoted_population",
            [
                Field("dokument", as_text),
                Field("avser_datum", as_date),
                Field("kommun", municipality),
                Field("folkmängd", as_int),
            ],
            key=["dokument", "avser_datum", "kommun"],
            aliases=("citerad_folkmängd",),
            description="Folkmängd som den citeras i egna dokument",
        ),
        "budget": RecordFormat(
            "budget",
            [
                Field("år", as_year),
                Field("kategori", one_of(*BUDGET_CATEGORIES, synonyms=BUDGET_SYNONYMS)),
                Field("budget_tkr", as_decimal, required=False),
                Field("utfall_tkr", as_decimal, required=False),
                Field("rad_i_källan", as_text, required=False),
                Field("källa", as_text),
                EXAMPLE,
            ],
            key=["år", "kategori"],
            row_check=budget_check,
            aliases=("driftredovisning",),
            description="Budget och utfall (driftredovisning) per år och kategori, tkr",
        ),
        "assignments": RecordFormat(
            "assignments",
            [
                Field("uppdrag_id", as_text),
                Field("år", as_year),
                Field("uppdrag", as_text),
                Field("mål", goal),
                Field("mål_i_källan", as_text, required=False),
                Field("område", area, required=False),
                Field("linje", line, required=False),
                Field("kommuner", municipalities, required=False),
                Field("övriga_parter", as_text, required=False),
                Field("externfinansierat", as_bool),
                Field("ansvarig", as_text, required=False),
                Field("källa", as_text),
                EXAMPLE,
            ],
            key=["uppdrag_id", "år", "mål"],
            aliases=("uppdrag",),
            description="Uppdrag och projekt per år under de fyra resultatmålen",
        ),
        "activities": RecordFormat(
            "activities",
            [
                Field("aktivitet_id", as_text),
                Field("år", as_year),
                Field("datum", as_date, required=False),
                Field("aktivitet", as_text),
                Field("aktivitetstyp", one_of(*ACTIVITY_TYPES)),
                Field("mål", goal),
                Field("område", area, required=False),
                Field("linje", line, required=False),
                Field("kommuner", municipalities, required=False),
                Field("övriga_parter", as_text, required=False),
                Field("uppdrag_id", as_text, required=False),
                Field("deltagare", as_count, required=False),
                Field("källa", as_text),
                EXAMPLE,
            ],
            key=["aktivitet_id"],
            row_check=date_matches_year("datum"),
            aliases=("aktiviteter", "uppföljning"),
            description="Aktiviteter ur uppföljningsformuläret (används sedan 2017-09-01)",
        ),
        "requests": RecordFormat(
            "requests",
            [
                Field("förfrågan_id", as_text),
                Field("år", as_year),
                Field("datum", as_date, required=False),
                Field("ursprung", origin_parser(members)),
                Field("avsändare", as_text, required=False),
                Field("beslut", one_of(*DECISIONS, synonyms=DECISION_SYNONYMS)),
                Field("linje", line, required=False),
                Field("antal", as_count, required=False),  # empty = 1; more for a summary row
                Field("beskrivning", as_text, required=False),
                Field("källa", as_text),
                EXAMPLE,
            ],
            key=["förfrågan_id"],
            row_check=date_matches_year("datum"),
            aliases=("förfrågningar", "forfragningar"),
            description="Förfrågningar om uppdrag med ursprung och beslut",
        ),
        "events": RecordFormat(
            "events",
            [
                Field("år", as_year),
                Field("datum", as_date, required=False),
                Field("evenemang", as_text),
                Field(
                    "typ",
                    one_of("konferens", "seminarium", "webbinarium", "utbildning", "föreläsning", "workshop", "övrigt"),
                    required=False,
                ),
                Field("deltagare", as_count, required=False),
                Field("fråga", as_text, required=False),
                Field("skala_max", as_count, required=False),
                Field("svarande", as_count, required=False),
                Field("medelvärde", as_decimal, required=False),
                Field("median", as_decimal, required=False),
                Field("andel_instämmer_pct", as_share, required=False),
                Field("andel_delvis_pct", as_share, required=False),
                Field("källa", as_text),
                EXAMPLE,
            ],
            key=["år", "evenemang", "fråga"],
            row_check=event_check,
            aliases=("evenemang", "utvärderingar"),
            description="Evenemang och deras utvärderingar",
        ),
        "communication": RecordFormat(
            "communication",
            [
                Field("år", as_year),
                Field(
                    "kanal",
                    one_of(
                        *CHANNELS,
                        synonyms={
                            "webb": "hemsida",
                            "webbplats": "hemsida",
                            "webbinarium": "webbsändning",
                            "video": "webbsändning",
                        },
                    ),
                ),
                Field(
                    "mått",
                    one_of(
                        *METRICS,
                        synonyms={
                            "besökare": "unika besökare",
                            "läsningar": "öppningar",
                            "klick": "länkklick",
                            "prenumeranter på nyhetsbrev": "prenumeranter",
                        },
                    ),
                ),
                Field("avser", as_text, required=False),
                Field("värde", as_count),
                Field("ungefärligt", as_bool, required=False),
                Field("period", as_text, required=False),
                Field("förändring_pct_enligt_källa", as_decimal, required=False),
                Field("källa", as_text),
                EXAMPLE,
            ],
            key=["år", "kanal", "mått", "avser"],
            aliases=("kommunikation",),
            description="Kommunikationssiffror per kanal, år och mått",
        ),
        "staffing": RecordFormat(
            "staffing",
            [
                Field("år", as_year),
                Field(
                    "roll",
                    one_of(
                        *ROLES,
                        synonyms={
                            "fou-chef": "chef",
                            "avdelningschef": "chef",
                            "fou ledare": "fou-ledare",
                            "projektledare": "fou-ledare",
                        },
                    ),
                ),
                Field("finansiering", one_of(*FUNDING, synonyms={"basanslag": "ordinarie", "externa medel": "extern"})),
                Field("person", as_text, required=False),
                Field("årsarbetare", as_decimal),
                Field("antal_personer", as_count, required=False),
                Field("anteckning", as_text, required=False),
                Field("källa", as_text),
                EXAMPLE,
            ],
            key=["år", "roll", "finansiering", "person"],
            aliases=("bemanning", "personal"),
            description="Bemanning: årsarbetare (tjänster) per roll och år",
        ),
        "meeting_points": RecordFormat(
            "meeting_points",
            [
                Field("möte", as_date),
                Field("typ", one_of("kärnbudskap", "beslutspunkt", synonyms={"beslut": "beslutspunkt"})),
                Field("ordning", as_count),
                Field("rubrik", as_text),
                Field("text", as_text, required=False),
                Field("källa", as_text),
            ],
            key=["möte", "typ", "ordning"],
            aliases=("mötespunkter", "styrgruppsmöte"),
            description="Styrgruppsmötets kärnbudskap och beslutspunkter, ifyllda av FoU-chefen per möte",
        ),
        "plan": RecordFormat(
            "plan",
            [
                Field("år", as_year),
                Field("mål", goal, required=False),  # empty only for fokus (plan_check)
                Field("typ", one_of(*PLAN_KINDS, synonyms=PLAN_KIND_SYNONYMS)),
                Field("titel", as_text),
                Field("kommuner", municipalities_in_order, required=False),
                Field("status", one_of(*PLAN_STATUSES, synonyms=PLAN_STATUS_SYNONYMS), required=False),
                Field("villkor", as_text, required=False),  # with status villkorat only
                Field("datum", as_date, required=False),
                Field("nätverksnivå", one_of(*NETWORK_LEVELS, synonyms=NETWORK_LEVEL_SYNONYMS), required=False),
                Field("källa", as_text),
            ],
            key=["år", "typ", "titel", "datum"],
            row_check=plan_check,
            aliases=("verksamhetsplan", "vp"),
            description="Verksamhetsplan för kommande år: uppdrag, erbjudanden, evenemang, nätverk och fokus",
        ),
    }


def format_for(file_name: str, fmts: dict[str, RecordFormat]) -> RecordFormat | None:
    """The format a file belongs to, by the start of its name (longest match wins). The name is
    NFC-normalised first: a Mac writes "förfrågningar" with a combining ring (NFD)."""
    name = unicodedata.normalize("NFC", file_name).casefold()
    matches = [
        (len(prefix), fmt)
        for fmt in fmts.values()
        for prefix in (fmt.name, *fmt.aliases)
        if name.startswith(unicodedata.normalize("NFC", prefix).casefold())
    ]
    return max(matches, key=lambda m: m[0])[1] if matches else None
