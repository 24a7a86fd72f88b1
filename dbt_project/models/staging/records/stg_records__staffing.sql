with source as (
    select * from {{ records_latest("records_staffing", ["år", "roll", "finansiering", "person"]) }}
),

renamed as (
    select
        -- who
        cast("år" as integer)                             as year,
        "roll"                                            as role,
        "finansiering"                                    as funding,   -- ordinarie, extern, ej angiven
        "person"                                          as person,
        -- how much
        cast("årsarbetare" as decimal(6, 2))              as fte,
        cast("antal_personer" as integer)                 as persons,
        "anteckning"                                      as note,
        -- provenance
        {{ records_provenance_columns() }}
    from source
)

select * from renamed
