-- A table: int_population_banded reads it twice.
{{ config(materialized='table') }}
-- Population per table, region, year, sex and age code with civil status resolved:
-- the published all-statuses total where the table has one (TAB5557 "SC", or an eliminated
-- dimension), otherwise the exact sum of the statuses (TAB638 has no total and no noise).
-- A sex total is added by summing men and women only where the table is free of Cell Key
-- Method noise and publishes no total itself.
with resolved as (
    select
        table_id, region_code, year, sex, age_code, age_years, is_cell_key_method,
        coalesce(sum(population) filter (where civil_status = 'SC'), sum(population)) as population,
        bool_or(civil_status = 'SC') as is_published_total,
        max(source_mode) as source_mode,
        max(fetched_at) as fetched_at
    from {{ ref('stg_scb__population') }}
    group by all
),
summed_sex as (
    select
        table_id, region_code, year, 'total' as sex, age_code, age_years, is_cell_key_method,
        sum(population) as population, false as is_published_total,
        max(source_mode) as source_mode, max(fetched_at) as fetched_at
    from resolved r
    where sex in ('men', 'women') and not is_cell_key_method
      and not exists (
          select 1 from resolved t
          where t.sex = 'total' and t.table_id = r.table_id and t.region_code = r.region_code
            and t.year = r.year and t.age_code = r.age_code)
    group by all
    having count(*) = 2
)
select * from resolved
union all
select * from summed_sex
