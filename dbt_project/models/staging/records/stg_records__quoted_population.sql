with source as (
    select * from {{ records_latest("records_quoted_population", ["dokument", "avser_datum", "kommun"]) }}
),

renamed as (
    select
        -- where and when the figure is quoted
        "dokument"                                        as document,
        cast("avser_datum" as date)                       as reference_date,
        "kommun"                                          as municipality_code,
        -- the figure
        cast("folkmängd" as bigint)                       as quoted_population,
        -- provenance (the document above is the source)
        {{ records_provenance_columns(["record_file", "source_row"]) }}
    from source
)

select * from renamed
