-- The region's own Kolada group (config/region.yml kolada_group_id), e.g. G196055
-- "Nordvästkommunerna i Stockholms län (ovägt medel)"; no row for a region without one.
with source as (
    select * from {{ source('kolada', 'kolada_region_group') }}
)

select group_id from source where group_id is not null
