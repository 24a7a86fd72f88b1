with source as (
    select * from {{ source('kolada', 'oj_kpi_config') }}
),

renamed as (
    select
        -- the KPI and how to read it
        kpi_id,
        area,
        direction,
        -- its place in config/oj_kpis.yml
        position as catalogue_position
    from source
)

select * from renamed
