"""The quality gate's expectation suites: the one place where they are defined.

Each Check is one GX expectation suite run against one dataframe. The dataframe is the result
of a read-only SQL query on the work database: either a table as it is, or a small derived
frame for checks across rows (coverage of municipalities × years, sums per fee year, change
from the previous year), so that plain GX Core expectations can express them.

Severity uses GX's own `severity` field on every expectation:
  error   = FailureSeverity.CRITICAL: blocks publishing
  warning = FailureSeverity.WARNING:  reported in the log and Data Docs, publishing goes on
The `notes` of each expectation say the same in words, so Data Docs show it too.

A check whose tables are not in the work database yet (ÖJ, more record types) is skipped
with a log line; it runs as soon as the tables exist. docs/quality.md lists every check."""
from __future__ import annotations

from dataclasses import dataclass

import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity
from great_expectations.expectations.row_conditions import Column as C

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
    members: dict[str, str]          # owner municipalities: code → name (config/region.yml)
    population_first_year: int
    current_year: int
    kpi_ids: tuple[str, ...] = ()    # the ÖJ KPIs the warehouse loads (config/oj_kpis.yml)
    oj_first_year: int | None = None


@dataclass(frozen=True)
class Check:
    name: str            # suite, data asset, validation definition and checkpoint all use it
    layer: str           # raw | marts
    tables: tuple[str, ...]
    sql: str             # read-only query on the work database; `members` is the config's list
    expectations: tuple
    about: str


def error(cls, why: str, **kwargs):
    return cls(**kwargs, severity=SEVERITY[ERROR], description=why,
               notes=f"**Error**: blocks publishing. {why}", meta={"severity": ERROR})


def warning(cls, why: str, **kwargs):
    return cls(**kwargs, severity=SEVERITY[WARNING], description=why,
               notes=f"**Warning**: reported, does not block publishing. {why}", meta={"severity": WARNING})


def severity_of(expectation_config) -> str:
    return ERROR if expectation_config.severity == FailureSeverity.CRITICAL else WARNING


def _region_code(column: str, why: str):
    # 00 = Riket, two digits = county, four digits = municipality; a lost leading zero shows
    # as three characters.
    return error(gxe.ExpectColumnValuesToMatchRegex, why, column=column, regex=r"^\d{2}(?:\d{2})?$")


def _unique(columns: list[str], why: str):
    if len(columns) == 1:
        return error(gxe.ExpectColumnValuesToBeUnique, why, column=columns[0])
    return error(gxe.ExpectCompoundColumnsToBeUnique, why, column_list=columns)


