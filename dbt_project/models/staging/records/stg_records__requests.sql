with source as (
    select * from {{ records_latest("records_requests", ["förfrågan_id"]) }}
),

renamed as (
    select
        -- the request
        "förfrågan_id"                                    as request_id,
        cast("år" as integer)                             as year,
        cast("datum" as date)                             as request_date,
        "ursprung"                                        as origin,        -- municipality code, 'extern' or 'okänd'
        "avsändare"                                       as sender,
        -- what became of it
        "beslut"                                          as decision,      -- ja, nej, pågående, okänt
        "linje"                                           as line,
        coalesce(cast("antal" as integer), 1)             as n_requests,    -- a summary row counts several
        "beskrivning"                                     as description,
        -- provenance
        {{ records_provenance_columns() }}
    from source
)

select * from renamed
