with source as (
    select * from {{ records_latest("records_meeting_points", ["möte", "typ", "ordning"]) }}
),

renamed as (
    select
        -- which meeting and point
        cast("möte" as date)                              as meeting_date,
        "typ"                                             as point_type,    -- kärnbudskap, beslutspunkt
        cast("ordning" as integer)                        as position,
        -- what it says
        "rubrik"                                          as heading,
        "text"                                            as body,
        -- provenance
        {{ records_provenance_columns(["source_document", "record_file", "source_row"]) }}
    from source
)

select * from renamed