def scb_checks(p: Params) -> list[Check]:
    return [
        Check(
            "raw_scb_population_cells", "raw", ("raw.scb_population_cells",),
            "select table_id, region, tid, kon, alder, civilstand, contents_code, value "
            "from raw.scb_population_cells",
            (
                # a null value is SCB's ".." (the municipality did not exist that year); the
                # owner municipalities' coverage is checked by raw_scb_member_coverage.
                error(gxe.ExpectColumnValuesToBeBetween, "SCB population is not negative (cells of a "
                      "breakdown may be 0; whole numbers are enforced by the bigint column)",
                      column="value", min_value=0),
                _region_code("region", "region codes are text with their leading zero (0114, not 114)"),
                error(gxe.ExpectColumnValuesToMatchRegex, "the year is four digits", column="tid", regex=r"^\d{4}$"),
            ),
            "Cells of SCB's population tables as loaded.",
        ),
        Check(
            "raw_scb_member_coverage", "raw", ("raw.scb_population_cells",),
            # each municipality from the first year it has figures (Nykvarn, Knivsta and others
            # were formed after 1968), or the configured first year when it has none at all
            f"""with first_seen as (
                    select region, min(tid::int) as first_year from raw.scb_population_cells
                    where value is not null group by region),
                years as (
                    select m.municipality_code,
                           unnest(range(greatest({p.population_first_year}, coalesce(f.first_year, 0)),
                                        (select max(tid::int) from raw.scb_population_cells) + 1)) as year
                    from members m left join first_seen f on f.region = m.municipality_code)
                select y.municipality_code, y.year, count(c.value) as cells
                from years y
                left join raw.scb_population_cells c on c.region = y.municipality_code and c.tid::int = y.year
                group by all order by all""",
            (
                error(gxe.ExpectColumnValuesToBeBetween, "SCB has cells for every configured municipality "
                      "in every year", column="cells", min_value=1),
                error(gxe.ExpectColumnValuesToMatchRegex, "configured municipality codes are four digits "
                      "with their leading zero", column="municipality_code", regex=r"^\d{4}$"),
            ),
            "Every owner municipality of config/region.yml × every year from its first year with figures "
            "(at the earliest the configured first year) to the latest loaded.",
        ),
        Check(
            "fct_population", "marts", ("marts.fct_population",),
            "select region_code, year, sex, age_band, population::double as population, "
            "population = round(population) as population_is_whole, source_table, method "
            "from marts.fct_population",
            (
                _unique(["region_code", "year", "sex", "age_band"],
                        "one row per region_code × year × sex × age_band"),
                error(gxe.ExpectColumnValuesToNotBeNull, "population is never missing", column="population"),
                error(gxe.ExpectColumnValuesToBeBetween, "population is not negative", column="population",
                      min_value=0),
                error(gxe.ExpectColumnValuesToBeBetween, "a region's total population is positive",
                      column="population", min_value=1,
                      row_condition=(C("sex") == "total") & (C("age_band") == "total")),
                error(gxe.ExpectColumnValuesToBeInSet, "population is a whole number",
                      column="population_is_whole", value_set=[True]),
                _region_code("region_code", "region codes are text with their leading zero (0114, not 114)"),
                error(gxe.ExpectColumnValuesToBeBetween, "years lie between the first configured year and now",
                      column="year", min_value=p.population_first_year, max_value=p.current_year),
            ),
            "Population per region, year, sex and age band (31 December).",
        ),
        Check(
            "fct_population_member_coverage", "marts", ("marts.fct_population",),
            f"""with first_seen as (
                    select region_code, min(year) as first_year from marts.fct_population group by region_code),
                years as (
                    select m.municipality_code,
                           unnest(range(greatest({p.population_first_year}, coalesce(f.first_year, 0)),
                                        (select max(year) from marts.fct_population) + 1)) as year
                    from members m left join first_seen f on f.region_code = m.municipality_code)
                select y.municipality_code, y.year, count(f.population) as total_rows
                from years y
                left join marts.fct_population f on f.region_code = y.municipality_code and f.year = y.year
                     and f.sex = 'total' and f.age_band = 'total'
                group by all order by all""",
            (
                error(gxe.ExpectColumnValuesToBeBetween, "every configured municipality has exactly one total "
                      "population in every year", column="total_rows", min_value=1, max_value=1),
            ),
            "Every owner municipality × every year from its first year with figures: one total population row.",
        ),
        Check(
            "fct_population_year_on_year", "marts", ("marts.fct_population",),
            f"""select * from (
                    select region_code, year, population::double as population,
                           lag(population) over (partition by region_code order by year)::double as previous,
                           round(100 * (population - previous) / previous, 2) as change_pct
                    from marts.fct_population
                    where sex = 'total' and age_band = 'total' and length(region_code) = 4)
                where year >= {YOY_FROM_YEAR} and previous is not null""",
            (
                warning(gxe.ExpectColumnValuesToBeBetween,
                        f"a municipality's population changes by at most {YOY_BAND_PCT:g} % from one year to the "
                        "next (more happens when municipalities split; otherwise suspect the data)",
                        column="change_pct", min_value=-YOY_BAND_PCT, max_value=YOY_BAND_PCT),
            ),
            f"Change in each municipality's total population from the year before, from {YOY_FROM_YEAR}.",
        ),
    ]


