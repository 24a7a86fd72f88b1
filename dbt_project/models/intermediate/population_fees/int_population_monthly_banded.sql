-- Monthly population (TAB6471) per region, month, sex and age band. SCB's own cells for the
-- all-ages total and the 10-year groups. The social-services bands (0-17, 18-64, 65+) are sums
-- of single ages, only where every age of the band is present (live answers carry single ages;
-- the bundled county answer has 10-year groups only, so offline it has none) and flagged as
-- sums of noisy cells. The all-ages total is summed from the eleven 10-year groups only where
-- SCB's published total is missing (the bundled county answer), and says so in `method`.
with cells as (
    select * from {{ ref('stg_scb__population_monthly') }}
),
bands as (
    {{ social_services_bands() }}
),
published as (
    select table_id, region_code, month_code, year, month, reference_date, sex,
           age_code as age_band, population,
           case age_kind when 'total' then 'published_total' else 'published_cell' end as method,
           source_mode, fetched_at
    from cells
    where age_kind in ('total', 'ten_year')
),
social as (
    select s.table_id, s.region_code, s.month_code, s.year, s.month, s.reference_date, s.sex, b.age_band,
           sum(s.population) as population, 'sum_of_noisy_cells' as method,
           max(s.source_mode) as source_mode, max(s.fetched_at) as fetched_at
    from cells s
    join bands b on s.age_kind = 'single' and s.age_years between b.first_age and b.last_age
    group by all
    having count(*) = max(b.last_age - b.first_age + 1)
),
summed_total as (
    select table_id, region_code, month_code, year, month, reference_date, sex, 'total' as age_band,
           sum(population) as population, 'sum_of_noisy_cells' as method,
           max(source_mode) as source_mode, max(fetched_at) as fetched_at
    from cells c
    where age_kind = 'ten_year'
      and not exists (select 1 from cells t
                      where t.age_kind = 'total' and t.table_id = c.table_id and t.region_code = c.region_code
                        and t.month_code = c.month_code and t.sex = c.sex)
    group by all
    having count(*) = 11
)
select * from published
union all select * from social
union all select * from summed_total
