-- Age bands used in social services. All ages: the published total where there is one,
-- else the exact sum of single ages. Bands: the sum of single ages, only when every age of
-- the band is present. On Cell Key Method tables the band sums carry added noise and are
-- flagged (method = 'sum_of_noisy_cells'); the all-ages total is always fetched, never summed.
with bands as (
    {{ social_services_bands() }}
),
singles as (
    select * from {{ ref('int_population_civil_resolved') }} where age_years is not null
),
banded as (
    select
        s.table_id, s.region_code, s.year, s.sex, b.age_band,
        sum(s.population) as population,
        case when s.is_cell_key_method then 'sum_of_noisy_cells' else 'exact_sum' end as method,
        max(s.source_mode) as source_mode, max(s.fetched_at) as fetched_at
    from singles s
    join bands b on s.age_years between b.first_age and b.last_age
    group by all
    having count(*) = max(b.last_age - b.first_age + 1)
),
published_total as (
    select table_id, region_code, year, sex, 'total' as age_band, population,
           case when is_published_total then 'published_total' else 'exact_sum' end as method,
           source_mode, fetched_at
    from {{ ref('int_population_civil_resolved') }}
    where age_code = 'total' and (is_published_total or not is_cell_key_method)
),
summed_total as (
    select table_id, region_code, year, sex, 'total' as age_band, sum(population) as population,
           'exact_sum' as method, max(source_mode) as source_mode, max(fetched_at) as fetched_at
    from singles s
    where not is_cell_key_method
      and not exists (select 1 from published_total p
                      where p.table_id = s.table_id and p.region_code = s.region_code
                        and p.year = s.year and p.sex = s.sex)
    group by all
    having count(*) = 101
)
select * from banded
union all select * from published_total
union all select * from summed_total
