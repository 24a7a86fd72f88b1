select
    "aktivitet_id"                                        as activity_id,
    cast("år" as integer)                                 as year,
    cast("datum" as date)                                 as activity_date,
    "aktivitet"                                           as activity_name,
    "aktivitetstyp"                                       as activity_type,
    "mål"                                                 as goal,
    "område"                                              as area,
    "linje"                                               as line,
    "kommuner"                                            as municipality_codes,
    "övriga_parter"                                       as other_parties,
    "uppdrag_id"                                          as assignment_id,
    cast("deltagare" as integer)                          as participants,
    "källa"                                               as source_document,
    coalesce(cast("exempel" as boolean), false)           as is_example,
    file_name                                             as record_file,
    source_row
from {{ records_latest("records_activities", ["aktivitet_id"]) }} as r
