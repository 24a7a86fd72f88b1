with source as (
    select * from {{ source('kolada', 'kolada_groups') }}
),

renamed as (
    select
        -- the group
        group_id,
        trim(group_title)  as group_title,
        -- the member
        member_id          as municipality_id,
        member_title       as municipality_name,
        -- provenance
        source_mode,
        fetched_at
    from source
)

select * from renamed
