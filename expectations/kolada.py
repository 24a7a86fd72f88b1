"""Kolada (ÖJ): raw values against their unit, and the ÖJ mart's ranks and labels."""

from __future__ import annotations

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column as C

from expectations.base import UNIT_SQL, Check, Params, duplicates, error, extremes, no_duplicates, warning


def kolada_checks(p: Params) -> list[Check]:
    last_year = p.current_year
    values = f"""select v.kpi, v.municipality_id, v.period, v.gender, v.value, v.source_mode, v.is_generated,
                   k.id is not null as in_kolada_catalogue, {UNIT_SQL} as unit,
                   (v.source_mode = 'generated') = v.is_generated as generated_label_ok,
                   try_cast(regexp_extract(k.title, 'Ja\\s*=\\s*(\\d+)', 1) as double) as yes_code,
                   try_cast(regexp_extract(k.title, 'Nej\\s*=\\s*(\\d+)', 1) as double) as no_code
            from raw.kolada_values v left join raw.kolada_kpis k on k.id = v.kpi"""

    def in_unit(unit: str, why: str, **kwargs):
        return error(gxe.ExpectColumnValuesToBeBetween, why, column="value", row_condition=C("unit") == unit, **kwargs)

    checks = [
        Check(
            "raw_kolada_values",
            "raw",
            ("raw.kolada_values", "raw.kolada_kpis"),
            # one row per KPI × municipality × gender (75 000 values, 17 000 groups), twice: the
            # extremes of year and value; the unit and catalogue flag follow from the KPI
            f"""select kpi, municipality_id, gender, in_kolada_catalogue, unit,
                       {duplicates(["period"])} as duplicate_rows,
                       bool_and(generated_label_ok) as generated_label_ok,
                       bool_and(value in (yes_code, no_code)) as is_yes_or_no, {extremes("period", "value")}
                from ({values}) group by kpi, municipality_id, gender, in_kolada_catalogue, unit""",
            (
                no_duplicates("one row per KPI × municipality × year × gender"),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "only the KPIs configured in config/oj_kpis.yml are loaded",
                    column="kpi",
                    value_set=list(p.kpi_ids),
                ),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "every KPI id is in Kolada's KPI catalogue",
                    column="in_kolada_catalogue",
                    value_set=[True],
                ),
                error(
                    gxe.ExpectColumnValuesToMatchRegex,
                    "Kolada municipality ids are four digits (0000 Riket, 00 + county code for a county)",
                    column="municipality_id",
                    regex=r"^\d{4}$",
                ),
                error(
                    gxe.ExpectColumnValuesToBeInSet, "gender is T, K or M", column="gender", value_set=["T", "K", "M"]
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "years lie between the first configured year and now",
                    column="period",
                    min_value=p.oj_first_year or 1990,
                    max_value=last_year,
                ),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "generated values are labelled generated in every row",
                    column="generated_label_ok",
                    value_set=[True],
                ),
                warning(
                    gxe.ExpectColumnValuesToNotBeNull, "the KPI's unit is recognised from its title", column="unit"
                ),
                in_unit("percent", "a share in per cent lies within 0–100", min_value=0, max_value=100),
                in_unit("index_0_100", "an index lies within 0–100", min_value=0, max_value=100),
                in_unit("scale_0_3", "a 0–3 scale answer lies within 0–3", min_value=0, max_value=3),
                in_unit("per_1000", "a rate per 1 000 lies within 0–1 000", min_value=0, max_value=1000),
                in_unit("per_10000", "a rate per 10 000 lies within 0–10 000", min_value=0, max_value=10000),
                in_unit("kr_per_inhabitant", "a cost in kr per inhabitant is not negative", min_value=0),
                in_unit("days", "a number of days is not negative", min_value=0),
                in_unit("deviation_pct", "a cost deviation in per cent is above -100 %", min_value=-100),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "a yes/no KPI has one of the codes its title gives (Ja=1, Nej=0 or Ja=1, Nej=2)",
                    column="is_yes_or_no",
                    value_set=[True],
                    row_condition=(C("unit") == "yes_no") & C("value").is_not_null(),
                ),
            ),
            "ÖJ values from Kolada, with each KPI's unit from its catalogue title.",
        ),
        Check(
            "raw_oj_kpi_config",
            "raw",
            ("raw.oj_kpi_config", "raw.kolada_kpis"),
            "select c.kpi_id, c.direction, k.id is not null as in_kolada_catalogue "
            "from raw.oj_kpi_config c left join raw.kolada_kpis k on k.id = c.kpi_id",
            (
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "every configured KPI id is a known Kolada KPI",
                    column="in_kolada_catalogue",
                    value_set=[True],
                ),
                error(gxe.ExpectColumnValuesToBeUnique, "a KPI is configured once", column="kpi_id"),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "direction is higher, lower or none",
                    column="direction",
                    value_set=["higher", "lower", "none"],
                ),
            ),
            "The ÖJ KPI catalogue of config/oj_kpis.yml against Kolada's catalogue.",
        ),
        Check(
            "fct_oj_results",
            "marts",
            ("marts.fct_oj_results",),
            # one row per KPI × year × sex × member or not (83 000 results, 570 groups), twice:
            # the extremes of rank and quartile
            f"""select kpi_id, year, sex, is_region_member, {duplicates(["municipality_id"])} as duplicate_rows,
                       bool_and(rank_in_region between 1 and region_reporting_count) as rank_within_n,
                       bool_and((value_provenance = 'generated') = is_generated) as generated_label_ok,
                       {extremes("rank_in_region", "quartile")}
                from marts.fct_oj_results group by kpi_id, year, sex, is_region_member""",
            (
                no_duplicates("one row per KPI × municipality × year × sex"),
                error(
                    gxe.ExpectColumnValuesToBeInSet, "only configured KPIs", column="kpi_id", value_set=list(p.kpi_ids)
                ),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "an ÖJ rank lies within 1..n, n = the region's municipalities with a value",
                    column="rank_within_n",
                    value_set=[True],
                    row_condition=C("rank_in_region").is_not_null(),
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "an ÖJ rank is at most the number of owner municipalities",
                    column="rank_in_region",
                    min_value=1,
                    max_value=len(p.members),
                ),
                error(
                    gxe.ExpectColumnValuesToBeNull,
                    "only the region's own municipalities are ranked",
                    column="rank_in_region",
                    row_condition=C("is_region_member") == False,  # noqa: E712 (GX row condition)
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween, "a quartile is 1–4", column="quartile", min_value=1, max_value=4
                ),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "generated values are labelled generated in every row",
                    column="generated_label_ok",
                    value_set=[True],
                ),
            ),
            "ÖJ results per KPI, municipality, year and sex, with the region rank and quartile.",
        ),
        Check(
            "raw_kolada_stale_kpis",
            "raw",
            ("raw.kolada_values",),
            # one row per KPI whose values were kept from an earlier run because this run's fetch
            # failed (raw.kolada_values.stale_reason has why): reported, not blocking
            "select kpi, any_value(stale_reason) as stale_reason from raw.kolada_values where is_stale group by kpi",
            (
                warning(
                    gxe.ExpectTableRowCountToEqual,
                    "ÖJ KPIs not refreshed by this load (earlier values kept; the KPI and why are in "
                    "raw.kolada_values.stale_reason): expected none",
                    value=0,
                ),
            ),
            "ÖJ KPIs whose latest fetch failed, so their earlier values are kept and marked stale.",
        ),
    ]
    return checks
