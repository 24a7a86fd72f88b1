-- Staffing per year: total FTE and by funding, with change against the latest earlier year
-- with staffing records (previous_year says which).
with per_year as (
    select year,
           sum(fte)                                                  as total_fte,
           sum(fte) filter (where funding = 'ordinarie')             as ordinary_fte,
           sum(fte) filter (where funding = 'extern')                as external_fte,
           sum(fte) filter (where funding = 'ej angiven')            as unspecified_fte,
           bool_or(contains_examples)                                as contains_examples
    from {{ ref('fct_staffing') }}
    group by year
)
select
    year,
    total_fte,
    coalesce(ordinary_fte, 0)     as ordinary_fte,
    coalesce(external_fte, 0)     as external_fte,
    coalesce(unspecified_fte, 0)  as unspecified_fte,
    lag(year) over (order by year)                         as previous_year,
    lag(total_fte) over (order by year)                    as previous_total_fte,
    total_fte - lag(total_fte) over (order by year)        as change_total_fte,
    contains_examples
from per_year
