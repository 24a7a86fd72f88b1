-- Budget against outcome (driftredovisning) per year and category. Deviation is signed so that
-- positive is favourable: budget − outcome for costs, outcome − budget for income; this is
-- the sign of "Avvikelse mot budget" in the 2017 annual report.
with b as (select * from {{ ref('stg_records__budget') }})
select
    year,
    category,
    category_type,
    budget_tkr,
    outcome_tkr,
    case category_type when 'cost' then budget_tkr - outcome_tkr
                       else outcome_tkr - budget_tkr end                      as deviation_tkr,
    cast(1000 * case category_type when 'cost' then budget_tkr - outcome_tkr
                                   else outcome_tkr - budget_tkr end as bigint) as deviation_kr,
    round(100.0 * (outcome_tkr - budget_tkr) / nullif(budget_tkr, 0), 1)      as outcome_vs_budget_pct,
    line_in_source,
    source_document,
    is_example,
    record_file
from b
