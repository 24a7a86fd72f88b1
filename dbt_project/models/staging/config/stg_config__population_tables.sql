with source as (
    select * from {{ source('config', 'population_tables') }}
),

renamed as (
    select
        -- the SCB table
        table_id,
        contents_code,
        -- the years it serves (an open end is the current table)
        first_year,
        coalesce(last_year, 9999) as last_year
    from source
)

select * from renamed
