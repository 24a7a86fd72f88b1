"""The record formats staff fill in (documented with examples in docs/records.md)."""
from __future__ import annotations

from ingestion.records import (Field, RecordFormat, as_date, as_decimal, as_int, as_year,
                               municipality_parser, one_of)


def _fee_model_check(row: dict) -> list[tuple[str, str]]:
    model = row["modell"]
    if model == "per_invånare" and row["kr_per_invånare"] is None:
        return [("kr_per_invånare", "is needed when modell is per_invånare")]
    if model == "fast_total" and row["totalbelopp_kr"] is None:
        return [("totalbelopp_kr", "is needed when modell is fast_total")]
    if row["kr_per_invånare"] is not None and row["kr_per_invånare"] <= 0:
        return [("kr_per_invånare", "must be above zero")]
    return []


def formats(members: dict[str, str]) -> dict[str, RecordFormat]:
    municipality = municipality_parser(members)
    return {
        "fee_parameters": RecordFormat(
            "fee_parameters",
            [
                Field("avgiftsår", as_year),
                Field("modell", one_of("per_invånare", "fast_total", "avstår")),
                Field("kr_per_invånare", as_decimal, required=False),
                Field("totalbelopp_kr", as_int, required=False),
                Field("folkmängd_per", as_date, required=False),
                Field("källa", str),
            ],
            key=["avgiftsår"],
            row_check=_fee_model_check,
        ),
        "quoted_population": RecordFormat(
            "quoted_population",
            [
                Field("dokument", str),
                Field("avser_datum", as_date),
                Field("kommun", municipality),
                Field("folkmängd", as_int),
            ],
            key=["dokument", "avser_datum", "kommun"],
        ),
    }
