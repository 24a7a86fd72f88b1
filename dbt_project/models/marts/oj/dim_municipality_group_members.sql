-- Kolada's municipality groups, one row per group × member, e.g. "Liknande kommuner IFO,
-- Järfälla, 2024" (municipalities similar to Järfälla for individ- och familjeomsorg) or
-- G196055 "Nordvästkommunerna i Stockholms län (ovägt medel)". Join fct_oj_results on
-- municipality_id to compare a municipality with its similar municipalities.
with groups as (select * from {{ ref('stg_kolada__group_members') }}),
municipalities as (select * from {{ ref('stg_kolada__municipalities') }} where municipality_type = 'K'),
members as (select municipality_code from {{ ref('stg_config__region_members') }}),
parsed as (
    select
        *,
        -- "Liknande kommuner IFO, Järfälla, 2024" / "Liknande kommuner, övergripande, Solna, 2025"
        regexp_extract(group_title, '^Liknande kommuner,? (.+), ([^,]+), (\d{4})$', 1) as similarity_area,
        regexp_extract(group_title, '^Liknande kommuner,? (.+), ([^,]+), (\d{4})$', 2) as similar_to_name,
        regexp_extract(group_title, '^Liknande kommuner,? (.+), ([^,]+), (\d{4})$', 3) as group_year
    from groups
)
select
    p.group_id,
    p.group_title,
    p.municipality_id,
    p.municipality_name,
    mm.municipality_code is not null                  as is_region_member,
    nullif(p.similarity_area, '')                     as similarity_area,
    nullif(p.similarity_area, '') = 'IFO'             as is_similar_ifo_group,
    s.municipality_id                                 as similar_to_municipality_id,
    nullif(p.similar_to_name, '')                     as similar_to_municipality_name,
    try_cast(nullif(p.group_year, '') as integer)     as group_year,
    sm.municipality_code is not null                  as similar_to_is_region_member
from parsed p
left join members mm on mm.municipality_code = p.municipality_id
left join municipalities s on s.municipality_name = nullif(p.similar_to_name, '')
left join members sm on sm.municipality_code = s.municipality_id