def records_checks(p: Params) -> list[Check]:
    from ingestion.formats import formats

    member_codes = sorted(p.members)
    checks = [
        Check(
            "raw_records_fee_parameters", "raw", ("raw.records_fee_parameters",),
            # raw record tables keep every loaded file's rows, as text in canonical form
            'select try_cast("avgiftsår" as integer) as "avgiftsår", "modell", '
            'try_cast("kr_per_invånare" as double) as "kr_per_invånare", '
            'try_cast("totalbelopp_kr" as bigint) as "totalbelopp_kr", file_name '
            "from raw.records_fee_parameters",
            (
                error(gxe.ExpectColumnValuesToNotBeNull, "the fee year is a year", column="avgiftsår"),
                error(gxe.ExpectColumnValuesToBeBetween, "fee years are plausible years",
                      column="avgiftsår", min_value=1990, max_value=p.current_year + 2),
                error(gxe.ExpectColumnValuesToBeInSet, "the fee model is per_invånare, fast_total or avstår",
                      column="modell", value_set=["per_invånare", "fast_total", "avstår"]),
                error(gxe.ExpectColumnValuesToNotBeNull, "a per_invånare year has its rate",
                      column="kr_per_invånare", row_condition=C("modell") == "per_invånare"),
                error(gxe.ExpectColumnValuesToBeBetween, "the rate per inhabitant is above zero",
                      column="kr_per_invånare", min_value=0, strict_min=True),
                error(gxe.ExpectColumnValuesToNotBeNull, "a fast_total year has its total",
                      column="totalbelopp_kr", row_condition=C("modell") == "fast_total"),
                error(gxe.ExpectColumnValuesToBeBetween, "the fixed total is whole kronor above zero",
                      column="totalbelopp_kr", min_value=1),
            ),
            "Fee parameters per fee year (records/fee_parameters*).",
        ),
        Check(
            "raw_records_quoted_population", "raw", ("raw.records_quoted_population",),
            'select "dokument", try_cast("avser_datum" as date) as "avser_datum", "kommun", '
            'try_cast("folkmängd" as bigint) as "folkmängd" from raw.records_quoted_population',
            (
                error(gxe.ExpectColumnValuesToNotBeNull, "the date is a date", column="avser_datum"),
                error(gxe.ExpectColumnValuesToNotBeNull, "the population is a whole number", column="folkmängd"),
                error(gxe.ExpectColumnValuesToBeInSet, "the municipality is an owner municipality (code)",
                      column="kommun", value_set=member_codes),
                error(gxe.ExpectColumnValuesToBeBetween, "a quoted population is positive",
                      column="folkmängd", min_value=1),
            ),
            "Population figures quoted in the unit's documents.",
        ),
        Check(
            "raw_records_quarantine", "raw", ("raw.records_quarantine",),
            "select file_name, record_type, row_number, field, problem from raw.records_quarantine",
            (
                warning(gxe.ExpectTableRowCountToEqual, "no record rows were quarantined on intake "
                        "(see raw.records_quarantine for file, row and problem)", value=0),
            ),
            "Rows of the record files that failed validation on intake.",
        ),
    ]
    # Every record format, including the ones other loads add: its key is unique and its
    # required fields are filled, as the format says (ingestion/formats.py).
    for name, fmt in formats(p.members).items():
        required = [f.name for f in fmt.fields if f.required]
        exps = [error(gxe.ExpectColumnValuesToNotBeNull, f"{f} is required by the {name} format", column=f)
                for f in required]
        if fmt.key:  # within a file; a later file's row replaces an earlier one (dbt's records_latest)
            exps.insert(0, _unique(["file_sha256", *fmt.key],
                                   f"one row per {' × '.join(fmt.key)} in a file (the {name} format's key)"))
        cols = ", ".join(f'"{c}"' for c in dict.fromkeys(["file_sha256", *fmt.key, *required]))
        checks.append(Check(f"raw_records_{name}_format", "raw", (f"raw.records_{name}",),
                            f"select {cols} from raw.records_{name}", tuple(exps),
                            f"The {name} records as their format says (key and required fields)."))
    return checks


