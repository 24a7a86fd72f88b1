-- Kolada's own group values, one row per KPI × group × year × sex: the unweighted mean of the
-- group's members with a value (member_count how many), asked with the group's G id in the
-- municipality segment. Only live runs have them; offline the mean is computed
-- (int_oj__group_means). Values flagged deleted are dropped.
with source as (
    select * from {{ source('kolada', 'kolada_group_values') }}
),

renamed as (
    select
        -- what the value is of
        kpi                                   as kpi_id,
        municipality_id                       as group_id,
        period                                as year,
        gender                                as sex,
        -- the value
        value,
        nullif(status, '')                    as status,
        count                                 as member_count,
        -- provenance
        source_mode,
        is_generated,
        source_mode = 'kolada-copy'           as is_copy,
        coalesce(checked_at, fetched_at)      as refreshed_at,
        coalesce(is_stale, false)             as is_stale
    from source
    where not coalesce(is_deleted, false)
)

select * from renamed
