-- The Kolada groups each region member is compared with: its similar municipalities (the
-- newest year's "Liknande kommuner IFO, <kommun>, <år>" group; Kolada's similar groups do not
-- hold the municipality itself) and the region's own group (config/region.yml kolada_group_id).
with groups as (select * from {{ ref('dim_municipality_group_members') }}),
members as (select municipality_code as municipality_id from {{ ref('stg_config__region_members') }}),
similar_group as (
    select distinct similar_to_municipality_id as municipality_id, group_id, group_title, group_year
    from groups
    where is_similar_ifo_group and similar_to_is_region_member
    qualify group_year = max(group_year) over (partition by similar_to_municipality_id)
),
region as (
    select distinct g.group_id, g.group_title
    from groups g
    join {{ ref('stg_kolada__region_group') }} r using (group_id)
)
select municipality_id, 'similar' as comparison, group_id, group_title, group_year from similar_group
union all
select m.municipality_id, 'region' as comparison, r.group_id, r.group_title, null::integer as group_year
from members m
cross join region r
