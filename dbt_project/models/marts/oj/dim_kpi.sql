-- The ÖJ KPIs of config/oj_kpis.yml (area, direction of better) with the API's metadata
-- (title, description, unit, source, publication dates), so titles stay current.
with config as (select * from {{ ref('stg_kolada__oj_kpi_config') }}),
meta as (select * from {{ ref('stg_kolada__kpis') }}),
provenance as (
    select kpi_id, bool_or(is_generated) as has_generated_values, bool_or(is_copy) as has_copied_values,
           count(*) as value_count,
           min(year) as first_year, max(year) as last_year
    from {{ ref('stg_kolada__values') }}
    group by kpi_id
)
select
    c.kpi_id,
    m.kpi_title,
    m.kpi_description,
    c.area,
    c.direction,
    m.unit,
    m.yes_code,
    m.no_code,
    m.yes_code is not null                                   as is_yes_no,
    m.is_divided_by_gender,
    m.operating_area,
    m.perspective,
    m.kpi_source,
    c.kpi_id like 'U%' and m.kpi_description ilike '%kommunenkät ÖJ%' as is_oj_municipal_survey,
    m.publ_period,
    m.prel_publication_date,
    m.publication_date,
    m.kpi_title is not null                                  as has_metadata,
    coalesce(p.value_count, 0)                               as value_count,
    p.first_year,
    p.last_year,
    case when p.has_generated_values then 'generated'
         when p.has_copied_values then 'kolada-copy'
         when p.value_count is null then 'no values'
         else 'kolada' end                                   as value_provenance,
    c.catalogue_position
from config c
left join meta m using (kpi_id)
left join provenance p using (kpi_id)
