"""SCB population: raw cells and regions, the population mart, coverage and year-on-year change."""

from __future__ import annotations

import great_expectations.expectations as gxe

from expectations.base import (
    YOY_BAND_PCT,
    YOY_FROM_YEAR,
    Check,
    Params,
    duplicates,
    error,
    no_duplicates,
    region_code,
    warning,
)


def scb_checks(p: Params) -> list[Check]:
    return [
        Check(
            "raw_scb_population_cells",
            "raw",
            ("raw.scb_population_cells",),
            # one row per table × region × year (13,7 M cells nationally, 17 000 groups): the
            # smallest value of its cells; region and year are the group's own
            "select table_id, region, tid, min(value) as min_value, count(*) as cells "
            "from raw.scb_population_cells group by all",
            (
                # a null value is SCB's ".." (the municipality did not exist that year); the
                # owner municipalities' coverage is checked by raw_scb_member_coverage.
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "SCB population is not negative (cells of a "
                    "breakdown may be 0; whole numbers are enforced by the bigint column)",
                    column="min_value",
                    min_value=0,
                ),
                region_code("region", "region codes are text with their leading zero (0114, not 114)"),
                error(gxe.ExpectColumnValuesToMatchRegex, "the year is four digits", column="tid", regex=r"^\d{4}$"),
            ),
            "Cells of SCB's population tables as loaded.",
        ),
        Check(
            "raw_scb_member_coverage",
            "raw",
            ("raw.scb_population_cells",),
            # each municipality from the first year it has figures (Nykvarn, Knivsta and others
            # were formed after 1968), or the configured first year when it has none at all
            f"""with per_year as (  -- counted once per region and year, joined small
                    select region, tid::int as year, count(value) as cells
                    from raw.scb_population_cells group by all),
                first_seen as (
                    select region, min(year) as first_year from per_year where cells > 0 group by region),
                years as (
                    select m.municipality_code,
                           unnest(range(greatest({p.population_first_year}, coalesce(f.first_year, 0)),
                                        (select max(year) from per_year) + 1)) as year
                    from members m left join first_seen f on f.region = m.municipality_code)
                select y.municipality_code, y.year, coalesce(sum(c.cells), 0) as cells
                from years y
                left join per_year c on c.region = y.municipality_code and c.year = y.year
                group by all order by all""",
            (
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "SCB has cells for every configured municipality in every year",
                    column="cells",
                    min_value=1,
                ),
                error(
                    gxe.ExpectColumnValuesToMatchRegex,
                    "configured municipality codes are four digits with their leading zero",
                    column="municipality_code",
                    regex=r"^\d{4}$",
                ),
            ),
            "Every owner municipality of config/region.yml × every year from its first year with figures "
            "(at the earliest the configured first year) to the latest loaded.",
        ),
        Check(
            "fct_population",
            "marts",
            ("marts.fct_population",),
            # one row per region × year (12 rows each): duplicates of the key, missing and
            # smallest values, whether every value is whole
            f"""select region_code, year, {duplicates(["sex", "age_band"])} as duplicate_rows,
                       count(*) - count(population) as missing_population,
                       min(population)::double as min_population,
                       min(population) filter (where sex = 'total' and age_band = 'total')::double
                           as min_total_population,
                       bool_and(population = round(population)) as population_is_whole
                from marts.fct_population group by all""",
            (
                no_duplicates("one row per region_code × year × sex × age_band"),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "population is never missing",
                    column="missing_population",
                    min_value=0,
                    max_value=0,
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "population is not negative",
                    column="min_population",
                    min_value=0,
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "a region's total population is positive",
                    column="min_total_population",
                    min_value=1,
                ),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "population is a whole number",
                    column="population_is_whole",
                    value_set=[True],
                ),
                region_code("region_code", "region codes are text with their leading zero (0114, not 114)"),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "years lie between the first configured year and now",
                    column="year",
                    min_value=p.population_first_year,
                    max_value=p.current_year,
                ),
            ),
            "Population per region, year, sex and age band (31 December).",
        ),
        Check(
            "fct_population_member_coverage",
            "marts",
            ("marts.fct_population",),
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
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "every configured municipality has exactly one total population in every year",
                    column="total_rows",
                    min_value=1,
                    max_value=1,
                ),
            ),
            "Every owner municipality × every year from its first year with figures: one total population row.",
        ),
        Check(
            "fct_population_year_on_year",
            "marts",
            ("marts.fct_population",),
            f"""select * from (
                    select region_code, year, population::double as population,
                           lag(population) over (partition by region_code order by year)::double as previous,
                           round(100 * (population - previous) / previous, 2) as change_pct
                    from marts.fct_population
                    where sex = 'total' and age_band = 'total' and length(region_code) = 4)
                where year >= {YOY_FROM_YEAR} and previous is not null""",
            (
                warning(
                    gxe.ExpectColumnValuesToBeBetween,
                    f"a municipality's population changes by at most {YOY_BAND_PCT:g} % from one year to the "
                    "next (more happens when municipalities split; otherwise suspect the data)",
                    column="change_pct",
                    min_value=-YOY_BAND_PCT,
                    max_value=YOY_BAND_PCT,
                ),
            ),
            f"Change in each municipality's total population from the year before, from {YOY_FROM_YEAR}.",
        ),
    ]
