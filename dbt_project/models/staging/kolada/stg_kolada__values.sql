-- ÖJ values as Kolada gives them, one row per KPI × place × year × sex; a place may be a
-- Kolada group (G id: its value is the group's unweighted mean, member_count how many).
-- Values flagged deleted are dropped (the load removes them too).
with source as (
    select * from {{ source('kolada', 'kolada_values') }}
),

renamed as (
    select
        -- what the value is of
        kpi                                   as kpi_id,
        municipality_id,
        period                                as year,
        gender                                as sex,      -- T total, K kvinnor, M män
        -- the value
        value,
        nullif(status, '')                    as status,
        count                                 as member_count,
        -- provenance
        source_mode,
        is_generated,
        source_mode = 'kolada-copy'           as is_copy,   -- real Kolada values through a third-party copy
        case when is_generated then 'generated'
             when source_mode = 'kolada-copy' then 'kolada-copy'
             else 'kolada' end                as value_provenance,
        sha256                                as answer_sha256,
        fetched_at,
        -- freshness: when the value was last fetched or confirmed unchanged (an incremental month
        -- that asked its KPI with from_date); stale when a later fetch of its KPI failed
        coalesce(checked_at, fetched_at)      as refreshed_at,
        coalesce(is_stale, false)             as is_stale,
        stale_reason
    from source
    where not coalesce(is_deleted, false)
)

select * from renamed
