-- Region-level check of population quoted in the unit's documents: the quoted figures of the
-- member municipalities summed per document and date (the 2019 plan's region totals 415 445
-- for 2016 and 424 550 for 2017 are these sums) against SCB's sum for the same members.
-- Municipality by municipality differences are in rpt_population_reconciliation.
with q as (
    select * from {{ ref('stg_records__quoted_population') }}
    where municipality_code in (select municipality_code from {{ ref('stg_config__region_members') }})
),
scb as (
    select region_code, year, population from {{ ref('fct_population') }}
    where sex = 'total' and age_band = 'total'
)
select
    q.document,
    q.reference_date,
    count(*)                                          as n_municipalities_quoted,
    cast(sum(q.quoted_population) as bigint)          as quoted_region_population,
    cast(sum(s.population) as bigint)                 as scb_region_population,
    count(s.population)                               as n_municipalities_in_scb,
    cast(sum(q.quoted_population) - sum(s.population) as bigint) as difference,
    sum(q.quoted_population) is distinct from sum(s.population) as differs_from_scb
from q
left join scb s on s.region_code = q.municipality_code and s.year = year(q.reference_date)
group by q.document, q.reference_date
