-- Region totals per fee year: the sum of the invoices, which for a fixed total equals it exactly.
select
    fee_year,
    any_value(fee_model)                  as fee_model,
    any_value(basis_date)                 as basis_date,
    count(*)                              as municipalities,
    cast(sum(basis_population) as bigint) as region_basis_population,
    any_value(region_population_growth_pct) as region_population_growth_pct,
    any_value(rate_per_inhabitant) filter (where fee_model = 'rate_per_inhabitant') as rate_per_inhabitant,
    cast(sum(fee_kr) as bigint)           as fee_total_kr,
    bool_or(is_invoiced)                  as is_invoiced
from {{ ref('fct_fees') }}
group by fee_year
