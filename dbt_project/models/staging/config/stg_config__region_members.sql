with source as (
    select * from {{ source('config', 'region_members') }}
),

renamed as (
    select
        -- the member municipality
        municipality_code,
        municipality_name,
        -- the region it belongs to
        region_name,
        county_code
    from source
)

select * from renamed
