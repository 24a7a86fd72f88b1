with source as (
    select * from {{ records_latest("records_plan", ["år", "typ", "titel", "datum"]) }}
),

renamed as (
    select
        -- the planned item
        cast("år" as integer)                             as plan_year,
        "mål"                                             as goal,          -- null only for kind fokus
        "typ"                                             as kind,          -- uppdrag, erbjudande, evenemang, nätverk, fokus
        "titel"                                           as title,
        -- who it is for: codes in the cell's order ('0184,0125'), not sorted
        "kommuner"                                        as municipality_codes,
        -- how certain, when, at which level
        "status"                                          as status,        -- ok, oklart, förslag, villkorat
        "villkor"                                         as condition,     -- with status villkorat
        cast("datum" as date)                             as event_date,
        "nätverksnivå"                                    as network_level, -- for kind nätverk
        -- provenance, and when the file was loaded (the plan keeps the files' order)
        loaded_at                                         as record_file_loaded_at,
        {{ records_provenance_columns(["source_document", "record_file", "source_row"]) }}
    from source
)

select * from renamed
