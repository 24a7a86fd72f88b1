"""Fees: one row per fee year and owner, invoices add up, shares sum to 100 %."""

from __future__ import annotations

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column as C

from expectations.base import SHARE_ROUNDING_PP, Check, Params, error, unique


def fee_checks(p: Params) -> list[Check]:
    member_codes = sorted(p.members)
    n = len(member_codes)
    return [
        Check(
            "fct_fees",
            "marts",
            ("marts.fct_fees",),
            "select fee_year, municipality_code, fee_model, is_invoiced, basis_population::double as basis_population, "
            "population_share_pct::double as population_share_pct, fee_kr from marts.fct_fees",
            (
                unique(["fee_year", "municipality_code"], "one row per fee_year × municipality_code"),
                error(
                    gxe.ExpectColumnValuesToBeInSet,
                    "fees are for owner municipalities only",
                    column="municipality_code",
                    value_set=member_codes,
                ),
                error(
                    gxe.ExpectColumnValuesToNotBeNull, "every fee has its basis population", column="basis_population"
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "a basis population is positive",
                    column="basis_population",
                    min_value=1,
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "a share is between 0 and 100 %",
                    column="population_share_pct",
                    min_value=0,
                    max_value=100,
                ),
                error(gxe.ExpectColumnValuesToNotBeNull, "no fee is missing", column="fee_kr"),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "an invoiced fee is at least 1 kr",
                    column="fee_kr",
                    min_value=1,
                    row_condition=C("is_invoiced") == True,  # noqa: E712 (GX row condition, not Python truth)
                ),
            ),
            "What each owner municipality pays per fee year.",
        ),
        Check(
            "fct_fees_member_coverage",
            "marts",
            ("marts.fct_fees", "staging.stg_records__fee_parameters"),
            # the fee years as the fee records stand now (the latest file's row per year)
            """select y.fee_year, m.municipality_code, count(f.fee_kr) as fees, min(f.fee_kr) as fee_kr
               from staging.stg_records__fee_parameters y cross join members m
               left join marts.fct_fees f on f.fee_year = y.fee_year and f.municipality_code = m.municipality_code
               where y.fee_model <> 'waived'
               group by all order by all""",
            (
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "every owner municipality has exactly one fee in every invoiced (not waived) year",
                    column="fees",
                    min_value=1,
                    max_value=1,
                ),
                error(gxe.ExpectColumnValuesToBeBetween, "that fee is at least 1 kr", column="fee_kr", min_value=1),
            ),
            "Every invoiced fee year of the fee records × every owner municipality.",
        ),
        Check(
            "fct_fees_per_year",
            "marts",
            ("marts.fct_fees", "marts.fct_fee_totals", "staging.stg_records__fee_parameters"),
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
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    f"each fee year has all {n} owner municipalities",
                    column="municipalities",
                    min_value=n,
                    max_value=n,
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "fee shares sum to 100 % per year (within rounding)",
                    column="share_sum_pct",
                    min_value=100 - n * SHARE_ROUNDING_PP,
                    max_value=100 + n * SHARE_ROUNDING_PP,
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "the members' basis populations add up to the region's",
                    column="basis_difference",
                    min_value=0,
                    max_value=0,
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "allocated fees sum exactly to the total in a fixed-total year",
                    column="fixed_total_difference_kr",
                    min_value=0,
                    max_value=0,
                    row_condition=C("fee_model") == "fixed_total",
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "in a per-inhabitant year the fees differ from "
                    "population × rate only by rounding to whole kronor (at most 0.5 kr each)",
                    column="rate_rounding_difference_kr",
                    min_value=-n / 2,
                    max_value=n / 2,
                    row_condition=C("fee_model") == "rate_per_inhabitant",
                ),
                error(
                    gxe.ExpectColumnValuesToBeBetween,
                    "fct_fee_totals holds the sum of the fees",
                    column="totals_mart_difference_kr",
                    min_value=0,
                    max_value=0,
                ),
            ),
            "Sums per fee year: shares, fixed totals, rounding, the totals mart.",
        ),
    ]
