"""What every suite shares: Params from configuration, Check, severities, common expectations.

Each Check is one GX expectation suite run against one dataframe. The dataframe is the result
of a read-only SQL query on the work database, computed where the data is (DuckDB), and small:
a table of the unit's own size as it is (records, fees), or, for the tables that grow with
the region (SCB cells, population, Kolada values, ÖJ results: up to 13,7 M rows nationally),
one row per group of a coarse grain with what the expectations need from the rows: the
smallest and largest value (`extremes`: two rows per group), counts of missing values and
of rows beyond one per key (`duplicate_rows`), and flags that hold for every row (bool_and).
The expectations are the same ones on those columns, so each keeps its meaning and name; an
unexpected count then counts groups, not rows. Coverage, sums per fee year and the change
from the previous year are derived frames as well.

Severity uses GX's own `severity` field on every expectation:
  error   = FailureSeverity.CRITICAL: blocks publishing
  warning = FailureSeverity.WARNING:  reported in the log and Data Docs, publishing goes on
The `notes` of each expectation say the same in words, so Data Docs show it too.

A check whose tables are not in the work database yet (ÖJ, more record types) is skipped
with a log line; it runs as soon as the tables exist. docs/quality.md lists every check."""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity

ERROR, WARNING = "error", "warning"
SEVERITY = {ERROR: FailureSeverity.CRITICAL, WARNING: FailureSeverity.WARNING}

# Population changes from one year to the next outside this band (per cent) are reported.
# From 2000 on no Swedish municipality changed by more than 6 % in a year (largest: Knivsta
# leaving Uppsala, 2003); before that the municipal reforms and splits give changes of up to
# +37 % / -28 %, real but not useful to warn about every month.
YOY_BAND_PCT = 8.0
YOY_FROM_YEAR = 2000

# Fee shares are rounded to two decimals per municipality: with n members the sum may be off
# by at most n × 0.005 percentage points.
SHARE_ROUNDING_PP = 0.005

# Kolada: a KPI's unit, from its title as Kolada writes it, and the values that unit allows.
UNIT_SQL = r"""
    case
        when k.title is null then null
        when regexp_matches(k.title, 'Ja\s*=\s*\d+\s*,\s*Nej\s*=\s*\d+') then 'yes_no'
        when regexp_matches(replace(k.title, ' ', ''), '=3') then 'scale_0_3'
        when k.title ilike '%avvikelse%' then 'deviation_pct'
        when k.title ilike '%kr/inv%' then 'kr_per_inhabitant'
        when k.title ilike '%/1000 %' or k.title ilike '%/1000' then 'per_1000'
        when k.title ilike '%/10 000%' then 'per_10000'
        when k.title ilike '%(%)%' then 'percent'
        when k.title ilike '%dagar%' then 'days'
        when k.title ilike '%index%' then 'index_0_100'
    end"""


@dataclass(frozen=True)
class Params:
    """What the suites need from configuration."""

    members: dict[str, str]  # owner municipalities: code → name (config/region.yml)
    population_first_year: int
    current_year: int
    kpi_ids: tuple[str, ...] = ()  # the ÖJ KPIs the warehouse loads (config/oj_kpis.yml)
    oj_first_year: int | None = None
    # record type → (natural key, required fields), from ingestion/records/formats.py; passed in
    # so that expectations/ imports nothing from ingestion/
    record_formats: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    name: str  # suite, data asset and validation definition all use it
    layer: str  # raw | marts
    tables: tuple[str, ...]
    sql: str  # read-only query on the work database; `members` is the config's list
    expectations: tuple
    about: str


def error(cls, why: str, **kwargs):
    return cls(
        **kwargs,
        severity=SEVERITY[ERROR],
        description=why,
        notes=f"**Error**: blocks publishing. {why}",
        meta={"severity": ERROR},
    )


def warning(cls, why: str, **kwargs):
    return cls(
        **kwargs,
        severity=SEVERITY[WARNING],
        description=why,
        notes=f"**Warning**: reported, does not block publishing. {why}",
        meta={"severity": WARNING},
    )


def severity_of(expectation_config) -> str:
    return ERROR if expectation_config.severity == FailureSeverity.CRITICAL else WARNING


def region_code(column: str, why: str):
    # 00 = Riket, two digits = county, four digits = municipality; a lost leading zero shows
    # as three characters.
    return error(gxe.ExpectColumnValuesToMatchRegex, why, column=column, regex=r"^\d{2}(?:\d{2})?$")


def extremes(*columns: str) -> str:
    """SQL select items that give, per group, a row with each column's smallest value and one
    with its largest (DuckDB zips the unnests): a bound on every row holds exactly when it
    holds on both. Use with `group by`."""
    return ", ".join(f"unnest([min({c}), max({c})]) as {c}" for c in columns)


def duplicates(key: list[str]) -> str:
    """SQL: the rows of a group beyond one per value of `key` (0 when `key` is unique within
    the group; a struct, so that missing values count as a value, as pandas does)."""
    fields = ", ".join(f"'{c}': {c}" for c in key)
    return f"count(*) - count(distinct {{{fields}}})"


def no_duplicates(why: str):
    """A key unique within each group of the frame (see `duplicates`)."""
    return error(gxe.ExpectColumnValuesToBeBetween, why, column="duplicate_rows", min_value=0, max_value=0)


def unique(columns: list[str], why: str):
    if len(columns) == 1:
        return error(gxe.ExpectColumnValuesToBeUnique, why, column=columns[0])
    return error(gxe.ExpectCompoundColumnsToBeUnique, why, column_list=columns)
