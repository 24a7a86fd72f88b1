-- What each owner municipality pays per fee year. The basis is SCB's population on the basis
-- date (31 December two years before the fee year unless the fee record says otherwise).
--   rate_per_inhabitant: fee = basis population × rate, rounded to whole kronor.
--   fixed_total: the total is split by population share to whole kronor with the largest-
--     remainder method, so the invoices add up exactly to the total.
--   waived: no invoice (2022, because of earlier years' surplus); the basis is still shown.
with params as (select * from {{ ref('stg_records__fee_parameters') }}),
members as (select * from {{ ref('stg_config__region_members') }}),
population as (
    select region_code, year, population, source_mode, fetched_at
    from {{ ref('fct_population') }}
    where sex = 'total' and age_band = 'total'
),
basis as (
    select
        p.fee_year, p.fee_model, p.rate_per_inhabitant, p.total_amount_kr, p.basis_date,
        p.source_document,
        m.municipality_code, m.municipality_name,
        cur.population  as basis_population,
        prev.population as previous_population,
        cur.source_mode as population_source_mode,
        cur.fetched_at  as population_fetched_at
    from params p
    cross join members m
    left join population cur  on cur.region_code = m.municipality_code and cur.year = year(p.basis_date)
    left join population prev on prev.region_code = m.municipality_code and prev.year = year(p.basis_date) - 1
),
with_totals as (
    select
        *,
        sum(basis_population) over (partition by fee_year)    as region_basis_population,
        sum(previous_population) over (partition by fee_year) as region_previous_population
    from basis
),
allocated as (
    select
        *,
        -- integer arithmetic for the fixed total: exact, no floating point
        (cast(total_amount_kr as hugeint) * basis_population) // region_basis_population as floor_share_kr,
        (cast(total_amount_kr as hugeint) * basis_population) %  region_basis_population as remainder
    from with_totals
),
ranked as (
    select
        *,
        total_amount_kr - sum(floor_share_kr) over (partition by fee_year) as kronor_left,
        row_number() over (partition by fee_year
                           order by remainder desc, basis_population desc, municipality_code) as remainder_rank
    from allocated
)
select
    fee_year,
    municipality_code,
    municipality_name,
    basis_date,
    basis_population,
    previous_population,
    -- exact shares: 100 × num ÷ den in integers, floored at the 12th decimal, as decimal(38, 12);
    -- never a float: rounded once, half up, only at display (16,4541… → 16,5)
    cast((cast(100 * (basis_population) as hugeint) * 1000000000000 // (region_basis_population)) as decimal(38, 0)) * 0.000000000001::decimal(13, 12)  as population_share_pct,
    cast((cast(100 * (basis_population - previous_population) as hugeint) * 1000000000000 // (previous_population)) as decimal(38, 0)) * 0.000000000001::decimal(13, 12) as population_growth_pct,
    fee_model,
    case fee_model
        when 'rate_per_inhabitant' then rate_per_inhabitant
        when 'fixed_total' then round(cast(total_amount_kr as decimal(18, 2)) / region_basis_population, 2)
    end                                                            as rate_per_inhabitant,
    cast(case fee_model
        when 'rate_per_inhabitant' then round(basis_population * rate_per_inhabitant, 0)
        when 'fixed_total' then floor_share_kr + case when remainder_rank <= kronor_left then 1 else 0 end
        when 'waived' then 0
    end as bigint)                                                 as fee_kr,
    fee_model <> 'waived'                                          as is_invoiced,
    cast(region_basis_population as bigint)                        as region_basis_population,
    cast((cast(100 * (region_basis_population - region_previous_population) as hugeint) * 1000000000000 // (region_previous_population)) as decimal(38, 0)) * 0.000000000001::decimal(13, 12)
                                                                   as region_population_growth_pct,
    source_document,
    population_source_mode,
    population_fetched_at
from ranked
