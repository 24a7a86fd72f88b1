select
    "uppdrag_id"                                          as assignment_id,
    cast("år" as integer)                                 as year,
    "uppdrag"                                             as assignment_name,
    "mål"                                                 as goal,
    "mål_i_källan"                                        as goal_in_source,
    "område"                                              as area,
    "linje"                                               as line,
    "kommuner"                                            as municipality_codes,  -- '0123,0125', sorted
    "övriga_parter"                                       as other_parties,
    cast("externfinansierat" as boolean)                  as is_externally_funded,
    "ansvarig"                                            as responsible,
    "källa"                                               as source_document,
    coalesce(cast("exempel" as boolean), false)           as is_example,
    file_name                                             as record_file,
    source_row
from {{ records_latest("records_assignments", ["uppdrag_id", "år", "mål"]) }} as r
