"""The unit's own records: fee parameters and every record type's key and required fields."""

from __future__ import annotations

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column as C

from expectations.base import Check, Params, error, unique, warning


def records_checks(p: Params) -> list[Check]:
    member_codes = sorted(p.members)
    checks = [
        Check(
            "raw_records_fee_parameters",
            "raw",
            ("raw.records_fee_parameters",),
            # raw record tables keep every loaded file's rows, as text in canonical form
            'select try_cast("avgiftsår" as integer) as "avgiftsår", "modell", '
            'try_cast("kr_per_invånare" as double) as "kr_per_invånare", '
            'try_cast("totalbelopp_kr" as bigint) as "totalbelopp_kr", file_name '
            "from raw.records_fee_parameters",
            (
                error(gxe.ExpectColumnValuesToNotBeNull, "the fee year is a year", column="avgiftsår"),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "fee years are plausible years",
                    column="avgiftsår",
                    min_value=1990,
                    max_value=p.current_year + 2,
                ),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "the fee model is per_invånare, fast_total or avstår",
                    column="modell",
                    value_set=["per_invånare", "fast_total", "avstår"],
                ),
                error(
                    gxe.ExpectColumnValuesToNotBeNull,
                    "a per_invånare year has its rate",
                    column="kr_per_invånare",
                    row_condition=C("modell") == "per_invånare",
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "the rate per inhabitant is above zero",
                    column="kr_per_invånare",
                    min_value=0,
                    strict_min=True,
                ),
                error(
                    gxe.ExpectColumnValuesToNotBeNull,
                    "a fast_total year has its total",
                    column="totalbelopp_kr",
                    row_condition=C("modell") == "fast_total",
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "the fixed total is whole kronor above zero",
                    column="totalbelopp_kr",
                    min_value=1,
                ),
            ),
            "Fee parameters per fee year (records/fee_parameters*).",
        ),
        Check(
            "raw_records_quoted_population",
            "raw",
            ("raw.records_quoted_population",),
            'select "dokument", try_cast("avser_datum" as date) as "avser_datum", "kommun", '
            'try_cast("folkmängd" as bigint) as "folkmängd" from raw.records_quoted_population',
            (
                error(gxe.ExpectColumnValuesToNotBeNull, "the date is a date", column="avser_datum"),
                error(gxe.ExpectColumnValuesToNotBeNull, "the population is a whole number", column="folkmängd"),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "the municipality is an owner municipality (code)",
                    column="kommun",
                    value_set=member_codes,
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "a quoted population is positive",
                    column="folkmängd",
                    min_value=1,
                ),
            ),
            "Population figures quoted in the unit's documents.",
        ),
        Check(
            "raw_records_quarantine",
            "raw",
            ("raw.records_quarantine_current",),
            # the current state: rows of a file that a later file of the same name replaced
            # (the sender corrected it) no longer count; the history stays in raw.records_quarantine
            "select file_name, record_type, row_number, field, problem from raw.records_quarantine_current",
            (
                warning(
                    gxe.ExpectTableRowCountToEqual,
                    "record rows held back in quarantine now (file, row and problem in "
                    "raw.records_quarantine_current and the intake report): expected none",
                    value=0,
                ),
            ),
            "Rows of the current record files that failed validation on intake and are not loaded.",
        ),
    ]
    # Every record format, including the ones other loads add: its key is unique and its
    # required fields are filled, as the format says (ingestion/records/formats.py).
    for name, (key, required) in p.record_formats.items():
        exps = [
            error(gxe.ExpectColumnValuesToNotBeNull, f"{f} is required by the {name} format", column=f)
            for f in required
        ]
        if key:  # within a file; a later file's row replaces an earlier one (dbt's records_latest)
            exps.insert(
                0, unique(["file_sha256", *key], f"one row per {' × '.join(key)} in a file (the {name} format's key)")
            )
        cols = ", ".join(f'"{c}"' for c in dict.fromkeys(["file_sha256", *key, *required]))
        checks.append(
            Check(
                f"raw_records_{name}_format",
                "raw",
                (f"raw.records_{name}",),
                f"select {cols} from raw.records_{name}",
                tuple(exps),
                f"The {name} records as their format says (key and required fields).",
            )
        )
    return checks
