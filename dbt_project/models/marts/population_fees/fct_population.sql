-- Population on 31 December per region, year, sex and age band: one series stitched from the
-- SCB tables configured for each range of years (TAB638 to 2024, TAB5557 from 2025).
select
    b.region_code,
    r.region_name,
    b.year,
    make_date(b.year, 12, 31) as reference_date,
    b.sex,
    b.age_band,
    cast(b.population as bigint) as population,  -- a sum (HUGEINT): clients would print int128
    b.method,
    b.table_id   as source_table,
    b.source_mode,
    b.fetched_at
from {{ ref('int_population_banded') }} b
join {{ ref('stg_config__population_tables') }} t
  on t.table_id = b.table_id and b.year between t.first_year and t.last_year
left join {{ ref('stg_scb__regions') }} r using (region_code)
