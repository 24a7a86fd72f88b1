with source as (
    select * from {{ source('kolada', 'kolada_municipalities') }}
),

renamed as (
    select
        -- the place
        id     as municipality_id,
        title  as municipality_name,
        type   as municipality_type,   -- K kommun, L region/län (0000 Riket)
        -- provenance
        source_mode,
        fetched_at
    from source
)

select * from renamed