def fee_checks(p: Params) -> list[Check]:
    member_codes = sorted(p.members)
    n = len(member_codes)
    return [
        Check(
            "fct_fees", "marts", ("marts.fct_fees",),
            "select fee_year, municipality_code, fee_model, is_invoiced, basis_population::double as basis_population, "
            "population_share_pct::double as population_share_pct, fee_kr from marts.fct_fees",
            (
                _unique(["fee_year", "municipality_code"], "one row per fee_year × municipality_code"),
                error(gxe.ExpectColumnValuesToBeInSet, "fees are for owner municipalities only",
                      column="municipality_code", value_set=member_codes),
                error(gxe.ExpectColumnValuesToNotBeNull, "every fee has its basis population",
                      column="basis_population"),
                error(gxe.ExpectColumnValuesToBeBetween, "a basis population is positive",
                      column="basis_population", min_value=1),
                error(gxe.ExpectColumnValuesToBeBetween, "a share is between 0 and 100 %",
                      column="population_share_pct", min_value=0, max_value=100),
                error(gxe.ExpectColumnValuesToNotBeNull, "no fee is missing", column="fee_kr"),
                error(gxe.ExpectColumnValuesToBeBetween, "an invoiced fee is at least 1 kr",
                      column="fee_kr", min_value=1, row_condition=C("is_invoiced") == True),  # noqa: E712
            ),
            "What each owner municipality pays per fee year.",
        ),
        Check(
            "fct_fees_member_coverage", "marts", ("marts.fct_fees", "staging.stg_records__fee_parameters"),
            # the fee years as the fee records stand now (the latest file's row per year)
            """select y.fee_year, m.municipality_code, count(f.fee_kr) as fees, min(f.fee_kr) as fee_kr
               from staging.stg_records__fee_parameters y cross join members m
               left join marts.fct_fees f on f.fee_year = y.fee_year and f.municipality_code = m.municipality_code
               where y.fee_model <> 'waived'
               group by all order by all""",
            (
                error(gxe.ExpectColumnValuesToBeBetween, "every owner municipality has exactly one fee in every "
                      "invoiced (not waived) year", column="fees", min_value=1, max_value=1),
                error(gxe.ExpectColumnValuesToBeBetween, "that fee is at least 1 kr", column="fee_kr", min_value=1),
            ),
            "Every invoiced fee year of the fee records × every owner municipality.",
        ),
        Check(
            "fct_fees_per_year", "marts", ("marts.fct_fees", "marts.fct_fee_totals", "staging.stg_records__fee_parameters"),
            """select f.fee_year, any_value(f.fee_model) as fee_model, count(*) as municipalities,
                      sum(f.population_share_pct)::double as share_sum_pct,
                      (sum(f.basis_population) - any_value(f.region_basis_population))::double as basis_difference,
                      sum(f.fee_kr) as fee_sum_kr,
                      (sum(f.fee_kr) - any_value(p.total_amount_kr))::double as fixed_total_difference_kr,
                      (sum(f.fee_kr) - round(sum(f.basis_population * f.rate_per_inhabitant)))::double
                          as rate_rounding_difference_kr,
                      (sum(f.fee_kr) - any_value(t.fee_total_kr))::double as totals_mart_difference_kr
               from marts.fct_fees f
               left join staging.stg_records__fee_parameters p on p.fee_year = f.fee_year
               left join marts.fct_fee_totals t on t.fee_year = f.fee_year
               group by f.fee_year order by f.fee_year""",
            (
                error(gxe.ExpectColumnValuesToBeBetween, f"each fee year has all {n} owner municipalities",
                      column="municipalities", min_value=n, max_value=n),
                error(gxe.ExpectColumnValuesToBeBetween, "fee shares sum to 100 % per year (within rounding)",
                      column="share_sum_pct", min_value=100 - n * SHARE_ROUNDING_PP,
                      max_value=100 + n * SHARE_ROUNDING_PP),
                error(gxe.ExpectColumnValuesToBeBetween, "the members' basis populations add up to the region's",
                      column="basis_difference", min_value=0, max_value=0),
                error(gxe.ExpectColumnValuesToBeBetween, "allocated fees sum exactly to the total in a "
                      "fixed-total year", column="fixed_total_difference_kr", min_value=0, max_value=0,
                      row_condition=C("fee_model") == "fixed_total"),
                error(gxe.ExpectColumnValuesToBeBetween, "in a per-inhabitant year the fees differ from "
                      "population × rate only by rounding to whole kronor (at most 0.5 kr each)",
                      column="rate_rounding_difference_kr", min_value=-n / 2, max_value=n / 2,
                      row_condition=C("fee_model") == "rate_per_inhabitant"),
                error(gxe.ExpectColumnValuesToBeBetween, "fct_fee_totals holds the sum of the fees",
                      column="totals_mart_difference_kr", min_value=0, max_value=0),
            ),
            "Sums per fee year: shares, fixed totals, rounding, the totals mart.",
        ),
    ]


