select
    "förfrågan_id"                                        as request_id,
    cast("år" as integer)                                 as year,
    cast("datum" as date)                                 as request_date,
    "ursprung"                                            as origin,        -- municipality code, 'extern' or 'okänd'
    "avsändare"                                           as sender,
    "beslut"                                              as decision,      -- ja, nej, pågående, okänt
    "linje"                                               as line,
    coalesce(cast("antal" as integer), 1)                 as n_requests,    -- a summary row counts several
    "beskrivning"                                         as description,
    "källa"                                               as source_document,
    coalesce(cast("exempel" as boolean), false)           as is_example,
    file_name                                             as record_file,
    source_row
from {{ records_latest("records_requests", ["förfrågan_id"]) }} as r
