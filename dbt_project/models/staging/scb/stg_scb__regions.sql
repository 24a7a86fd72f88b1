-- Region names from the newest metadata of the population tables.
with source as (
    select * from {{ source('scb', 'scb_regions') }}
),

landing_files as (
    select * from {{ source('scb', 'landing_files') }}
),

renamed as (
    select
        -- the region
        region_code,
        region_name
    from source r
    join landing_files f using (sha256)
    qualify row_number() over (partition by region_code order by f.fetched_at desc, r.table_id) = 1
)

select * from renamed
