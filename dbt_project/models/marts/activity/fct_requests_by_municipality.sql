-- Requests per year and member municipality of origin, per 10 000 inhabitants, so that the
-- members can be compared fairly. The population is SCB's (all ages, both sexes) on 31 December
-- of the request year, or of the latest earlier year SCB has (population_year says which).
-- Years whose requests all have an unknown origin (2024: only the total is known) are left out:
-- there a member's 0 would be a guess, not a count.
with r as (select * from {{ ref('stg_records__requests') }}),
members as (select municipality_code, municipality_name from {{ ref('stg_config__region_members') }}),
known_years as (select distinct year from r where origin <> 'okänd'),
counts as (
    select year, origin as municipality_code,
           sum(n_requests)                                            as n_requests,
           sum(case when decision = 'ja' then n_requests else 0 end)  as n_granted_requests,
           sum(case when is_example then n_requests else 0 end)       as n_example_requests
    from r group by all
),
population as (
    select region_code, year, population
    from {{ ref('fct_population') }}
    where sex = 'total' and age_band = 'total'
),
filled as (
    select y.year, m.municipality_code, m.municipality_name,
           coalesce(c.n_requests, 0)         as n_requests,
           coalesce(c.n_granted_requests, 0) as n_granted_requests,
           coalesce(c.n_example_requests, 0) as n_example_requests,
           (select max(p.year) from population p
             where p.region_code = m.municipality_code and p.year <= y.year) as population_year
    from known_years y
    cross join members m
    left join counts c on c.year = y.year and c.municipality_code = m.municipality_code
)
select
    f.year,
    f.municipality_code,
    f.municipality_name,
    cast(f.n_requests as integer)                                        as n_requests,
    cast(f.n_granted_requests as integer)                                as n_granted_requests,
    pop.population,
    f.population_year,
    (10000.0 * f.n_requests / pop.population)                    as requests_per_10000_inhabitants,
    (10000.0 * f.n_granted_requests / pop.population)            as granted_requests_per_10000_inhabitants,
    cast(f.n_example_requests as integer)                                as n_example_requests,
    f.n_example_requests > 0                                             as contains_examples
from filled f
left join population pop on pop.region_code = f.municipality_code and pop.year = f.population_year
