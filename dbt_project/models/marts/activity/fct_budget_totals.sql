-- Budget and outcome per year: costs, income and net (income − costs), tkr.
with b as (select * from {{ ref('fct_budget') }})
select
    year,
    sum(case when category_type = 'cost' then budget_tkr end)     as cost_budget_tkr,
    sum(case when category_type = 'cost' then outcome_tkr end)    as cost_outcome_tkr,
    sum(case when category_type = 'income' then budget_tkr end)   as income_budget_tkr,
    sum(case when category_type = 'income' then outcome_tkr end)  as income_outcome_tkr,
    sum(case when category_type = 'income' then budget_tkr end)
      - sum(case when category_type = 'cost' then budget_tkr end)   as net_budget_tkr,
    sum(case when category_type = 'income' then outcome_tkr end)
      - sum(case when category_type = 'cost' then outcome_tkr end)  as net_outcome_tkr,
    sum(case when category_type = 'cost' then deviation_tkr end)  as cost_deviation_tkr,
    bool_or(is_example)                                           as contains_examples
from b
group by year
