{{ config(materialized='view') }}
-- depends_on: {{ ref('stg_config__region_members') }}
-- For reports: one row per KPI and year (totals, sex T), one column per member municipality
-- of the region (named as in config/region.yml), then the region's median, county and Riket.
-- The columns follow the configured region; value_provenance says 'generated' when any value
-- in the row is generated, else 'kolada-copy' when any is a third-party copy of Kolada's.
{%- set members = [] -%}
{%- if execute -%}
    {%- set result = run_query("select municipality_code, municipality_name from " ~ ref('stg_config__region_members') ~ " order by municipality_name") -%}
    {%- set members = result.rows -%}
{%- endif %}
select
    kpi_id,
    any_value(kpi_title)       as kpi_title,
    any_value(area)            as area,
    any_value(direction)       as direction,
    any_value(unit)            as unit,
    year,
{%- for code, name in members %}
    max(value) filter (where municipality_id = '{{ code }}') as "{{ name }}",
{%- endfor %}
    any_value(region_median)   as region_median,
    any_value(county_value)    as county_value,
    any_value(nation_value)    as nation_value,
    case when bool_or(is_generated) then 'generated'
         when bool_or(value_provenance = 'kolada-copy') then 'kolada-copy'
         else 'kolada' end     as value_provenance
from {{ ref('fct_oj_results') }}
where is_region_member and sex = 'T'
group by kpi_id, year
