-- Population on the last day of each month per region (the configured region's members, its
-- county and the nation), sex and age band, from SCB's monthly table TAB6471 (2025M01 on).
-- Only what SCB's answers hold: the bundled snapshot has county months, never municipal ones.
with banded as (
    select * from {{ ref('int_population_monthly_banded') }}
),
members as (
    select * from {{ ref('stg_config__region_members') }}
),
scope as (
    select municipality_code as region_code, 'member' as region_level from members
    union
    select distinct county_code, 'county' from members
    union
    select '00', 'nation'
)
select
    b.region_code,
    r.region_name,
    s.region_level,
    b.month_code,
    b.year,
    b.month,
    b.reference_date,
    b.sex,
    b.age_band,
    cast(b.population as bigint) as population,  -- sum() gives HUGEINT, which clients print as int128
    b.method,
    b.table_id as source_table,
    b.source_mode,
    b.fetched_at
from banded b
join scope s using (region_code)
left join {{ ref('stg_scb__regions') }} r using (region_code)