def kolada_checks(p: Params) -> list[Check]:
    last_year = p.current_year
    values = (
        f"""select v.kpi, v.municipality_id, v.period, v.gender, v.value, v.source_mode, v.is_generated,
                   k.id is not null as in_kolada_catalogue, {UNIT_SQL} as unit,
                   (v.source_mode = 'generated') = v.is_generated as generated_label_ok,
                   try_cast(regexp_extract(k.title, 'Ja\\s*=\\s*(\\d+)', 1) as double) as yes_code,
                   try_cast(regexp_extract(k.title, 'Nej\\s*=\\s*(\\d+)', 1) as double) as no_code
            from raw.kolada_values v left join raw.kolada_kpis k on k.id = v.kpi""")

    def in_unit(unit: str, why: str, **kwargs):
        return error(gxe.ExpectColumnValuesToBeBetween, why, column="value",
                     row_condition=C("unit") == unit, **kwargs)

    checks = [
        Check(
            "raw_kolada_values", "raw", ("raw.kolada_values", "raw.kolada_kpis"),
            f"select *, value in (yes_code, no_code) as is_yes_or_no from ({values})",
            (
                _unique(["kpi", "municipality_id", "period", "gender"],
                        "one row per KPI × municipality × year × gender"),
                error(gxe.ExpectColumnValuesToBeInSet, "only the KPIs configured in config/oj_kpis.yml are loaded",
                      column="kpi", value_set=list(p.kpi_ids)),
                error(gxe.ExpectColumnValuesToBeInSet, "every KPI id is in Kolada's KPI catalogue",
                      column="in_kolada_catalogue", value_set=[True]),
                error(gxe.ExpectColumnValuesToMatchRegex, "Kolada municipality ids are four digits "
                      "(0000 Riket, 00 + county code for a county)", column="municipality_id", regex=r"^\d{4}$"),
                error(gxe.ExpectColumnValuesToBeInSet, "gender is T, K or M", column="gender",
                      value_set=["T", "K", "M"]),
                error(gxe.ExpectColumnValuesToBeBetween, "years lie between the first configured year and now",
                      column="period", min_value=p.oj_first_year or 1990, max_value=last_year),
                error(gxe.ExpectColumnValuesToBeInSet, "generated values are labelled generated in every row",
                      column="generated_label_ok", value_set=[True]),
                warning(gxe.ExpectColumnValuesToNotBeNull, "the KPI's unit is recognised from its title",
                        column="unit"),
                in_unit("percent", "a share in per cent lies within 0–100", min_value=0, max_value=100),
                in_unit("index_0_100", "an index lies within 0–100", min_value=0, max_value=100),
                in_unit("scale_0_3", "a 0–3 scale answer lies within 0–3", min_value=0, max_value=3),
                in_unit("per_1000", "a rate per 1 000 lies within 0–1 000", min_value=0, max_value=1000),
                in_unit("per_10000", "a rate per 10 000 lies within 0–10 000", min_value=0, max_value=10000),
                in_unit("kr_per_inhabitant", "a cost in kr per inhabitant is not negative", min_value=0),
                in_unit("days", "a number of days is not negative", min_value=0),
                in_unit("deviation_pct", "a cost deviation in per cent is above -100 %", min_value=-100),
                error(gxe.ExpectColumnValuesToBeInSet, "a yes/no KPI has one of the codes its title gives "
                      "(Ja=1, Nej=0 or Ja=1, Nej=2)", column="is_yes_or_no", value_set=[True],
                      row_condition=(C("unit") == "yes_no") & C("value").is_not_null()),
            ),
            "ÖJ values from Kolada, with each KPI's unit from its catalogue title.",
        ),
        Check(
            "raw_oj_kpi_config", "raw", ("raw.oj_kpi_config", "raw.kolada_kpis"),
            "select c.kpi_id, c.direction, k.id is not null as in_kolada_catalogue "
            "from raw.oj_kpi_config c left join raw.kolada_kpis k on k.id = c.kpi_id",
            (
                error(gxe.ExpectColumnValuesToBeInSet, "every configured KPI id is a known Kolada KPI",
                      column="in_kolada_catalogue", value_set=[True]),
                error(gxe.ExpectColumnValuesToBeUnique, "a KPI is configured once", column="kpi_id"),
                error(gxe.ExpectColumnValuesToBeInSet, "direction is higher, lower or none",
                      column="direction", value_set=["higher", "lower", "none"]),
            ),
            "The ÖJ KPI catalogue of config/oj_kpis.yml against Kolada's catalogue.",
        ),
        Check(
            "fct_oj_results", "marts", ("marts.fct_oj_results",),
            "select kpi_id, municipality_id, year, sex, is_region_member, value, rank_in_region, "
            "region_reporting_count, rank_in_region between 1 and region_reporting_count as rank_within_n, "
            "quartile, value_provenance, (value_provenance = 'generated') = is_generated as generated_label_ok "
            "from marts.fct_oj_results",
            (
                _unique(["kpi_id", "municipality_id", "year", "sex"], "one row per KPI × municipality × year × sex"),
                error(gxe.ExpectColumnValuesToBeInSet, "only configured KPIs", column="kpi_id",
                      value_set=list(p.kpi_ids)),
                error(gxe.ExpectColumnValuesToBeInSet, "an ÖJ rank lies within 1..n, n = the region's "
                      "municipalities with a value", column="rank_within_n", value_set=[True],
                      row_condition=C("rank_in_region").is_not_null()),
                error(gxe.ExpectColumnValuesToBeBetween, "an ÖJ rank is at most the number of owner "
                      "municipalities", column="rank_in_region", min_value=1, max_value=len(p.members)),
                error(gxe.ExpectColumnValuesToBeNull, "only the region's own municipalities are ranked",
                      column="rank_in_region", row_condition=C("is_region_member") == False),  # noqa: E712
                error(gxe.ExpectColumnValuesToBeBetween, "a quartile is 1–4", column="quartile",
                      min_value=1, max_value=4),
                error(gxe.ExpectColumnValuesToBeInSet, "generated values are labelled generated in every row",
                      column="generated_label_ok", value_set=[True]),
            ),
            "ÖJ results per KPI, municipality, year and sex, with the region rank and quartile.",
        ),
    ]
    return checks


def checks(p: Params) -> list[Check]:
    return [*scb_checks(p), *records_checks(p), *fee_checks(p), *kolada_checks(p)]
